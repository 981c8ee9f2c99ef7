"""A room's figures: entries by source, likes folded into a counter, viewers across processes."""

from __future__ import annotations

import threading

from fastapi.testclient import TestClient

from tests.channels.test_feeds import as_user
from tests.identity.helpers import make_user
from tests.live.test_rooms import events, live_room
from yuanzi.core.clock import FrozenClock
from yuanzi.core.runtime import Runtime
from yuanzi.live import figures


def stats(client: TestClient, room_id: int) -> dict[str, object]:
    response = client.get(f"/api/live/rooms/{room_id}/stats")
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_entries_count_views_unique_viewers_and_their_domain(client: TestClient) -> None:
    owner, room = live_room(client)
    room_id = room["room_id"]
    fan, passerby = make_user(client, "老粉"), make_user(client, "路人")
    for user, source in ((fan, "share"), (fan, "followers"), (passerby, "recommended"), (passerby, "search")):
        entered = client.post(
            f"/api/live/rooms/{room_id}/enter", json={"source": source}, headers=as_user(user)
        )
        assert entered.status_code == 201, entered.text
        assert entered.json()["kind"] == "enter"
    figures_now = stats(client, room_id)
    assert figures_now["views"] == 4
    assert figures_now["unique_viewers"] == 2
    assert figures_now["entries"] == {"private": 2, "public": 1, "other": 1}
    assert [e["body"]["nickname"] for e in events(client, room_id) if e["kind"] == "enter"] == [
        "老粉",
        "老粉",
        "路人",
        "路人",
    ]
    bad = client.post(f"/api/live/rooms/{room_id}/enter", json={"source": "billboard"}, headers=as_user(fan))
    assert bad.status_code == 422
    assert bad.json()["field"] == "source"
    client.post(f"/api/live/rooms/{room_id}/end", headers=as_user(owner))
    late = client.post(f"/api/live/rooms/{room_id}/enter", json={"source": "share"}, headers=as_user(fan))
    assert late.json()["code"] == "room_not_live"
    assert stats(client, room_id)["views"] == 4  # nothing changed


def test_likes_fold_into_the_counter_and_never_into_the_log(client: TestClient) -> None:
    owner, room = live_room(client)
    room_id = room["room_id"]
    fan = make_user(client, "点赞狂")
    before = len(events(client, room_id))
    for count, total in ((1, 1), (30, 31), (99, 130)):
        liked = client.post(f"/api/live/rooms/{room_id}/likes", json={"count": count}, headers=as_user(fan))
        assert liked.json() == {"room_id": room_id, "likes": total}
    assert len(events(client, room_id)) == before
    for bad in (0, 100, "5", True):
        response = client.post(f"/api/live/rooms/{room_id}/likes", json={"count": bad}, headers=as_user(fan))
        assert response.status_code == 422, bad
    client.post(f"/api/live/rooms/{room_id}/end", headers=as_user(owner))
    ended = client.post(f"/api/live/rooms/{room_id}/likes", json={"count": 1}, headers=as_user(fan))
    assert ended.json()["code"] == "room_not_live"
    assert stats(client, room_id)["likes"] == 130


def test_viewers_add_up_across_processes_and_the_peak_stays(
    client: TestClient, runtime: Runtime, clock: FrozenClock
) -> None:
    _, room = live_room(client)
    room_id = room["room_id"]

    def report(node: str, viewers: int) -> int:
        with runtime.uow() as uow:
            current = figures.report_presence(uow=uow, room_id=room_id, node=node, viewers=viewers)
            uow.commit()
            return current

    assert report("node-a", 3) == 3
    assert report("node-b", 2) == 5
    assert report("node-a", 0) == 2
    clock.advance(10)
    assert report("node-c", 4) == 6
    clock.advance(6)  # node-b said nothing for 16 s: it is gone
    with runtime.uow() as uow:
        found = figures.figures(uow=uow, room_id=room_id)
    assert (found.viewers, found.peak_viewers) == (4, 6)


def test_frames_carry_likes_and_viewers(client: TestClient) -> None:
    _, room = live_room(client)
    room_id = room["room_id"]
    fan = make_user(client, "看客")
    with client.websocket_connect(f"/api/live/rooms/{room_id}/ws") as socket:
        socket.receive_json()  # the backlog
        client.post(f"/api/live/rooms/{room_id}/likes", json={"count": 7}, headers=as_user(fan))
        while (frame := socket.receive_json())["likes"] != 7:
            pass
        assert frame["viewers"] == 1  # this socket, reported by the hub
        assert client.get(f"/api/live/rooms/{room_id}").json()["viewers_here"] == 1
    assert stats(client, room_id)["peak_viewers"] == 1


def test_two_nodes_reporting_at_once_reach_the_peak_together(client: TestClient, runtime: Runtime) -> None:
    """Node B reports while node A's report is not yet committed: B waits for the room's lock and
    counts A's viewers too, so the peak is their sum (without the lock, PostgreSQL let each sum
    only its own)."""
    _, room = live_room(client)
    room_id = room["room_id"]
    seen: list[int] = []
    first = runtime.uow()
    uow_a = first.__enter__()
    figures.report_presence(uow=uow_a, room_id=room_id, node="node-a", viewers=1)

    def node_b() -> None:
        with runtime.uow() as uow_b:
            seen.append(figures.report_presence(uow=uow_b, room_id=room_id, node="node-b", viewers=1))
            uow_b.commit()

    other = threading.Thread(target=node_b)
    other.start()
    other.join(timeout=0.5)  # B waits for A (on SQLite, for the write lock; on PostgreSQL, the row)
    uow_a.commit()
    first.__exit__(None, None, None)
    other.join(timeout=10)
    assert seen == [2]
    with runtime.uow() as uow:
        assert figures.figures(uow=uow, room_id=room_id).peak_viewers == 2
