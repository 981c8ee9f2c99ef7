"""Combined payment (合单支付): sub-orders of several merchants paid by one confirmation."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.identity.helpers import make_user
from tests.pay.helpers import MerchantKeys, call, combine_body, make_merchant
from yuanzi.core import crypto
from yuanzi.core.runtime import Runtime
from yuanzi.pay import ledger, notifications
from yuanzi.pay.notifications import PostResult


@pytest.fixture
def shops(client: TestClient) -> tuple[MerchantKeys, MerchantKeys]:
    platform = make_merchant(client, "平台 Platform")
    return platform, make_merchant(client, "入驻店 Tenant")


def native(client: TestClient, platform: MerchantKeys, body: dict[str, Any]) -> Any:
    return call(client, platform, "POST", "/v3/combine-transactions/native", body)


def test_one_confirmation_pays_every_sub_order(
    client: TestClient, shops: tuple[MerchantKeys, MerchantKeys], app_runtime: Runtime
) -> None:
    platform, tenant = shops
    code_url = native(client, platform, combine_body(platform, tenant)).json()["code_url"]
    queried = call(client, platform, "GET", "/v3/combine-transactions/out-trade-no/COMBINE001").json()
    assert [s["trade_state"] for s in queried["sub_orders"]] == ["NOTPAY", "NOTPAY"]
    user = make_user(client)
    client.post(f"/sandbox/users/{user}/wallet/topup", json={"amount": 3_000})
    paid = client.post(f"/sandbox/users/{user}/pay", json={"code_url": code_url}).json()
    assert (paid["trade_state"], paid["total"]) == ("SUCCESS", 2_500)
    assert client.get(f"/sandbox/users/{user}/wallet").json()["balance"] == 500
    combined = call(client, platform, "GET", "/v3/combine-transactions/out-trade-no/COMBINE001").json()
    subs = combined["sub_orders"]
    assert [s["trade_state"] for s in subs] == ["SUCCESS", "SUCCESS"]
    assert subs[1]["amount"] == {
        "total_amount": 2_000,
        "payer_amount": 2_000,
        "currency": "CNY",
        "payer_currency": "CNY",
    }
    # The tenant sees its own sub-order as an ordinary order, and may refund it.
    own = call(
        client, tenant, "GET", f"/v3/pay/transactions/out-trade-no/COMBINE001-B?mchid={tenant.mchid}"
    ).json()
    assert own["transaction_id"] == subs[1]["transaction_id"]
    assert client.get(f"/sandbox/merchants/{tenant.mchid}/balance").json()["pending"] == 2_000 - 12
    assert client.get(f"/sandbox/merchants/{platform.mchid}/balance").json()["pending"] == 500 - 3
    refund = {
        "out_trade_no": "COMBINE001-B",
        "out_refund_no": "CR1",
        "amount": {"refund": 2_000, "total": 2_000},
    }
    assert (
        call(client, tenant, "POST", "/v3/refund/domestic/refunds", refund).json()["status"] == "PROCESSING"
    )

    received: list[bytes] = []
    notifications.deliver_due(
        app_runtime.plain_uow, lambda url, body, headers: received.append(body) or PostResult(200, "")
    )
    [envelope] = [json.loads(b) for b in received]
    resource = envelope["resource"]
    plain = json.loads(
        crypto.aead_decrypt(platform.apiv3_key, resource["nonce"], "transaction", resource["ciphertext"])
    )
    assert plain["combine_out_trade_no"] == "COMBINE001"
    assert [s["out_trade_no"] for s in plain["sub_orders"]] == ["COMBINE001-A", "COMBINE001-B"]
    with app_runtime.uow() as uow:
        assert ledger.check_books(uow.session).ok


def test_a_short_wallet_pays_no_sub_order(
    client: TestClient, shops: tuple[MerchantKeys, MerchantKeys]
) -> None:
    platform, tenant = shops
    code_url = native(client, platform, combine_body(platform, tenant)).json()["code_url"]
    user = make_user(client)
    client.post(f"/sandbox/users/{user}/wallet/topup", json={"amount": 2_499})
    failed = client.post(f"/sandbox/users/{user}/pay", json={"code_url": code_url}).json()
    assert (failed["trade_state"], failed["err_code"]) == ("PAYERROR", "NOT_ENOUGH")
    assert client.get(f"/sandbox/users/{user}/wallet").json()["balance"] == 2_499
    assert client.get(f"/sandbox/merchants/{tenant.mchid}/balance").json()["pending"] == 0


def test_close_reuse_and_validation(client: TestClient, shops: tuple[MerchantKeys, MerchantKeys]) -> None:
    platform, tenant = shops
    body = combine_body(platform, tenant)
    first = native(client, platform, body).json()["code_url"]
    assert native(client, platform, body).json()["code_url"] == first
    changed = native(client, platform, body | {"notify_url": "https://platform.example/other"})
    assert (changed.status_code, changed.json()["code"]) == (403, "OUT_TRADE_NO_USED")
    close = {
        "combine_appid": platform.data["appid"],
        "sub_orders": [{"mchid": tenant.mchid, "out_trade_no": "COMBINE001-B"}],
    }
    assert (
        call(
            client, platform, "POST", "/v3/combine-transactions/out-trade-no/COMBINE001/close", close
        ).status_code
        == 204
    )
    states = call(client, platform, "GET", "/v3/combine-transactions/out-trade-no/COMBINE001").json()[
        "sub_orders"
    ]
    assert [s["trade_state"] for s in states] == ["CLOSED", "CLOSED"]
    user = make_user(client)
    closed = client.post(f"/sandbox/users/{user}/pay", json={"code_url": first})
    assert (closed.status_code, closed.json()["code"]) == (409, "order_closed")
    ghost = combine_body(platform, tenant, "COMBINE002")
    ghost["sub_orders"][1]["mchid"] = "1900000000"
    assert native(client, platform, ghost).json()["detail"]["field"] == "sub_orders.mchid"
    empty = native(client, platform, combine_body(platform, tenant, "COMBINE003") | {"sub_orders": []})
    assert (empty.status_code, empty.json()["code"]) == (400, "PARAM_ERROR")
    other = call(client, tenant, "GET", "/v3/combine-transactions/out-trade-no/COMBINE001")
    assert (other.status_code, other.json()["code"]) == (404, "ORDER_NOT_EXIST")
