"""The demo world's Chats: 张伟 has chats with his friends, one of them unread, and finds them
by what was said."""

from __future__ import annotations

from fastapi.testclient import TestClient

from yuanzi import demo
from yuanzi.core.runtime import Runtime
from yuanzi.settings import Settings


def test_the_demo_world_has_chats_to_open(
    client: TestClient, app_runtime: Runtime, settings: Settings
) -> None:
    demo.seed(app_runtime, settings.data_dir)
    users = {u["nickname"]: u["user_id"] for u in client.get("/sandbox/users").json()["users"]}
    as_zhang = {"X-Yuanzi-User": str(users["张伟 Zhang Wei"])}
    listed = client.get("/api/chats", headers=as_zhang).json()
    assert [c["other"]["nickname"] for c in listed["conversations"]] == [
        "陈杰 Chen Jie",
        "李娜 Li Na",
        "王芳 Wang Fang",
    ]
    assert [c["unread"] for c in listed["conversations"]] == [0, 1, 0]
    assert listed["conversations"][1]["last_message"]["text"] == "那早上八点地铁站集合"
    assert demo.seed(app_runtime, settings.data_dir)["created"] == 0  # nothing sent twice
    again = client.get("/api/chats", headers=as_zhang).json()
    assert [c["last_message"]["message_id"] for c in again["conversations"]] == [
        c["last_message"]["message_id"] for c in listed["conversations"]
    ]
