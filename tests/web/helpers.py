"""Shortcuts for web tests: read a page's CSRF token, sign up, count what exists."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from yuanzi.web import session

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token(client: TestClient, path: str = "/console") -> str:
    """The CSRF token the page at `path` gives this client (setting its CSRF cookie)."""
    response = client.get(path)
    assert response.status_code == 200, response.text
    match = _TOKEN.search(response.text)
    assert match is not None, "no CSRF token on the page"
    return match.group(1)


def sign_up(client: TestClient, nickname: str = "小明") -> int:
    """Create a user through the sign-in screen and stay signed in as them; returns the user id."""
    response = client.post(
        "/signin/new",
        data={"csrf_token": csrf_token(client, "/"), "nickname": nickname},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    value = client.cookies[session.SESSION_COOKIE]
    return int(value.split(".", 1)[0])


def count(client: TestClient, what: str) -> int:
    """How many users or apps the sandbox API lists."""
    response = client.get(f"/sandbox/{what}", params={"limit": 500})
    assert response.status_code == 200
    return len(response.json()[what])
