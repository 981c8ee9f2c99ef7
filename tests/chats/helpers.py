"""Shortcuts for chat tests through the API, as a client of yuanzi would use it."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.channels.test_feeds import as_user
from tests.identity.helpers import make_user

__all__ = ["as_user", "friends", "open_chat", "send", "texts"]


def friends(client: TestClient, *nicknames: str) -> list[int]:
    """Users who are all friends of the first one."""
    ids = [make_user(client, n) for n in nicknames]
    for other in ids[1:]:
        response = client.post(f"/sandbox/users/{ids[0]}/friends", json={"user_id": other})
        assert response.status_code == 200, response.text
    return ids


def open_chat(client: TestClient, user_id: int, other_id: int) -> int:
    response = client.post("/api/chats", json={"user_id": other_id}, headers=as_user(user_id))
    assert response.status_code in (200, 201), response.text
    return int(response.json()["conversation_id"])


def send(client: TestClient, user_id: int, chat: int, text: str, **extra: Any) -> dict[str, Any]:
    response = client.post(
        f"/api/chats/{chat}/messages", json={"text": text, **extra}, headers=as_user(user_id)
    )
    assert response.status_code in (200, 201), response.text
    return dict(response.json())


def texts(client: TestClient, user_id: int, chat: int, **params: Any) -> list[str]:
    response = client.get(f"/api/chats/{chat}/messages", params=params, headers=as_user(user_id))
    assert response.status_code == 200, response.text
    return [m["text"] for m in response.json()["messages"]]
