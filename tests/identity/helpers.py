"""Shortcuts for identity tests that go through the sandbox API, as a user of yuanzi would."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient


def make_app(
    client: TestClient, type: str = "miniprogram", name: str = "Test App", **extra: Any
) -> dict[str, Any]:
    """Create an app through /sandbox/apps; returns its JSON (with the secret)."""
    response = client.post("/sandbox/apps", json={"type": type, "name": name, **extra})
    assert response.status_code == 201, response.text
    return dict(response.json())


def make_user(client: TestClient, nickname: str = "Tester") -> int:
    """Create a user through /sandbox/users; returns the user_id."""
    response = client.post("/sandbox/users", json={"nickname": nickname})
    assert response.status_code == 201, response.text
    return int(response.json()["user_id"])


def login_code(client: TestClient, user_id: int, appid: str) -> str:
    """What wx.login() gives `user_id` in `appid`."""
    response = client.post(f"/sandbox/users/{user_id}/login", json={"appid": appid})
    assert response.status_code == 200, response.text
    return str(response.json()["code"])
