"""T+1 settlement: yesterday's pending takings become available, once."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.identity.helpers import make_user
from tests.pay.helpers import call, make_merchant, order_body
from yuanzi.core.runtime import Runtime
from yuanzi.pay import ledger, refunds, settlement


def test_takings_settle_the_next_beijing_day_and_refunds_then_draw_on_available(
    client: TestClient, app_runtime: Runtime
) -> None:
    merchant = make_merchant(client)
    user = make_user(client)
    client.post(f"/sandbox/users/{user}/wallet/topup", json={"amount": 1_000})
    code_url = call(
        client, merchant, "POST", "/v3/pay/transactions/native", order_body(merchant, "SETTLE0001", 1_000)
    ).json()["code_url"]
    client.post(f"/sandbox/users/{user}/pay", json={"code_url": code_url})
    balance = f"/sandbox/merchants/{merchant.mchid}/balance"
    assert settlement.settle_due(app_runtime.plain_uow) == 0  # paid today: not before today's cut-off
    assert client.get(balance).json() == {"pending": 994, "available": 0}
    client.post("/sandbox/clock/advance", json={"seconds": 86_400})
    assert settlement.settle_due(app_runtime.plain_uow) == 1
    assert client.get(balance).json() == {"pending": 0, "available": 994}
    assert settlement.settle_due(app_runtime.plain_uow) == 0  # once a day
    refund = {"out_trade_no": "SETTLE0001", "out_refund_no": "SR1", "amount": {"refund": 500, "total": 1_000}}
    call(client, merchant, "POST", "/v3/refund/domestic/refunds", refund)
    refunds.process_due(app_runtime.plain_uow)
    settled = call(client, merchant, "GET", "/v3/refund/domestic/refunds/SR1").json()
    assert settled["status"] == "SUCCESS"
    assert settled["funds_account"] == "AVAILABLE"
    assert client.get(balance).json() == {"pending": 0, "available": 994 - 497}
    with app_runtime.uow() as uow:
        assert ledger.check_books(uow.session).ok
