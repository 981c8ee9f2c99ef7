"""The creator incentive plan's income: the formula, the daily settlement and Pay's credit."""

from __future__ import annotations

from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from tests.channels.test_feeds import as_user, channel, image_post
from tests.identity.helpers import make_user
from yuanzi.channels import income
from yuanzi.channels.events import CreatorIncomeEarned
from yuanzi.core.events import Subscribers
from yuanzi.core.runtime import Runtime
from yuanzi.pay import service as pay_service
from yuanzi.pay.incentives import credit_creator_income
from yuanzi.pay.ledger import LedgerTransaction

PARAMS = income.IncomeParams(pool_fen=1000, min_view_ms=3000, min_creator_watch_ms=20_000)


def test_shares_split_the_pool_by_watch_time_to_the_fen() -> None:
    assert income.shares({1: 2, 2: 1}, 100, 0) == {1: 67, 2: 33}
    assert income.shares({1: 1, 2: 1, 3: 1}, 100, 0) == {1: 34, 2: 33, 3: 33}  # ties: lower id
    assert income.shares({1: 50, 2: 10}, 100, 20) == {1: 100}  # 2 is under the threshold
    assert income.shares({1: 5}, 100, 20) == {}
    assert income.shares({1: 5}, 0, 0) == {}


@given(st.dictionaries(st.integers(1, 50), st.integers(0, 10**9), max_size=30), st.integers(0, 10**8))
def test_shares_always_sum_to_the_pool(watch: dict[int, int], pool: int) -> None:
    amounts = income.shares(watch, pool, 1)
    assert sum(amounts.values()) == (pool if any(ms >= 1 for ms in watch.values()) else 0)
    assert all(a >= 0 for a in amounts.values())
    for a, b in ((a, b) for a in amounts for b in amounts):
        if watch[a] > watch[b]:
            assert amounts[a] >= amounts[b]


def watch(client: TestClient, user: int, post_id: int, ms: int) -> None:
    view = client.post(f"/api/channels/posts/{post_id}/views", json={"event": "play"}, headers=as_user(user))
    assert view.status_code == 200, view.text
    done = client.post(
        f"/api/channels/posts/{post_id}/views",
        json={"event": "finish", "view_id": view.json()["view_id"], "position_ms": ms},
        headers=as_user(user),
    )
    assert done.status_code == 200, done.text


def test_a_day_is_shared_by_qualified_watch_time_and_paid_once(
    client: TestClient, app_runtime: Runtime, subscribers: Subscribers
) -> None:
    pay_service.subscribe(subscribers)
    alice_user, alice = channel(client, "阿丽")
    bob_user, _ = channel(client, "阿博")
    copier_user, _ = channel(client, "搬运工")
    alice_post = image_post(client, alice_user, seed=1, original=True)
    bob_post = image_post(client, bob_user, seed=2, original=True)
    plain_post = image_post(client, bob_user, seed=3, original=False)
    copy = image_post(client, copier_user, seed=1, original=True)  # alice's picture: not original
    assert client.get(f"/api/channels/posts/{copy}").json()["original"] is False
    viewers = [make_user(client, f"观众{i}") for i in range(4)]
    for viewer in viewers:
        watch(client, viewer, alice_post, 60_000)  # an image post counts at most 15 s a view
        watch(client, viewer, alice_post, 60_000)  # a replay the same day counts once
        watch(client, viewer, copy, 15_000)
        watch(client, viewer, plain_post, 15_000)
    watch(client, viewers[0], bob_post, 15_000)
    watch(client, viewers[1], bob_post, 10_000)
    watch(client, viewers[2], bob_post, 2_000)  # under min_view_ms
    watch(client, bob_user, bob_post, 15_000)  # the creator's own view
    assert income.settle_due(app_runtime.plain_uow, PARAMS) == 0  # the day is not over

    client.post("/sandbox/clock/advance", json={"seconds": 24 * 3600})
    assert income.settle_due(app_runtime.plain_uow, PARAMS) == 1
    assert income.settle_due(app_runtime.plain_uow, PARAMS) == 0  # settled once
    # alice 4 × 15 s = 60 s, bob 15 s + 10 s = 25 s: 1000 fen × 60/85 and × 25/85
    alice_income = client.get("/api/channels/studio/income", headers=as_user(alice_user)).json()
    assert alice_income["total_fen"] == 706
    assert alice_income["days"][0]["qualified_watch_ms"] == 60_000
    assert alice_income["days"][0]["day_watch_ms"] == 85_000
    assert client.get("/api/channels/studio/income", headers=as_user(bob_user)).json()["total_fen"] == 294
    assert client.get("/api/channels/studio/income", headers=as_user(copier_user)).json()["days"] == []
    assert client.get("/api/channels/studio/income", headers=as_user(viewers[0])).status_code == 404

    app_runtime.drain_events()
    assert client.get(f"/sandbox/users/{alice_user}/wallet").json()["balance"] == 706
    assert client.get(f"/sandbox/users/{bob_user}/wallet").json()["balance"] == 294
    with app_runtime.uow() as uow:  # a redelivered event pays nothing more
        credit_creator_income(
            CreatorIncomeEarned(
                creator_id=alice,
                user_id=alice_user,
                day=alice_income["days"][0]["day"],
                amount_fen=706,
                qualified_watch_ms=60_000,
            ),
            uow,
        )
        uow.commit()
    assert client.get(f"/sandbox/users/{alice_user}/wallet").json()["balance"] == 706
    with app_runtime.uow() as uow:
        kinds = uow.session.scalar(select(func.count()).where(LedgerTransaction.kind == "creator_income"))
        assert kinds == 2
        assert pay_service.check_books(uow=uow).ok


def test_days_without_watching_settle_empty_and_pay_nothing(client: TestClient, app_runtime: Runtime) -> None:
    user, _ = channel(client, "新人")
    post = image_post(client, user, seed=4, original=True)
    watch(client, make_user(client, "看客"), post, 15_000)  # under min_creator_watch_ms
    client.post("/sandbox/clock/advance", json={"seconds": 3 * 24 * 3600})
    assert income.settle_due(app_runtime.plain_uow, PARAMS) == 3  # the viewing day and two empty ones
    assert client.get("/api/channels/studio/income", headers=as_user(user)).json()["days"] == []
    app_runtime.drain_events()
    assert client.get(f"/sandbox/users/{user}/wallet").json()["balance"] == 0
