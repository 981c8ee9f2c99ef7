"""/cgi-bin/token, /cgi-bin/stable_token and the access-token check later APIs use."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.identity.helpers import make_app


def token(client: TestClient, app: dict[str, Any]) -> dict[str, Any]:
    params = {"grant_type": "client_credential", "appid": app["appid"], "secret": app["secret"]}
    return dict(client.get("/cgi-bin/token", params=params).json())


def stable(client: TestClient, app: dict[str, Any], force_refresh: bool | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"grant_type": "client_credential", "appid": app["appid"], "secret": app["secret"]}
    if force_refresh is not None:
        body["force_refresh"] = force_refresh
    return dict(client.post("/cgi-bin/stable_token", json=body).json())


def check(client: TestClient, access_token: str | None) -> dict[str, Any]:
    params = {} if access_token is None else {"access_token": access_token}
    return dict(client.get("/cgi-bin/getcallbackip", params=params).json())


def advance(client: TestClient, seconds: float) -> None:
    assert client.post("/sandbox/clock/advance", json={"seconds": seconds}).status_code == 200


def test_token_is_valid_for_two_hours(client: TestClient) -> None:
    grant = token(client, make_app(client))
    assert grant["expires_in"] == 7200
    assert len(grant["access_token"]) == 136
    assert "ip_list" in check(client, grant["access_token"])
    advance(client, 7199)
    assert "ip_list" in check(client, grant["access_token"])
    advance(client, 2)
    assert check(client, grant["access_token"])["errcode"] == 42001


def test_a_new_token_retires_the_old_one_after_five_minutes(client: TestClient) -> None:
    app = make_app(client)
    old = token(client, app)["access_token"]
    new = token(client, app)["access_token"]
    assert old != new
    advance(client, 299)
    assert "ip_list" in check(client, old)
    advance(client, 2)
    assert check(client, old)["errcode"] == 40001
    assert "ip_list" in check(client, new)


def test_access_token_errors(client: TestClient) -> None:
    assert check(client, None)["errcode"] == 41001
    assert check(client, "")["errcode"] == 41001
    assert check(client, "not a token!")["errcode"] == 40014
    assert check(client, "A" * 136)["errcode"] == 40001


def test_token_request_errors(client: TestClient) -> None:
    app = make_app(client)
    base = {"grant_type": "client_credential", "appid": app["appid"], "secret": app["secret"]}
    cases: list[tuple[dict[str, str], int, str]] = [
        ({**base, "grant_type": "authorization_code"}, 40002, "invalid grant_type"),
        ({k: v for k, v in base.items() if k != "grant_type"}, 40002, "invalid grant_type"),
        ({k: v for k, v in base.items() if k != "appid"}, 41002, "appid missing"),
        ({k: v for k, v in base.items() if k != "secret"}, 41004, "appsecret missing"),
        ({**base, "appid": "wx1234567890abcdef"}, 40013, "invalid appid"),
        ({**base, "secret": "f" * 32}, 40125, "invalid appsecret"),
    ]
    for params, errcode, errmsg in cases:
        body = client.get("/cgi-bin/token", params=params).json()
        assert body["errcode"] == errcode
        assert body["errmsg"].startswith(f"{errmsg}, rid: ")


def test_stable_token_is_the_same_until_five_minutes_before_expiry(client: TestClient) -> None:
    app = make_app(client)
    first = stable(client, app)
    assert first["expires_in"] == 7200
    advance(client, 6000)
    again = stable(client, app)
    assert again["access_token"] == first["access_token"]
    assert 1198 <= again["expires_in"] <= 1200  # real time passes between calls too
    advance(client, 901)  # 299 s left: renewed, and the old one serves out its time
    renewed = stable(client, app)
    assert renewed["access_token"] != first["access_token"]
    assert renewed["expires_in"] == 7200
    assert "ip_list" in check(client, first["access_token"])
    advance(client, 300)
    assert check(client, first["access_token"])["errcode"] in (40001, 42001)
    assert "ip_list" in check(client, renewed["access_token"])


def test_stable_and_basic_tokens_are_isolated(client: TestClient) -> None:
    app = make_app(client)
    stable_token = stable(client, app)["access_token"]
    token(client, app)
    token(client, app)
    advance(client, 301)
    assert "ip_list" in check(client, stable_token)


def test_forced_refresh_replaces_at_once_but_not_twice_in_thirty_seconds(client: TestClient) -> None:
    app = make_app(client)
    first = stable(client, app)["access_token"]
    forced = stable(client, app, force_refresh=True)["access_token"]
    assert forced != first
    assert check(client, first)["errcode"] == 40001
    advance(client, 10)
    assert stable(client, app, force_refresh=True)["access_token"] == forced
    advance(client, 25)
    assert stable(client, app, force_refresh=True)["access_token"] != forced


def test_forced_refresh_is_limited_to_twenty_a_day(client: TestClient) -> None:
    app = make_app(client)
    # The sandbox clock starts at the machine's time; a fresh Beijing day keeps all 20 in one day.
    now = client.get("/sandbox/clock").json()["timestamp"]
    beijing_seconds_into_day = (now + 8 * 3600) % 86400
    advance(client, 86400 - beijing_seconds_into_day + 60)
    for _ in range(20):
        assert "access_token" in stable(client, app, force_refresh=True)
        advance(client, 31)
    refused = stable(client, app, force_refresh=True)
    assert refused["errcode"] == 45009
    assert stable(client, app)["access_token"]  # normal mode still answers
    advance(client, 86400)
    assert "access_token" in stable(client, app, force_refresh=True)


@pytest.mark.parametrize(
    ("body", "errcode"),
    [
        (b"", 44002),
        (b"{not json", 47001),
        (b"[1, 2]", 47001),
        (b'{"grant_type": "client_credential", "appid": 5, "secret": "x"}', 47001),
        (b'{"grant_type": "client_credential", "secret": "x"}', 41002),
    ],
)
def test_stable_token_bad_bodies(client: TestClient, body: bytes, errcode: int) -> None:
    assert client.post("/cgi-bin/stable_token", content=body).json()["errcode"] == errcode


def test_stable_token_force_refresh_must_be_boolean(client: TestClient) -> None:
    app = make_app(client)
    body = {"grant_type": "client_credential", "appid": app["appid"], "secret": app["secret"]}
    assert (
        client.post("/cgi-bin/stable_token", json={**body, "force_refresh": "yes"}).json()["errcode"] == 47001
    )


def test_stable_token_accepts_json_without_content_type(client: TestClient) -> None:
    app = make_app(client)
    raw = f'{{"grant_type":"client_credential","appid":"{app["appid"]}","secret":"{app["secret"]}"}}'
    response = client.post("/cgi-bin/stable_token", content=raw.encode(), headers={"content-type": ""})
    assert "access_token" in response.json()


def test_stable_token_requires_post(client: TestClient) -> None:
    assert client.get("/cgi-bin/stable_token").json()["errcode"] == 43002
