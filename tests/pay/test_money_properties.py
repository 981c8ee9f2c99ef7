"""Property: whatever sequence of top-ups, payments, refunds, settlements and withdrawals happens
through Pay's services, money is conserved, nothing goes negative and the books balance."""

from __future__ import annotations

import itertools
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from yuanzi.core.errors import Problem
from yuanzi.core.runtime import Runtime
from yuanzi.identity import service as identity_service
from yuanzi.pay import ledger, refunds, transactions
from yuanzi.pay import service as pay_service
from yuanzi.pay.errors import PayError
from yuanzi.pay.ledger import Account
from yuanzi.pay.models import Refund, Transaction

USERS, MERCHANTS = 3, 2
_numbers = itertools.count()

operation = st.one_of(
    st.tuples(st.just("topup"), st.integers(0, USERS - 1), st.integers(1, 3_000)),
    st.tuples(
        st.just("pay"), st.integers(0, USERS - 1), st.integers(0, MERCHANTS - 1), st.integers(1, 3_000)
    ),
    st.tuples(st.just("refund"), st.integers(0, 50), st.integers(1, 100)),  # percent of the order
    st.tuples(st.just("settle")),
    st.tuples(st.just("withdraw"), st.integers(0, MERCHANTS - 1), st.integers(1, 3_000)),
)


def world(runtime: Runtime) -> dict[str, Any]:
    """Users and merchants, made once per test (RSA keys are slow) and reused by every example."""
    cached: dict[str, Any] | None = getattr(runtime, "_money_world", None)
    if cached is not None:
        return cached
    with runtime.uow() as uow:
        app = identity_service.create_app(uow=uow, type="miniprogram", name="Props").app
        users = [identity_service.create_user(uow=uow, nickname=f"u{i}").user_id for i in range(USERS)]
        merchants = [
            pay_service.create_merchant(uow=uow, name=f"m{i}", appid=app.appid).merchant.mchid
            for i in range(MERCHANTS)
        ]
        uow.commit()
    made = {"appid": app.appid, "users": users, "merchants": merchants, "paid": [], "in": 0, "out": 0}
    runtime._money_world = made  # type: ignore[attr-defined]
    return made


def run(runtime: Runtime, w: dict[str, Any], op: tuple[Any, ...]) -> None:
    kind = op[0]
    with runtime.uow() as uow:
        try:
            if kind == "topup":
                pay_service.topup(uow=uow, user_id=w["users"][op[1]], amount=op[2])
                w["in"] += op[2]
            elif kind == "pay":
                mchid, no = w["merchants"][op[2]], f"P{next(_numbers):08d}"
                order = transactions.OrderRequest(
                    trade_type=transactions.TradeType.NATIVE,
                    appid=w["appid"],
                    mchid=mchid,
                    description="p",
                    out_trade_no=no,
                    notify_url="https://shop.example/n",
                    total=op[3],
                    currency="CNY",
                )
                prepay = transactions.create_order(uow=uow, caller_mchid=mchid, order=order)
                result = pay_service.pay(uow=uow, user_id=w["users"][op[1]], prepay_id=prepay.prepay_id)
                if result.trade_state.value == "SUCCESS":
                    w["paid"].append((mchid, no, op[3]))
            elif kind == "refund" and w["paid"]:
                mchid, no, total = w["paid"][op[1] % len(w["paid"])]
                request = refunds.RefundRequest(
                    mchid=mchid,
                    out_refund_no=f"R{next(_numbers):08d}",
                    transaction_id=None,
                    out_trade_no=no,
                    refund=max(1, total * op[2] // 100),
                    total=total,
                    currency="CNY",
                )
                refunds.create_refund(uow=uow, request=request)
            elif kind == "settle":
                uow.commit()
                refunds.process_due(runtime.plain_uow)
            elif kind == "withdraw":
                held = pay_service.withdraw(uow=uow, mchid=w["merchants"][op[1]], amount=op[2])
                assert held.pending >= 0
                w["out"] += op[2]
        except (Problem, PayError):
            uow.rollback()
            return
        uow.commit()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(operation, min_size=1, max_size=25))
def test_money_is_conserved_through_the_services(runtime: Runtime, ops: list[tuple[Any, ...]]) -> None:
    w = world(runtime)
    for op in ops:
        run(runtime, w, op)
    with runtime.uow() as uow:
        report = ledger.check_books(uow.session)
        assert report.ok, report.problems
        inside = uow.session.scalar(
            select(func.coalesce(func.sum(Account.balance), 0)).where(Account.allow_negative.is_(False))
        )
        assert inside == w["in"] - w["out"]  # every fen that came in is still here or went out
        lowest = uow.session.scalar(
            select(func.min(Account.balance)).where(Account.allow_negative.is_(False))
        )
        assert lowest is None or lowest >= 0
        for order_pk, total in uow.session.execute(select(Transaction.id, Transaction.total)):
            refunded = uow.session.scalar(
                select(func.coalesce(func.sum(Refund.refund), 0)).where(
                    Refund.transaction_pk == order_pk, Refund.status.in_(["PROCESSING", "SUCCESS"])
                )
            )
            assert refunded <= total
