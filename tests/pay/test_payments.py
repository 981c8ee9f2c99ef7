"""The user's side: wallet top-ups and paying orders from the wallet, through the sandbox API."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.identity.helpers import make_app, make_user
from tests.pay.helpers import MerchantKeys, call, make_merchant, openid_of, order_body
from yuanzi.core.runtime import Runtime
from yuanzi.pay import ledger


@pytest.fixture
def merchant(client: TestClient) -> MerchantKeys:
    return make_merchant(client)


@pytest.fixture
def payer(client: TestClient) -> int:
    return make_user(client, "Payer")


def topup(client: TestClient, user_id: int, amount: int) -> Any:
    return client.post(f"/sandbox/users/{user_id}/wallet/topup", json={"amount": amount})


def balance(client: TestClient, user_id: int) -> int:
    return int(client.get(f"/sandbox/users/{user_id}/wallet").json()["balance"])


def native(client: TestClient, merchant: MerchantKeys, no: str, total: int) -> str:
    return str(
        call(client, merchant, "POST", "/v3/pay/transactions/native", order_body(merchant, no, total)).json()[
            "code_url"
        ]
    )


def query(client: TestClient, merchant: MerchantKeys, no: str) -> dict[str, Any]:
    path = f"/v3/pay/transactions/out-trade-no/{no}?mchid={merchant.mchid}"
    return dict(call(client, merchant, "GET", path).json())


def books(app_runtime: Runtime) -> ledger.BooksReport:
    with app_runtime.uow() as uow:
        return ledger.check_books(uow.session)


def test_topup_adds_to_the_wallet(client: TestClient, payer: int) -> None:
    assert topup(client, payer, 500).json() == {"balance": 500}
    assert topup(client, payer, 250).json() == {"balance": 750}
    assert balance(client, payer) == 750


@pytest.mark.parametrize("amount", [0, -1, "100", 1.5, 100_000_001])
def test_bad_topups_change_nothing(client: TestClient, payer: int, amount: object) -> None:
    response = topup(client, payer, amount)  # type: ignore[arg-type]
    assert response.status_code == 422
    assert balance(client, payer) == 0


def test_topup_of_an_unknown_user_is_404(client: TestClient) -> None:
    assert topup(client, 999_999, 100).json()["code"] == "user_not_found"


def test_paying_a_native_order_moves_the_money_and_the_order_to_success(
    client: TestClient, merchant: MerchantKeys, payer: int, app_runtime: Runtime
) -> None:
    topup(client, payer, 10_000)
    code_url = native(client, merchant, "NATIVE0001", 2_000)
    paid = client.post(f"/sandbox/users/{payer}/pay", json={"code_url": code_url})
    assert paid.status_code == 200, paid.text
    result = paid.json()
    assert result["trade_state"] == "SUCCESS"
    assert re.fullmatch(r"4200\d{24}", result["transaction_id"])
    assert balance(client, payer) == 8_000
    order = query(client, merchant, "NATIVE0001")
    assert order["trade_state"] == "SUCCESS"
    assert order["transaction_id"] == result["transaction_id"]
    assert order["trade_type"] == "NATIVE"
    assert order["amount"] == {
        "total": 2_000,
        "payer_total": 2_000,
        "currency": "CNY",
        "payer_currency": "CNY",
    }
    assert order["payer"]["openid"] == openid_of(client, payer, merchant.app)
    assert order["success_time"].endswith("+08:00")
    by_id = call(
        client, merchant, "GET", f"/v3/pay/transactions/id/{result['transaction_id']}?mchid={merchant.mchid}"
    )
    assert by_id.json() == order
    with app_runtime.uow() as uow:
        assert ledger.balance(uow.session, f"merchant:{merchant.mchid}:pending") == 1_988
        assert ledger.balance(uow.session, "platform:fees") == 12  # 0.6% of 20.00 yuan
    assert books(app_runtime).ok


def test_a_short_balance_fails_the_payment_and_moves_nothing(
    client: TestClient, merchant: MerchantKeys, payer: int, app_runtime: Runtime
) -> None:
    topup(client, payer, 999)
    code_url = native(client, merchant, "NATIVE0002", 1_000)
    failed = client.post(f"/sandbox/users/{payer}/pay", json={"code_url": code_url}).json()
    assert failed["trade_state"] == "PAYERROR"
    assert failed["err_code"] == "NOT_ENOUGH"
    assert failed["transaction_id"] is None
    assert balance(client, payer) == 999
    assert query(client, merchant, "NATIVE0002")["trade_state"] == "PAYERROR"
    # Topping up and trying again works, as it does in WeChat.
    topup(client, payer, 1)
    assert (
        client.post(f"/sandbox/users/{payer}/pay", json={"code_url": code_url}).json()["trade_state"]
        == "SUCCESS"
    )
    assert balance(client, payer) == 0
    assert books(app_runtime).ok


def test_an_order_is_paid_once(client: TestClient, merchant: MerchantKeys, payer: int) -> None:
    topup(client, payer, 5_000)
    code_url = native(client, merchant, "NATIVE0003", 1_000)
    assert client.post(f"/sandbox/users/{payer}/pay", json={"code_url": code_url}).status_code == 200
    again = client.post(f"/sandbox/users/{payer}/pay", json={"code_url": code_url})
    assert (again.status_code, again.json()["code"]) == (409, "order_paid")
    assert balance(client, payer) == 4_000
    close = call(
        client,
        merchant,
        "POST",
        "/v3/pay/transactions/out-trade-no/NATIVE0003/close",
        {"mchid": merchant.mchid},
    )
    assert (close.status_code, close.json()["code"]) == (400, "ORDERPAID")
    reorder = call(
        client, merchant, "POST", "/v3/pay/transactions/native", order_body(merchant, "NATIVE0003", 1_000)
    )
    assert (reorder.status_code, reorder.json()["code"]) == (403, "ORDERPAID")


def test_closed_and_expired_orders_cannot_be_paid(
    client: TestClient, merchant: MerchantKeys, payer: int
) -> None:
    topup(client, payer, 5_000)
    code_url = native(client, merchant, "NATIVE0004", 1_000)
    call(
        client,
        merchant,
        "POST",
        "/v3/pay/transactions/out-trade-no/NATIVE0004/close",
        {"mchid": merchant.mchid},
    )
    closed = client.post(f"/sandbox/users/{payer}/pay", json={"code_url": code_url})
    assert (closed.status_code, closed.json()["code"]) == (409, "order_closed")
    stale = native(client, merchant, "NATIVE0005", 1_000)
    client.post("/sandbox/clock/advance", json={"seconds": 2 * 3600})
    expired = client.post(f"/sandbox/users/{payer}/pay", json={"code_url": stale})
    assert (expired.status_code, expired.json()["code"]) == (409, "prepay_expired")
    assert balance(client, payer) == 5_000


def test_a_jsapi_order_is_paid_by_its_payer_only(
    client: TestClient, merchant: MerchantKeys, payer: int
) -> None:
    openid = openid_of(client, payer, merchant.app)
    body = order_body(merchant, "JSAPI00001", 300, payer={"openid": openid})
    prepay_id = call(client, merchant, "POST", "/v3/pay/transactions/jsapi", body).json()["prepay_id"]
    other = make_user(client, "Someone else")
    topup(client, other, 1_000)
    wrong = client.post(f"/sandbox/users/{other}/pay", json={"prepay_id": prepay_id})
    assert (wrong.status_code, wrong.json()["code"]) == (403, "payer_mismatch")
    topup(client, payer, 300)
    assert (
        client.post(f"/sandbox/users/{payer}/pay", json={"prepay_id": prepay_id}).json()["trade_state"]
        == "SUCCESS"
    )
    assert balance(client, other) == 1_000


def test_an_h5_url_can_be_paid(client: TestClient, merchant: MerchantKeys, payer: int) -> None:
    scene = {"payer_client_ip": "127.0.0.1", "h5_info": {"type": "Wap"}}
    body = order_body(merchant, "H5ORDER001", 50, scene_info=scene)
    h5_url = call(client, merchant, "POST", "/v3/pay/transactions/h5", body).json()["h5_url"]
    topup(client, payer, 50)
    paid = client.post(f"/sandbox/users/{payer}/pay", json={"h5_url": h5_url}).json()
    assert paid["trade_state"] == "SUCCESS"
    assert query(client, merchant, "H5ORDER001")["trade_type"] == "MWEB"


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"prepay_id": "wx1", "code_url": "weixin://wxpay/bizpayurl?pr=x"},
        {"code_url": "https://elsewhere"},
    ],
)
def test_pay_needs_exactly_one_known_order_reference(
    client: TestClient, payer: int, body: dict[str, str]
) -> None:
    response = client.post(f"/sandbox/users/{payer}/pay", json=body)
    assert response.status_code == 422
    unknown = client.post(f"/sandbox/users/{payer}/pay", json={"prepay_id": "wx00000000000000000000"})
    assert (unknown.status_code, unknown.json()["code"]) == (404, "order_not_found")


def test_the_fee_rate_is_per_merchant(client: TestClient, payer: int) -> None:
    app = make_app(client, name="Low fee app")
    created = client.post(
        "/sandbox/merchants", json={"name": "Low fee", "appid": app["appid"], "fee_rate_ppm": 3_800}
    )
    assert created.json()["fee_rate_ppm"] == 3_800
    merchant = MerchantKeys(created.json(), app)
    topup(client, payer, 1_000)
    code_url = native(client, merchant, "LOWFEE0001", 1_000)
    client.post(f"/sandbox/users/{payer}/pay", json={"code_url": code_url})
    assert (
        client.get(f"/sandbox/merchants/{merchant.mchid}/balance").json()["pending"] == 996
    )  # 0.38%, rounded
    too_high = client.post(
        "/sandbox/merchants", json={"name": "Greedy", "appid": app["appid"], "fee_rate_ppm": 100_001}
    )
    assert too_high.status_code == 422
