"""The double-entry ledger: balanced, idempotent, never negative, race-safe."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from yuanzi.core.runtime import Runtime
from yuanzi.core.uow import UnitOfWork
from yuanzi.pay import ledger

WALLET = "user:1:wallet"
SHOP = "merchant:1900000001:pending"
FEES = "platform:fees"
WORLD = "world:topup"


def post(uow: UnitOfWork, key: str, *legs: tuple[str, int]) -> ledger.PostResult:
    return ledger.post(uow.session, key=key, kind="test", legs=list(legs), now=uow.now())


def test_a_balanced_transaction_moves_every_leg(uow: UnitOfWork) -> None:
    post(uow, "t1", (WORLD, -1_000), (WALLET, 1_000))
    post(uow, "t2", (WALLET, -600), (SHOP, 594), (FEES, 6))
    uow.commit()
    assert [ledger.balance(uow.session, c) for c in (WORLD, WALLET, SHOP, FEES)] == [-1_000, 400, 594, 6]
    assert [m.amount for m in ledger.history(uow.session, WALLET)] == [-600, 1_000]
    assert ledger.balance(uow.session, "user:404:wallet") == 0


@pytest.mark.parametrize(
    "legs",
    [
        [(WORLD, -100), (WALLET, 99)],
        [(WALLET, 100)],
        [(WORLD, -100), (WALLET, 100), (SHOP, 0)],
        [(WORLD, -True), (WALLET, True)],
        [(WORLD, -1.5), (WALLET, 1.5)],
    ],
)
def test_unbalanced_or_malformed_entries_are_refused(uow: UnitOfWork, legs: list[tuple[str, Any]]) -> None:
    with pytest.raises(ledger.UnbalancedTransaction):
        post(uow, "bad", *legs)
    assert ledger.check_books(uow.session).transactions == 0


def test_a_key_posts_once(uow: UnitOfWork) -> None:
    first = post(uow, "once", (WORLD, -100), (WALLET, 100))
    again = post(uow, "once", (WORLD, -100), (WALLET, 100))
    assert not first.replayed
    assert again.replayed
    assert again.transaction_id == first.transaction_id
    assert ledger.balance(uow.session, WALLET) == 100


def test_an_overdraft_raises_and_the_rollback_keeps_nothing(uow: UnitOfWork) -> None:
    post(uow, "fund", (WORLD, -100), (WALLET, 100))
    uow.commit()
    with pytest.raises(ledger.InsufficientFunds) as short:
        post(uow, "spend", (WALLET, -101), (SHOP, 101))
    assert short.value.code == WALLET
    uow.rollback()
    assert ledger.balance(uow.session, WALLET) == 100
    assert ledger.balance(uow.session, SHOP) == 0
    report = ledger.check_books(uow.session)
    assert report.ok, report.problems
    assert report.transactions == 1


def test_check_books_finds_a_tampered_balance(uow: UnitOfWork) -> None:
    post(uow, "fund", (WORLD, -100), (WALLET, 100))
    uow.commit()
    assert ledger.check_books(uow.session).ok
    uow.session.execute(
        text("UPDATE pay_ledger_accounts SET balance = balance + 1 WHERE code = :c"), {"c": WALLET}
    )
    report = ledger.check_books(uow.session)
    assert not report.ok
    assert report.problems == [f"account {WALLET} holds 101 but its entries sum to 100"]


# Random sequences of top-ups, payments (with a fee) and refunds over three users and two shops.
operation = st.one_of(
    st.tuples(st.just("topup"), st.integers(0, 2), st.integers(1, 5_000)),
    st.tuples(st.just("pay"), st.integers(0, 2), st.integers(0, 1), st.integers(1, 5_000)),
    st.tuples(st.just("refund"), st.integers(0, 2), st.integers(0, 1), st.integers(1, 5_000)),
)


def _legs(op: tuple[Any, ...]) -> list[tuple[str, int]]:
    if op[0] == "topup":
        _, user, amount = op
        return [(WORLD, -amount), (f"user:{user}:wallet", amount)]
    kind, user, shop, amount = op
    wallet, pending = f"user:{user}:wallet", f"merchant:{shop}:pending"
    fee = (amount * 6_000 + 500_000) // 1_000_000
    if kind == "pay":
        legs = [(wallet, -amount), (pending, amount - fee)]
        return legs + ([(FEES, fee)] if fee else [])
    legs = [(pending, -(amount - fee)), (wallet, amount)]
    return legs + ([(FEES, -fee)] if fee else [])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(operation, min_size=1, max_size=30))
def test_random_sequences_conserve_money_and_never_go_negative(
    runtime: Runtime, ops: list[tuple[Any, ...]]
) -> None:
    with runtime.uow() as uow:
        uow.session.execute(text("DELETE FROM pay_ledger_entries"))
        uow.session.execute(text("DELETE FROM pay_ledger_transactions"))
        uow.session.execute(text("DELETE FROM pay_ledger_accounts"))
        uow.commit()
    expected: dict[str, int] = {}
    for i, op in enumerate(ops):
        legs = _legs(op)
        with runtime.uow() as uow:
            try:
                post(uow, f"op-{i}", *legs)
                uow.commit()
            except ledger.InsufficientFunds:
                uow.rollback()
                continue
        for code, amount in legs:
            expected[code] = expected.get(code, 0) + amount
    with runtime.uow() as uow:
        report = ledger.check_books(uow.session)
        assert report.ok, report.problems
        assert report.entries_total == 0
        for code, amount in expected.items():
            assert ledger.balance(uow.session, code) == amount
            assert amount >= 0 or code.startswith("world:")


def run_together(n: int, work: Callable[[int], Any]) -> list[Any]:
    barrier = threading.Barrier(n)
    results: list[Any] = [None] * n

    def worker(i: int) -> None:
        barrier.wait()
        try:
            results[i] = work(i)
        except ledger.InsufficientFunds as exc:
            results[i] = exc

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_concurrent_spends_never_overdraw(runtime: Runtime) -> None:
    with runtime.uow() as uow:
        post(uow, "fund", (WORLD, -100), (WALLET, 100))
        uow.commit()

    def spend(i: int) -> bool:
        with runtime.uow() as uow:
            post(uow, f"spend-{i}", (WALLET, -30), (SHOP, 30))
            uow.commit()
        return True

    results = run_together(8, spend)
    assert results.count(True) == 3
    with runtime.uow() as uow:
        assert ledger.balance(uow.session, WALLET) == 10
        assert ledger.balance(uow.session, SHOP) == 90
        assert ledger.check_books(uow.session).ok


def test_concurrent_posts_of_one_key_move_money_once(runtime: Runtime) -> None:
    with runtime.uow() as uow:
        post(uow, "fund", (WORLD, -1_000), (WALLET, 1_000))
        uow.commit()

    def spend(_: int) -> bool:
        with runtime.uow() as uow:
            replayed = post(uow, "the-same-payment", (WALLET, -100), (SHOP, 100)).replayed
            uow.commit()
        return replayed

    results = run_together(6, spend)
    assert results.count(False) == 1
    with runtime.uow() as uow:
        assert ledger.balance(uow.session, WALLET) == 900
