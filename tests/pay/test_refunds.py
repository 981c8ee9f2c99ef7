"""Refunds: full and partial, limits, idempotency, PROCESSING → SUCCESS / ABNORMAL, notifications."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.identity.helpers import make_user
from tests.pay.helpers import MerchantKeys, call, make_merchant, order_body
from yuanzi.core import crypto
from yuanzi.core.runtime import Runtime
from yuanzi.pay import ledger, notifications, refunds
from yuanzi.pay.notifications import PostResult


@pytest.fixture
def merchant(client: TestClient) -> MerchantKeys:
    return make_merchant(client)


@pytest.fixture
def payer(client: TestClient) -> int:
    return make_user(client, "Payer")


def paid(
    client: TestClient, merchant: MerchantKeys, payer: int, no: str = "ORDER00001", total: int = 1_000
) -> str:
    code_url = call(
        client, merchant, "POST", "/v3/pay/transactions/native", order_body(merchant, no, total)
    ).json()["code_url"]
    client.post(f"/sandbox/users/{payer}/wallet/topup", json={"amount": total})
    result = client.post(f"/sandbox/users/{payer}/pay", json={"code_url": code_url}).json()
    assert result["trade_state"] == "SUCCESS"
    return str(result["transaction_id"])


def refund(
    client: TestClient,
    merchant: MerchantKeys,
    out_refund_no: str,
    amount: int,
    total: int = 1_000,
    **key: Any,
) -> Any:
    body = {"out_refund_no": out_refund_no, "amount": {"refund": amount, "total": total, "currency": "CNY"}}
    body |= key or {"out_trade_no": "ORDER00001"}
    return call(client, merchant, "POST", "/v3/refund/domestic/refunds", body)


def settle(app_runtime: Runtime) -> int:
    return refunds.process_due(app_runtime.plain_uow)


def wallet(client: TestClient, user_id: int) -> int:
    return int(client.get(f"/sandbox/users/{user_id}/wallet").json()["balance"])


def order_state(client: TestClient, merchant: MerchantKeys, no: str = "ORDER00001") -> str:
    path = f"/v3/pay/transactions/out-trade-no/{no}?mchid={merchant.mchid}"
    return str(call(client, merchant, "GET", path).json()["trade_state"])


def test_a_full_refund_is_processing_then_success_and_the_money_returns(
    client: TestClient, merchant: MerchantKeys, payer: int, app_runtime: Runtime
) -> None:
    transaction_id = paid(client, merchant, payer)
    accepted = refund(client, merchant, "REFUND0001", 1_000, transaction_id=transaction_id)
    assert accepted.status_code == 200, accepted.text
    body = accepted.json()
    assert body["status"] == "PROCESSING"
    assert re.fullmatch(r"50\d{27}", body["refund_id"])
    assert body["transaction_id"] == transaction_id
    assert body["out_trade_no"] == "ORDER00001"
    assert body["channel"] == "ORIGINAL"
    assert body["amount"]["refund"] == 1_000
    assert wallet(client, payer) == 0
    assert settle(app_runtime) == 1
    queried = call(client, merchant, "GET", "/v3/refund/domestic/refunds/REFUND0001").json()
    assert queried["status"] == "SUCCESS"
    assert queried["success_time"].endswith("+08:00")
    assert queried["funds_account"] == "UNSETTLED"
    assert wallet(client, payer) == 1_000
    assert order_state(client, merchant) == "REFUND"
    with app_runtime.uow() as uow:
        assert ledger.balance(uow.session, f"merchant:{merchant.mchid}:pending") == 0
        assert ledger.balance(uow.session, "platform:fees") == 0  # the 6 fen fee went back too
        assert ledger.check_books(uow.session).ok


def test_partial_refunds_add_up_to_at_most_what_was_paid(
    client: TestClient, merchant: MerchantKeys, payer: int, app_runtime: Runtime
) -> None:
    paid(client, merchant, payer)
    assert refund(client, merchant, "PART0001", 300).json()["status"] == "PROCESSING"
    assert refund(client, merchant, "PART0002", 300).status_code == 200
    too_much = refund(client, merchant, "PART0003", 401)
    assert (too_much.status_code, too_much.json()["code"]) == (400, "INVALID_REQUEST")
    assert refund(client, merchant, "PART0003", 400).status_code == 200
    settle(app_runtime)
    done = refund(client, merchant, "PART0004", 1)
    assert (done.status_code, done.json()["message"]) == (400, "订单已全额退款")
    assert wallet(client, payer) == 1_000
    with app_runtime.uow() as uow:
        # 0.6% of 10.00 yuan is 6 fen, returned in proportion: 2 + 2 + 2.
        assert ledger.balance(uow.session, "platform:fees") == 0
        assert ledger.check_books(uow.session).ok


def test_the_same_out_refund_no_is_the_same_refund(
    client: TestClient, merchant: MerchantKeys, payer: int, app_runtime: Runtime
) -> None:
    paid(client, merchant, payer)
    first = refund(client, merchant, "SAME0001", 500).json()
    assert refund(client, merchant, "SAME0001", 500).json()["refund_id"] == first["refund_id"]
    conflicting = refund(client, merchant, "SAME0001", 400)
    assert (conflicting.status_code, conflicting.json()["code"]) == (400, "INVALID_REQUEST")
    settle(app_runtime)
    assert wallet(client, payer) == 500


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"out_refund_no": "R1", "amount": {"refund": 100, "total": 1_000}}, 400, "PARAM_ERROR"),
        (
            {"out_refund_no": "R1", "out_trade_no": "ORDER00001", "amount": {"refund": 0, "total": 1_000}},
            400,
            "PARAM_ERROR",
        ),
        (
            {"out_refund_no": "R1", "out_trade_no": "ORDER00001", "amount": {"refund": 100, "total": 999}},
            400,
            "PARAM_ERROR",
        ),
        (
            {
                "out_refund_no": "R1",
                "out_trade_no": "ORDER00001",
                "amount": {"refund": 1_001, "total": 1_000},
            },
            400,
            "PARAM_ERROR",
        ),
        (
            {"out_refund_no": "R1", "out_trade_no": "NOSUCHORDER", "amount": {"refund": 1, "total": 1_000}},
            404,
            "RESOURCE_NOT_EXISTS",
        ),
        (
            {
                "out_refund_no": "R1",
                "out_trade_no": "ORDER00001",
                "amount": {"refund": 1, "total": 1_000, "currency": "USD"},
            },
            400,
            "PARAM_ERROR",
        ),
    ],
)
def test_bad_refunds_are_refused_and_change_nothing(
    client: TestClient, merchant: MerchantKeys, payer: int, body: dict[str, Any], status: int, code: str
) -> None:
    paid(client, merchant, payer)
    response = call(client, merchant, "POST", "/v3/refund/domestic/refunds", body)
    assert (response.status_code, response.json()["code"]) == (status, code), response.text
    missing = call(client, merchant, "GET", "/v3/refund/domestic/refunds/R1")
    assert (missing.status_code, missing.json()["code"]) == (404, "RESOURCE_NOT_EXISTS")


def test_unpaid_and_other_merchants_orders_cannot_be_refunded(
    client: TestClient, merchant: MerchantKeys, payer: int
) -> None:
    call(client, merchant, "POST", "/v3/pay/transactions/native", order_body(merchant, "UNPAID0001", 1_000))
    unpaid = refund(client, merchant, "R1", 100, out_trade_no="UNPAID0001")
    assert (unpaid.status_code, unpaid.json()["code"]) == (400, "INVALID_REQUEST")
    paid(client, merchant, payer)
    other = make_merchant(client, "Other Shop")
    stranger = refund(client, other, "R2", 100)
    assert (stranger.status_code, stranger.json()["code"]) == (404, "RESOURCE_NOT_EXISTS")


def test_at_most_fifty_refunds_per_order(client: TestClient, merchant: MerchantKeys, payer: int) -> None:
    paid(client, merchant, payer, total=1_000)
    for i in range(50):
        assert refund(client, merchant, f"MANY{i:04d}", 1).status_code == 200
    fifty_first = refund(client, merchant, "MANY0050", 1)
    assert (fifty_first.status_code, fifty_first.json()["code"]) == (403, "REQUEST_BLOCKED")


def test_a_refund_the_merchant_cannot_cover_is_abnormal_and_moves_nothing(
    client: TestClient, merchant: MerchantKeys, payer: int, app_runtime: Runtime
) -> None:
    paid(client, merchant, payer)
    withdrawn = client.post(f"/sandbox/merchants/{merchant.mchid}/balance/withdraw", json={"amount": 994})
    assert withdrawn.json() == {"pending": 0, "available": 0}
    refund(client, merchant, "ABNORMAL01", 500)
    settle(app_runtime)
    assert (
        call(client, merchant, "GET", "/v3/refund/domestic/refunds/ABNORMAL01").json()["status"] == "ABNORMAL"
    )
    assert wallet(client, payer) == 0
    assert order_state(client, merchant) == "SUCCESS"
    with app_runtime.uow() as uow:
        assert ledger.check_books(uow.session).ok


def test_refund_results_are_notified(
    client: TestClient, merchant: MerchantKeys, payer: int, app_runtime: Runtime
) -> None:
    paid(client, merchant, payer)
    refund(
        client,
        merchant,
        "NOTIFY0001",
        250,
        out_trade_no="ORDER00001",
        notify_url="https://shop.example/refunds",
    )
    settle(app_runtime)
    received: list[tuple[str, bytes]] = []

    def receiver(url: str, body: bytes, headers: dict[str, str]) -> PostResult:
        received.append((url, body))
        return PostResult(200, "")

    notifications.deliver_due(app_runtime.plain_uow, receiver)
    urls = sorted(url for url, _ in received)
    assert urls == ["https://shop.example/notify", "https://shop.example/refunds"]
    [body] = [body for url, body in received if url.endswith("/refunds")]
    envelope = json.loads(body)
    assert envelope["event_type"] == "REFUND.SUCCESS"
    resource = envelope["resource"]
    assert resource["original_type"] == "refund"
    plain = json.loads(
        crypto.aead_decrypt(merchant.apiv3_key, resource["nonce"], "refund", resource["ciphertext"])
    )
    assert plain["refund_status"] == "SUCCESS"
    assert plain["out_refund_no"] == "NOTIFY0001"
    assert plain["amount"] == {"total": 1_000, "refund": 250, "payer_total": 1_000, "payer_refund": 250}
    assert plain["mchid"] == merchant.mchid
