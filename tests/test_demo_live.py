"""The demo world's Live: a room live now with a shop, a replay that plays, a booked book club."""

from __future__ import annotations

from fastapi.testclient import TestClient

from yuanzi import demo
from yuanzi.core.runtime import Runtime
from yuanzi.settings import Settings


def test_the_demo_world_has_rooms_worth_visiting(
    client: TestClient, app_runtime: Runtime, settings: Settings
) -> None:
    demo.seed(app_runtime, settings.data_dir)
    users = {u["nickname"]: u["user_id"] for u in client.get("/sandbox/users").json()["users"]}
    [kitchen] = client.get("/api/live/rooms").json()["rooms"]
    assert kitchen["title"] == "周末厨房直播 Weekend kitchen"
    assert kitchen["cover_url"] is not None
    shelf = client.get(f"/api/live/rooms/{kitchen['room_id']}/products").json()["products"]
    assert [(p["title"], p["pinned"]) for p in shelf] == [("番茄炒蛋调料包 Seasoning pack", True)]
    kinds = [e["kind"] for e in client.get(f"/api/live/rooms/{kitchen['room_id']}/events").json()["events"]]
    assert {"announcement", "product", "enter", "comment", "gift"} <= set(kinds)
    # 陈杰 came from a share: the room is owed one entry from Recommended, placed for 王芳.
    as_wang = {"X-Yuanzi-User": str(users["王芳 Wang Fang"])}
    assert (
        client.get("/api/live/recommended", headers=as_wang).json()["room"]["room_id"] == kitchen["room_id"]
    )

    console = client.get("/console/live").text  # every room, with links
    assert "洱海日出 Sunrise at Erhai" in console
    replay_id = int(console.split("洱海日出")[0].rsplit('href="/console/live/', 1)[1].split('"')[0])
    playlist = client.get(f"/api/live/rooms/{replay_id}/hls/index.m3u8")
    assert playlist.status_code == 200
    assert "#EXT-X-ENDLIST" in playlist.text

    booked = client.get("/api/live/reminders", headers={"X-Yuanzi-User": str(users["陈杰 Chen Jie"])}).json()
    assert [r["title"] for r in booked["reminders"]] == ["明晚读书会 Book club"]
    assert demo.seed(app_runtime, settings.data_dir)["created"] == 0
