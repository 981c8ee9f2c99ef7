"""Vouchers: stocks, sending with limits, paying with a voucher, COUPON.USE, expiry, refunds."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.identity.helpers import make_user
from tests.pay.helpers import (
    MerchantKeys,
    call,
    make_merchant,
    openid_of,
    order_body,
    running_stock,
    send,
    stock_body,
)
from yuanzi.core import crypto
from yuanzi.core.runtime import Runtime
from yuanzi.pay import ledger, notifications, refunds
from yuanzi.pay.notifications import PostResult


@pytest.fixture
def merchant(client: TestClient) -> MerchantKeys:
    return make_merchant(client, "券商户")


def budget(app_runtime: Runtime, stock_id: str) -> int:
    with app_runtime.uow() as uow:
        return ledger.balance(uow.session, f"stock:{stock_id}:budget")


def pay_native(
    client: TestClient, merchant: MerchantKeys, user_id: int, no: str, total: int, coupon_id: str | None
) -> Any:
    code_url = call(
        client, merchant, "POST", "/v3/pay/transactions/native", order_body(merchant, no, total)
    ).json()["code_url"]
    body: dict[str, Any] = {"code_url": code_url}
    if coupon_id:
        body["coupon_id"] = coupon_id
    return client.post(f"/sandbox/users/{user_id}/pay", json=body)


def test_a_stock_is_created_started_and_its_budget_funded(
    client: TestClient, merchant: MerchantKeys, app_runtime: Runtime
) -> None:
    body = stock_body(client, merchant)  # the same body twice: times from the clock differ by call
    created = call(client, merchant, "POST", "/v3/marketing/favor/coupon-stocks", body)
    stock_id = str(created.json()["stock_id"])
    start = f"/v3/marketing/favor/stocks/{stock_id}/start"
    assert call(client, merchant, "POST", start, {"stock_creator_mchid": merchant.mchid}).status_code == 200
    detail = call(
        client, merchant, "GET", f"/v3/marketing/favor/stocks/{stock_id}?stock_creator_mchid={merchant.mchid}"
    ).json()
    assert detail["status"] == "running"
    assert detail["coupon_use_rule"]["fixed_normal_coupon"] == {
        "coupon_amount": 300,
        "transaction_minimum": 1_000,
    }
    assert detail["coupon_use_rule"]["available_merchants"] == [merchant.mchid]
    assert budget(app_runtime, stock_id) == 900
    again = call(client, merchant, "POST", "/v3/marketing/favor/coupon-stocks", body)
    assert again.json()["stock_id"] == stock_id  # the same out_request_no is the same stock
    listed = call(
        client,
        merchant,
        "GET",
        f"/v3/marketing/favor/stocks?offset=0&limit=10&stock_creator_mchid={merchant.mchid}",
    )
    assert [s["stock_id"] for s in listed.json()["data"]] == [stock_id]
    twice = call(
        client,
        merchant,
        "POST",
        f"/v3/marketing/favor/stocks/{stock_id}/start",
        {"stock_creator_mchid": merchant.mchid},
    )
    assert (twice.status_code, twice.json()["code"]) == (400, "INVALID_REQUEST")
    assert budget(app_runtime, stock_id) == 900


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (
            {"stock_use_rule": {"max_coupons": 3, "max_amount": 1_000, "max_coupons_per_user": 1}},
            "stock_use_rule.max_amount",
        ),
        (
            {"coupon_use_rule": {"fixed_normal_coupon": {"coupon_amount": 300, "transaction_minimum": 300}}},
            "coupon_use_rule.fixed_normal_coupon.transaction_minimum",
        ),
        ({"stock_name": "x" * 21}, "stock_name"),
        ({"available_end_time": "next week"}, "available_end_time"),
        ({"stock_type": "DISCOUNT"}, "stock_type"),
        ({"belong_merchant": "1900000000"}, "belong_merchant"),
    ],
)
def test_bad_stocks_are_param_errors(
    client: TestClient, merchant: MerchantKeys, change: dict[str, Any], field: str
) -> None:
    response = call(
        client, merchant, "POST", "/v3/marketing/favor/coupon-stocks", stock_body(client, merchant, **change)
    )
    assert (response.status_code, response.json()["code"]) == (400, "PARAM_ERROR"), response.text
    assert response.json()["detail"]["field"] == field


def test_sending_is_idempotent_and_limited(client: TestClient, merchant: MerchantKeys) -> None:
    stock_id = running_stock(client, merchant)
    alice = openid_of(client, make_user(client, "alice"), merchant.app)
    bob = openid_of(client, make_user(client, "bob"), merchant.app)
    first = send(client, merchant, stock_id, alice, "SEND0001").json()["coupon_id"]
    assert send(client, merchant, stock_id, alice, "SEND0001").json()["coupon_id"] == first
    assert send(client, merchant, stock_id, alice, "SEND0002").status_code == 200
    third = send(client, merchant, stock_id, alice, "SEND0003")
    assert (third.status_code, third.json()["code"]) == (403, "RULE_LIMIT")  # two per user
    assert send(client, merchant, stock_id, bob, "SEND0004").status_code == 200
    fourth = send(client, merchant, stock_id, bob, "SEND0005")
    assert (fourth.status_code, fourth.json()["code"]) == (403, "NOT_ENOUGH")  # three in the stock
    detail = call(
        client,
        merchant,
        "GET",
        f"/v3/marketing/favor/users/{alice}/coupons/{first}?appid={merchant.data['appid']}",
    )
    assert detail.json()["status"] == "SENDED"
    assert detail.json()["normal_coupon_information"] == {"coupon_amount": 300, "transaction_minimum": 1_000}
    mine = call(
        client, merchant, "GET", f"/v3/marketing/favor/users/{alice}/coupons?appid={merchant.data['appid']}"
    )
    assert mine.json()["total_count"] == 2


def test_a_paused_stock_sends_nothing_and_a_foreign_openid_is_refused(
    client: TestClient, merchant: MerchantKeys
) -> None:
    stock_id = running_stock(client, merchant)
    openid = openid_of(client, make_user(client), merchant.app)
    creator = {"stock_creator_mchid": merchant.mchid}
    assert (
        call(client, merchant, "POST", f"/v3/marketing/favor/stocks/{stock_id}/pause", creator).status_code
        == 200
    )
    paused = send(client, merchant, stock_id, openid, "PAUSED01")
    assert (paused.status_code, paused.json()["code"]) == (400, "INVALID_REQUEST")
    assert (
        call(client, merchant, "POST", f"/v3/marketing/favor/stocks/{stock_id}/restart", creator).status_code
        == 200
    )
    assert send(client, merchant, stock_id, openid, "PAUSED01").status_code == 200
    foreign = send(client, merchant, stock_id, "o" + "x" * 27, "FOREIGN1")
    assert (foreign.status_code, foreign.json()["code"]) == (400, "PARAM_ERROR")
    other = make_merchant(client, "Other")
    stranger = call(
        client, other, "GET", f"/v3/marketing/favor/stocks/{stock_id}?stock_creator_mchid={other.mchid}"
    )
    assert (stranger.status_code, stranger.json()["code"]) == (404, "RESOURCE_NOT_EXISTS")


def test_paying_with_a_voucher(client: TestClient, merchant: MerchantKeys, app_runtime: Runtime) -> None:
    call(
        client,
        merchant,
        "POST",
        "/v3/marketing/favor/callbacks",
        {"mchid": merchant.mchid, "notify_url": "https://shop.example/coupons"},
    )
    stock_id = running_stock(client, merchant)
    user_id = make_user(client, "payer")
    coupon_id = send(client, merchant, stock_id, openid_of(client, user_id, merchant.app), "PAYSEND1").json()[
        "coupon_id"
    ]
    client.post(f"/sandbox/users/{user_id}/wallet/topup", json={"amount": 2_000})
    below = pay_native(client, merchant, user_id, "BELOW00001", 999, coupon_id)
    assert (below.status_code, below.json()["code"]) == (409, "coupon_unusable")  # under the threshold
    paid = pay_native(client, merchant, user_id, "COUPON0001", 1_200, coupon_id)
    assert paid.json()["trade_state"] == "SUCCESS", paid.text
    order = call(
        client, merchant, "GET", f"/v3/pay/transactions/out-trade-no/COUPON0001?mchid={merchant.mchid}"
    ).json()
    assert order["amount"]["total"] == 1_200
    assert order["amount"]["payer_total"] == 900
    [promotion] = order["promotion_detail"]
    assert promotion["coupon_id"] == coupon_id
    assert promotion["amount"] == 300
    assert promotion["type"] == "CASH"
    assert promotion["stock_id"] == stock_id
    wallet = client.get(f"/sandbox/users/{user_id}/wallet").json()
    assert wallet["balance"] == 1_100
    assert wallet["coupons"][0]["status"] == "USED"
    assert budget(app_runtime, stock_id) == 600
    with app_runtime.uow() as uow:
        assert ledger.balance(uow.session, f"merchant:{merchant.mchid}:pending") == 1_200 - 7  # 0.6% of 12.00
    again = pay_native(client, merchant, user_id, "COUPON0002", 1_200, coupon_id)
    assert (again.status_code, again.json()["code"]) == (409, "coupon_unusable")

    received: list[tuple[str, bytes]] = []
    notifications.deliver_due(
        app_runtime.plain_uow, lambda url, body, headers: received.append((url, body)) or PostResult(200, "")
    )
    [(_, body)] = [item for item in received if item[0].endswith("/coupons")]
    envelope = json.loads(body)
    assert envelope["event_type"] == "COUPON.USE"
    resource = envelope["resource"]
    coupon = json.loads(
        crypto.aead_decrypt(merchant.apiv3_key, resource["nonce"], "coupon", resource["ciphertext"])
    )
    assert coupon["status"] == "USED"
    assert coupon["consume_information"]["transaction_id"] == paid.json()["transaction_id"]


def test_refunding_a_voucher_order_returns_the_voucher_share_to_the_budget(
    client: TestClient, merchant: MerchantKeys, app_runtime: Runtime
) -> None:
    stock_id = running_stock(client, merchant)
    user_id = make_user(client, "payer")
    coupon_id = send(client, merchant, stock_id, openid_of(client, user_id, merchant.app), "REFSEND1").json()[
        "coupon_id"
    ]
    client.post(f"/sandbox/users/{user_id}/wallet/topup", json={"amount": 900})
    pay_native(client, merchant, user_id, "REFCOUPON1", 1_200, coupon_id)
    refund = {
        "out_trade_no": "REFCOUPON1",
        "out_refund_no": "RC1",
        "amount": {"refund": 1_200, "total": 1_200, "currency": "CNY"},
    }
    accepted = call(client, merchant, "POST", "/v3/refund/domestic/refunds", refund).json()
    assert accepted["amount"]["payer_refund"] == 900
    assert accepted["amount"]["discount_refund"] == 300
    refunds.process_due(app_runtime.plain_uow)
    assert client.get(f"/sandbox/users/{user_id}/wallet").json()["balance"] == 900
    assert budget(app_runtime, stock_id) == 900
    with app_runtime.uow() as uow:
        assert ledger.balance(uow.session, f"merchant:{merchant.mchid}:pending") == 0
        assert ledger.check_books(uow.session).ok


def test_a_no_cash_voucher_is_the_merchants_own_discount(
    client: TestClient, merchant: MerchantKeys, app_runtime: Runtime
) -> None:
    stock_id = running_stock(client, merchant, no_cash=True)
    user_id = make_user(client, "payer")
    coupon_id = send(client, merchant, stock_id, openid_of(client, user_id, merchant.app), "NOCASH01").json()[
        "coupon_id"
    ]
    client.post(f"/sandbox/users/{user_id}/wallet/topup", json={"amount": 700})
    assert (
        pay_native(client, merchant, user_id, "NOCASH0001", 1_000, coupon_id).json()["trade_state"]
        == "SUCCESS"
    )
    with app_runtime.uow() as uow:
        assert (
            ledger.balance(uow.session, f"merchant:{merchant.mchid}:pending") == 700 - 4
        )  # fee on what was paid
        assert ledger.balance(uow.session, f"stock:{stock_id}:budget") == 900  # funded, untouched
        assert ledger.check_books(uow.session).ok


def test_vouchers_expire_with_their_stock(client: TestClient, merchant: MerchantKeys) -> None:
    stock_id = running_stock(client, merchant)
    user_id = make_user(client, "late")
    openid = openid_of(client, user_id, merchant.app)
    coupon_id = send(client, merchant, stock_id, openid, "EXPIRE01").json()["coupon_id"]
    client.post("/sandbox/clock/advance", json={"seconds": 8 * 86_400})
    detail = call(
        client,
        merchant,
        "GET",
        f"/v3/marketing/favor/users/{openid}/coupons/{coupon_id}?appid={merchant.data['appid']}",
    )
    assert detail.json()["status"] == "EXPIRED"
    client.post(f"/sandbox/users/{user_id}/wallet/topup", json={"amount": 2_000})
    late = pay_native(client, merchant, user_id, "EXPIRED001", 1_200, coupon_id)
    assert (late.status_code, late.json()["code"]) == (409, "coupon_unusable")
    expired = send(client, merchant, stock_id, openid, "EXPIRE02")
    assert (expired.status_code, expired.json()["code"]) == (400, "INVALID_REQUEST")


def test_use_flow_refund_flow_items_and_merchants(
    client: TestClient, merchant: MerchantKeys, app_runtime: Runtime
) -> None:
    stock_id = running_stock(client, merchant)
    user_id = make_user(client, "flow")
    coupon_id = send(client, merchant, stock_id, openid_of(client, user_id, merchant.app), "FLOW0001").json()[
        "coupon_id"
    ]
    client.post(f"/sandbox/users/{user_id}/wallet/topup", json={"amount": 2_000})
    transaction_id = pay_native(client, merchant, user_id, "FLOWORDER1", 1_500, coupon_id).json()[
        "transaction_id"
    ]
    refund = {
        "out_trade_no": "FLOWORDER1",
        "out_refund_no": "FLOWREF1",
        "amount": {"refund": 1_500, "total": 1_500},
    }
    call(client, merchant, "POST", "/v3/refund/domestic/refunds", refund)
    refunds.process_due(app_runtime.plain_uow)
    used = call(client, merchant, "GET", f"/v3/marketing/favor/stocks/{stock_id}/use-flow").json()
    assert (used["hash_type"], used["exported_coupon_count"]) == ("SHA1", 1)
    path = used["url"].removeprefix("http://testserver")
    csv = call(client, merchant, "GET", path).text
    assert f"`{coupon_id}" in csv
    assert f"`{transaction_id}" in csv
    assert "`3.00" in csv
    back = call(client, merchant, "GET", f"/v3/marketing/favor/stocks/{stock_id}/refund-flow").json()
    assert back["exported_coupon_count"] == 1
    refund_csv = call(client, merchant, "GET", back["url"].removeprefix("http://testserver")).text
    assert f"`{coupon_id}" in refund_csv
    assert "`3.00,`3.00" in refund_csv  # the voucher's 3.00 went back to the stock
    items = call(
        client,
        merchant,
        "GET",
        f"/v3/marketing/favor/stocks/{stock_id}/items?stock_creator_mchid={merchant.mchid}&offset=0&limit=50&",
    )
    assert [i["coupon_id"] for i in items.json()["data"]] == [coupon_id]
    merchants = call(
        client,
        merchant,
        "GET",
        f"/v3/marketing/favor/stocks/{stock_id}/merchants?stock_creator_mchid={merchant.mchid}&offset=0&limit=50&",
    )
    assert merchants.json()["data"] == [merchant.mchid]
