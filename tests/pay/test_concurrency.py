"""Several processes paying and refunding at once against one wallet and one order: no money is
spent twice, no order paid twice, no refund beyond the payment — on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from yuanzi.core.clock import FrozenClock
from yuanzi.core.runtime import Runtime
from yuanzi.identity import service as identity_service
from yuanzi.pay import ledger, transactions
from yuanzi.pay import service as pay_service
from yuanzi.pay.models import Refund, Transaction

ROOT = Path(__file__).resolve().parents[2]
PROCESSES = 4


def race(
    mode: str, batches: list[list[Any]], database_url: str, clock: FrozenClock, tmp_path: Path
) -> list[Any]:
    """Start one child per batch, release them together, return everything they reported."""
    go = tmp_path / f"go-{mode}"
    children = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.pay.payment_race", mode],
            cwd=ROOT,
            env={
                **os.environ,
                "TEST_DATABASE_URL": database_url,
                "TEST_NOW": clock.now().isoformat(),
                "TEST_ITEMS": json.dumps(batch),
                "TEST_GO_FILE": str(go),
            },
            stdout=subprocess.PIPE,
            text=True,
        )
        for batch in batches
    ]
    go.touch()
    results: list[Any] = []
    for child in children:
        out, _ = child.communicate(timeout=120)
        assert child.returncode == 0
        results.extend(json.loads(out))
    return results


def world(runtime: Runtime, wallet: int) -> tuple[int, str, str]:
    """A user with `wallet` fen, and a merchant; returns (user_id, mchid, appid)."""
    with runtime.uow() as uow:
        app = identity_service.create_app(uow=uow, type="miniprogram", name="Race shop").app
        user = identity_service.create_user(uow=uow, nickname="racer")
        merchant = pay_service.create_merchant(uow=uow, name="Race shop", appid=app.appid).merchant
        pay_service.topup(uow=uow, user_id=user.user_id, amount=wallet)
        uow.commit()
    return user.user_id, merchant.mchid, app.appid


def native_order(runtime: Runtime, mchid: str, appid: str, no: str, total: int) -> str:
    order = transactions.OrderRequest(
        trade_type=transactions.TradeType.NATIVE,
        appid=appid,
        mchid=mchid,
        description="race",
        out_trade_no=no,
        notify_url="https://shop.example/notify",
        total=total,
        currency="CNY",
    )
    with runtime.uow() as uow:
        prepay = transactions.create_order(uow=uow, caller_mchid=mchid, order=order)
        uow.commit()
    return prepay.prepay_id


def test_processes_paying_from_one_wallet_cannot_overspend_it(
    runtime: Runtime, database_url: str, clock: FrozenClock, tmp_path: Path
) -> None:
    user_id, mchid, appid = world(runtime, 1_000)
    prepay_ids = [native_order(runtime, mchid, appid, f"RACE{i:06d}", 300) for i in range(6)]
    items = [{"user_id": user_id, "prepay_id": p} for p in prepay_ids]
    # Every process tries every order (and the first one twice), each in its own order.
    batches = [random.Random(seed).sample(items, len(items)) + items[:1] for seed in range(PROCESSES)]
    results = race("pay", batches, database_url, clock, tmp_path)
    assert results.count("SUCCESS") == 3
    assert set(results) <= {"SUCCESS", "PAYERROR", "order_paid"}
    with runtime.uow() as uow:
        paid = uow.session.scalar(
            select(func.count()).select_from(Transaction).where(Transaction.trade_state == "SUCCESS")
        )
        assert paid == 3
        assert pay_service.wallet_balance(uow=uow, user_id=user_id) == 100
        report = ledger.check_books(uow.session)
        assert report.ok, report.problems


def test_processes_refunding_one_order_cannot_refund_more_than_was_paid(
    runtime: Runtime, database_url: str, clock: FrozenClock, tmp_path: Path
) -> None:
    user_id, mchid, appid = world(runtime, 1_000)
    prepay_id = native_order(runtime, mchid, appid, "REFUNDRACE", 1_000)
    with runtime.uow() as uow:
        pay_service.pay(uow=uow, user_id=user_id, prepay_id=prepay_id)
        uow.commit()

    def item(no: str, amount: int) -> dict[str, Any]:
        return {
            "mchid": mchid,
            "out_trade_no": "REFUNDRACE",
            "out_refund_no": no,
            "refund": amount,
            "total": 1_000,
        }

    # Four processes each ask for a 400 refund of their own, and all ask for the same 100 one.
    batches = [[item(f"R{i}", 400), item("SAME", 100)] for i in range(PROCESSES)]
    results = race("refund", batches, database_url, clock, tmp_path)
    assert results.count("INVALID_REQUEST") == PROCESSES - 2  # 400 + 400 + 100 fit in 1000
    with runtime.uow() as uow:
        accepted = list(uow.session.scalars(select(Refund.refund).order_by(Refund.refund)))
    assert accepted == [100, 400, 400]

    settled = race("settle", [[], [], []], database_url, clock, tmp_path)
    assert sum(settled) >= 3
    with runtime.uow() as uow:
        assert list(uow.session.scalars(select(Refund.status))) == ["SUCCESS"] * 3
        assert pay_service.wallet_balance(uow=uow, user_id=user_id) == 900
        refund_postings = uow.session.scalar(
            select(func.count())
            .select_from(ledger.LedgerTransaction)
            .where(ledger.LedgerTransaction.kind == "refund")
        )
        assert refund_postings == 3
        report = ledger.check_books(uow.session)
        assert report.ok, report.problems
