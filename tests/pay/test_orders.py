"""Orders: create (JSAPI, APP, H5, Native), query, close, out_trade_no reuse, expiry, validation."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.identity.helpers import make_app, make_user
from tests.pay.helpers import (
    MerchantKeys,
    call,
    make_merchant,
    openid_of,
    order_body,
    platform_public_key,
    verify_response,
)

BEIJING = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def merchant(client: TestClient) -> MerchantKeys:
    return make_merchant(client)


@pytest.fixture
def openid(client: TestClient, merchant: MerchantKeys) -> str:
    return openid_of(client, make_user(client, "Payer"), merchant.app)


def jsapi(
    client: TestClient, merchant: MerchantKeys, openid: str, no: str = "ORDER0001", **extra: Any
) -> Any:
    return call(
        client,
        merchant,
        "POST",
        "/v3/pay/transactions/jsapi",
        order_body(merchant, no, payer={"openid": openid}, **extra),
    )


def query(client: TestClient, merchant: MerchantKeys, no: str = "ORDER0001") -> Any:
    return call(client, merchant, "GET", f"/v3/pay/transactions/out-trade-no/{no}?mchid={merchant.mchid}")


def test_jsapi_order_gets_a_prepay_id_and_queries_as_notpay(
    client: TestClient, merchant: MerchantKeys, openid: str
) -> None:
    created = jsapi(client, merchant, openid, attach="seat 12")
    assert created.status_code == 200, created.text
    assert verify_response(created, platform_public_key(merchant))
    assert re.fullmatch(r"wx\d{14}[0-9a-f]{20}", created.json()["prepay_id"])
    found = query(client, merchant)
    assert found.status_code == 200
    assert found.json() == {
        "appid": merchant.data["appid"],
        "mchid": merchant.mchid,
        "out_trade_no": "ORDER0001",
        "trade_state": "NOTPAY",
        "trade_state_desc": "未支付",
        "attach": "seat 12",
        "amount": {"total": 100, "currency": "CNY", "payer_currency": "CNY"},
        "payer": {"openid": openid},
        "promotion_detail": [],
    }


def test_native_app_and_h5_orders(client: TestClient, merchant: MerchantKeys) -> None:
    native = call(client, merchant, "POST", "/v3/pay/transactions/native", order_body(merchant, "NATIVE001"))
    assert re.fullmatch(r"weixin://wxpay/bizpayurl\?pr=[A-Za-z0-9]{16}", native.json()["code_url"])
    app = call(client, merchant, "POST", "/v3/pay/transactions/app", order_body(merchant, "APPORDER01"))
    assert app.json()["prepay_id"].startswith("wx")
    scene = {"payer_client_ip": "14.23.150.211", "h5_info": {"type": "Wap"}}
    h5 = call(
        client,
        merchant,
        "POST",
        "/v3/pay/transactions/h5",
        order_body(merchant, "H5ORDER001", scene_info=scene),
    )
    assert h5.json()["h5_url"].startswith("http://testserver/pay/h5?prepay_id=wx")
    no_scene = call(client, merchant, "POST", "/v3/pay/transactions/h5", order_body(merchant, "H5ORDER002"))
    assert no_scene.status_code == 400
    assert no_scene.json()["detail"]["field"] == "scene_info"


def test_the_same_order_again_gets_the_same_prepay_id(
    client: TestClient, merchant: MerchantKeys, openid: str
) -> None:
    first = jsapi(client, merchant, openid).json()["prepay_id"]
    assert jsapi(client, merchant, openid).json()["prepay_id"] == first
    changed = jsapi(client, merchant, openid, amount={"total": 200, "currency": "CNY"})
    assert changed.status_code == 403
    assert changed.json()["code"] == "OUT_TRADE_NO_USED"
    assert query(client, merchant).json()["amount"]["total"] == 100


def test_a_prepay_id_is_renewed_after_two_hours(
    client: TestClient, merchant: MerchantKeys, openid: str
) -> None:
    first = jsapi(client, merchant, openid).json()["prepay_id"]
    client.post("/sandbox/clock/advance", json={"seconds": 2 * 3600})
    second = jsapi(client, merchant, openid).json()["prepay_id"]
    assert second != first
    assert query(client, merchant).json()["trade_state"] == "NOTPAY"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount": {"total": 0, "currency": "CNY"}}, "amount.total"),
        ({"amount": {"total": -5, "currency": "CNY"}}, "amount.total"),
        ({"amount": {"total": "100", "currency": "CNY"}}, "amount.total"),
        ({"amount": {"total": 100, "currency": "USD"}}, "amount.currency"),
        ({"description": ""}, "description"),
        ({"description": "x" * 128}, "description"),
        ({"out_trade_no": "short"}, "out_trade_no"),
        ({"out_trade_no": "has space 001"}, "out_trade_no"),
        ({"notify_url": "https://shop.example/notify?x=1"}, "notify_url"),
        ({"notify_url": "ftp://shop.example/notify"}, "notify_url"),
        ({"time_expire": "tomorrow"}, "time_expire"),
        ({"time_expire": "2018-06-08T10:34:56+08:00"}, "time_expire"),
        ({"attach": "a" * 129}, "attach"),
        ({"payer": None}, "payer.openid"),
    ],
)
def test_bad_orders_are_param_errors_and_create_nothing(
    client: TestClient, merchant: MerchantKeys, openid: str, change: dict[str, Any], field: str
) -> None:
    body = order_body(merchant, "BADORDER01", payer={"openid": openid}) | change
    response = call(
        client,
        merchant,
        "POST",
        "/v3/pay/transactions/jsapi",
        {k: v for k, v in body.items() if v is not None},
    )
    assert response.status_code == 400, response.text
    assert response.json()["code"] == "PARAM_ERROR"
    assert response.json()["detail"]["field"] == field
    assert verify_response(response, platform_public_key(merchant))
    assert query(client, merchant, "BADORDER01").json()["code"] == "ORDER_NOT_EXIST"


def test_malformed_json_is_a_param_error(client: TestClient, merchant: MerchantKeys) -> None:
    from tests.pay.helpers import authorization

    body = '{"appid": '
    headers = {
        "Authorization": authorization(merchant, "POST", "/v3/pay/transactions/native", body),
        "Content-Type": "application/json",
    }
    response = client.post("/v3/pay/transactions/native", content=body, headers=headers)
    assert response.status_code == 400
    assert response.json()["code"] == "PARAM_ERROR"


def test_wrong_app_merchant_and_payer_pairs_are_refused(
    client: TestClient, merchant: MerchantKeys, openid: str
) -> None:
    other_app = make_app(client, name="Other app")
    response = call(
        client,
        merchant,
        "POST",
        "/v3/pay/transactions/jsapi",
        order_body(merchant, "PAIR000001", payer={"openid": openid}, appid=other_app["appid"]),
    )
    assert (response.status_code, response.json()["code"]) == (400, "APPID_MCHID_NOT_MATCH")
    other = make_merchant(client, "Other Shop")
    response = call(
        client,
        merchant,
        "POST",
        "/v3/pay/transactions/jsapi",
        order_body(merchant, "PAIR000002", payer={"openid": openid}, mchid=other.mchid),
    )
    assert (response.status_code, response.json()["code"]) == (403, "NO_AUTH")
    stranger = openid_of(client, make_user(client, "Stranger"), other_app)
    response = jsapi(client, merchant, stranger, "PAIR000003")
    assert (response.status_code, response.json()["code"]) == (500, "OPENID_MISMATCH")
    for no in ("PAIR000001", "PAIR000002", "PAIR000003"):
        assert query(client, merchant, no).status_code == 404


def test_another_merchants_order_does_not_exist_for_you(
    client: TestClient, merchant: MerchantKeys, openid: str
) -> None:
    jsapi(client, merchant, openid)
    other = make_merchant(client, "Other Shop")
    response = query(client, other)
    assert (response.status_code, response.json()["code"]) == (404, "ORDER_NOT_EXIST")
    close = call(
        client, other, "POST", "/v3/pay/transactions/out-trade-no/ORDER0001/close", {"mchid": other.mchid}
    )
    assert close.status_code == 404
    assert query(client, merchant).json()["trade_state"] == "NOTPAY"


def test_queries_name_the_merchant(client: TestClient, merchant: MerchantKeys, openid: str) -> None:
    jsapi(client, merchant, openid)
    missing = call(client, merchant, "GET", "/v3/pay/transactions/out-trade-no/ORDER0001")
    assert (missing.status_code, missing.json()["code"]) == (400, "PARAM_ERROR")
    unknown = call(
        client,
        merchant,
        "GET",
        f"/v3/pay/transactions/id/4200000000000000000000000000?mchid={merchant.mchid}",
    )
    assert (unknown.status_code, unknown.json()["code"]) == (404, "ORDER_NOT_EXIST")


def test_close_then_the_order_cannot_be_reopened(
    client: TestClient, merchant: MerchantKeys, openid: str
) -> None:
    jsapi(client, merchant, openid)
    path = "/v3/pay/transactions/out-trade-no/ORDER0001/close"
    closed = call(client, merchant, "POST", path, {"mchid": merchant.mchid})
    assert closed.status_code == 204
    assert closed.text == ""
    assert verify_response(closed, platform_public_key(merchant))
    assert call(client, merchant, "POST", path, {"mchid": merchant.mchid}).status_code == 204
    assert query(client, merchant).json()["trade_state"] == "CLOSED"
    again = jsapi(client, merchant, openid)
    assert (again.status_code, again.json()["code"]) == (400, "ORDER_CLOSED")


def test_time_expire_closes_the_order_on_the_platform_clock(
    client: TestClient, merchant: MerchantKeys, openid: str
) -> None:
    now = dt.datetime.fromtimestamp(client.get("/sandbox/clock").json()["timestamp"], BEIJING)
    expire = (now + dt.timedelta(minutes=10)).replace(microsecond=0).isoformat()
    assert jsapi(client, merchant, openid, time_expire=expire).status_code == 200
    client.post("/sandbox/clock/advance", json={"seconds": 9 * 60})
    assert query(client, merchant).json()["trade_state"] == "NOTPAY"
    client.post("/sandbox/clock/advance", json={"seconds": 61})
    assert query(client, merchant).json()["trade_state"] == "CLOSED"
