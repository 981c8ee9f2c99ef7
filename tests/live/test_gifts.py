"""Gifts: paid from the viewer's wallet through Pay, the creator's share and the platform's, in the
room's log, idempotent by request_id, refused with nothing moved on a short balance."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.channels.test_feeds import as_user
from tests.identity.helpers import make_user
from tests.live.test_rooms import events, live_room
from yuanzi.core.runtime import Runtime
from yuanzi.pay import service as pay_service


def wallet(client: TestClient, user: int) -> int:
    return int(client.get(f"/sandbox/users/{user}/wallet").json()["balance"])


def gift(client: TestClient, room_id: int, user: int, **body: object) -> tuple[int, dict[str, object]]:
    response = client.post(f"/api/live/rooms/{room_id}/gifts", json=body, headers=as_user(user))
    return response.status_code, response.json()


def test_a_gift_pays_the_creator_and_appears_once(client: TestClient, app_runtime: Runtime) -> None:
    owner, room = live_room(client)
    room_id = room["room_id"]
    fan, other = make_user(client, "铁粉"), make_user(client, "路人")
    client.post(f"/sandbox/users/{fan}/wallet/topup", json={"amount": 1_000})
    client.post(f"/sandbox/users/{other}/wallet/topup", json={"amount": 100})
    status, sent = gift(client, room_id, fan, gift="flower", count=3, request_id="req-00000001")
    assert (status, sent["amount"], sent["new"]) == (201, 300, True)
    assert (wallet(client, fan), wallet(client, owner)) == (700, 210)  # the platform keeps 30%
    again = gift(client, room_id, fan, gift="flower", count=3, request_id="req-00000001")
    assert again == (201, {**sent, "new": False})
    assert wallet(client, fan) == 700
    gift(client, room_id, other, gift="heart", count=10, request_id="req-00000002")
    log = [e for e in events(client, room_id) if e["kind"] == "gift"]
    assert [(e["user_id"], e["body"]["name"], e["body"]["count"]) for e in log] == [
        (fan, "鲜花", 3),
        (other, "小心心", 10),
    ]
    board = client.get(f"/api/live/rooms/{room_id}/leaderboard").json()["givers"]
    assert board == [{"user_id": fan, "amount": 300}, {"user_id": other, "amount": 100}]
    with app_runtime.uow() as uow:
        assert pay_service.check_books(uow=uow).ok


def test_gifts_that_cannot_be_sent_move_nothing(client: TestClient) -> None:
    owner, room = live_room(client)
    room_id = room["room_id"]
    fan = make_user(client, "穷粉")
    client.post(f"/sandbox/users/{fan}/wallet/topup", json={"amount": 50})
    status, problem = gift(client, room_id, fan, gift="rocket", request_id="req-00000003")
    assert (status, problem["code"]) == (409, "not_enough")
    assert gift(client, room_id, fan, gift="diamond", request_id="req-00000004")[0] == 422
    assert gift(client, room_id, fan, gift="heart", count=0, request_id="req-00000005")[0] == 422
    assert gift(client, room_id, fan, gift="heart", request_id="short")[0] == 422
    assert gift(client, room_id, owner, gift="heart", request_id="req-00000006")[1]["code"] == "own_room"
    gift(client, room_id, fan, gift="heart", request_id="req-00000007")
    reused = gift(client, room_id, fan, gift="flower", request_id="req-00000007")
    assert (reused[0], reused[1]["code"]) == (409, "request_id_reused")
    client.post(f"/api/live/rooms/{room_id}/end", headers=as_user(owner))
    assert gift(client, room_id, fan, gift="heart", request_id="req-00000008")[1]["code"] == "room_not_live"
    assert wallet(client, fan) == 40  # one heart
    assert [e["kind"] for e in events(client, room_id)].count("gift") == 1


def test_a_reconnecting_viewer_misses_no_gift(client: TestClient) -> None:
    _, room = live_room(client)
    room_id = room["room_id"]
    fan = make_user(client, "粉丝")
    client.post(f"/sandbox/users/{fan}/wallet/topup", json={"amount": 1_000})
    with client.websocket_connect(f"/api/live/rooms/{room_id}/ws") as socket:
        seen = socket.receive_json()["events"][-1]["seq"]
    for i in range(3):  # while the viewer is away
        gift(client, room_id, fan, gift="heart", request_id=f"req-0000010{i}")
    with client.websocket_connect(f"/api/live/rooms/{room_id}/ws?after={seen}") as socket:
        missed = socket.receive_json()["events"]
    assert [e["kind"] for e in missed] == ["gift", "gift", "gift"]
