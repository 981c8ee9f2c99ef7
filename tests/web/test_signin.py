"""Signing in to the web client: sandbox users, the signed session cookie, sign-out, production."""

from __future__ import annotations

import stat
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from tests.identity.helpers import make_user
from tests.web.helpers import count, csrf_token, sign_up
from yuanzi.settings import Settings
from yuanzi.web import session


def test_signed_out_visitors_get_the_sign_in_screen_listing_users(client: TestClient) -> None:
    make_user(client, "Alice")
    response = client.get("/")
    assert response.status_code == 200
    assert "沙盒登录" in response.text
    assert "Sandbox sign-in" in response.text
    assert "Alice" in response.text
    assert "Sign in as Alice" in response.text


def test_signed_out_visitors_are_sent_to_sign_in_from_other_tabs(client: TestClient) -> None:
    for path in ("/discover", "/me"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"] == "/"


def test_creating_a_user_signs_in_with_an_httponly_lax_cookie(client: TestClient) -> None:
    token = csrf_token(client, "/")
    response = client.post(
        "/signin/new", data={"csrf_token": token, "nickname": "  小明  "}, follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    cookie = next(h for h in response.headers.get_list("set-cookie") if h.startswith("yuanzi_session="))
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Path=/" in cookie
    me = client.get("/me")
    assert me.status_code == 200
    assert '<h2 id="nickname">小明</h2>' in me.text
    assert count(client, "users") == 1


def test_picking_an_existing_user_signs_in_as_them(client: TestClient) -> None:
    make_user(client, "Alice")
    bob = make_user(client, "Bob")
    response = client.post(
        "/signin", data={"csrf_token": csrf_token(client, "/"), "user_id": str(bob)}, follow_redirects=False
    )
    assert response.status_code == 303
    me = client.get("/me")
    assert '<h2 id="nickname">Bob</h2>' in me.text
    assert f'<span class="mono" id="user-id">{bob}</span>' in me.text
    assert count(client, "users") == 2


def test_sign_out_clears_the_session(client: TestClient) -> None:
    sign_up(client)
    response = client.post("/signout", data={"csrf_token": csrf_token(client, "/me")}, follow_redirects=False)
    assert response.status_code == 303
    assert any(
        h.startswith('yuanzi_session=""') and "Max-Age=0" in h
        for h in response.headers.get_list("set-cookie")
    )
    assert session.SESSION_COOKIE not in client.cookies
    assert client.get("/me", follow_redirects=False).status_code == 303


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda v: "2" + v[v.index(".") :], id="other user id, same mac"),
        pytest.param(lambda v: v[:-2] + ("AA" if not v.endswith("AA") else "BB"), id="changed mac"),
        pytest.param(lambda v: v.split(".")[0], id="no mac"),
        pytest.param(lambda v: "x" + v, id="malformed"),
    ],
)
def test_a_tampered_session_cookie_is_rejected(client: TestClient, tamper: Callable[[str], str]) -> None:
    sign_up(client, "Alice")
    make_user(client, "Bob")
    forged = tamper(client.cookies[session.SESSION_COOKIE])
    client.cookies.set(session.SESSION_COOKIE, forged)
    assert client.get("/me", follow_redirects=False).status_code == 303
    home = client.get("/")
    assert home.status_code == 200
    assert "沙盒登录" in home.text
    assert any(h.startswith('yuanzi_session=""') for h in home.headers.get_list("set-cookie"))


def test_a_validly_signed_cookie_for_a_missing_user_is_dropped(
    client: TestClient, settings: Settings
) -> None:
    csrf_token(client, "/")  # creates the key
    key = session.load_or_create_key(settings.data_dir)
    client.cookies.set(session.SESSION_COOKIE, session.sign_user(key, 999))
    response = client.get("/")
    assert response.status_code == 200
    assert "沙盒登录" in response.text
    assert any(h.startswith('yuanzi_session=""') for h in response.headers.get_list("set-cookie"))


def test_the_secret_key_is_32_private_bytes_in_the_data_dir_kept_across_restarts(settings: Settings) -> None:
    path = settings.data_dir / session.KEY_FILE
    assert not path.exists()
    key = session.load_or_create_key(settings.data_dir)
    assert len(key) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert session.load_or_create_key(settings.data_dir) == key
    assert session.verify_user(key, session.sign_user(key, 7)) == 7
    assert session.verify_user(bytes(32), session.sign_user(key, 7)) is None
    assert [p.name for p in settings.data_dir.iterdir()] == [session.KEY_FILE]


def test_a_truncated_key_file_is_an_error_not_a_weak_key(settings: Settings) -> None:
    settings.data_dir.mkdir(parents=True)
    (settings.data_dir / session.KEY_FILE).write_bytes(b"short")
    with pytest.raises(RuntimeError, match="holds 5 bytes; expected 32"):
        session.load_or_create_key(settings.data_dir)


@pytest.mark.parametrize(
    ("nickname", "message"),
    [
        ("", "nickname must not be empty"),
        ("   ", "nickname must not be empty"),
        ("n" * 65, "nickname is longer than 64 characters"),
    ],
)
def test_a_bad_nickname_shows_an_inline_error_and_creates_nobody(
    client: TestClient, nickname: str, message: str
) -> None:
    token = csrf_token(client, "/")
    response = client.post(
        "/signin/new", data={"csrf_token": token, "nickname": nickname}, follow_redirects=False
    )
    assert response.status_code == 422
    assert f'<p class="error" role="alert">{message}</p>' in response.text
    assert session.SESSION_COOKIE not in client.cookies
    assert count(client, "users") == 0


def test_a_nickname_of_64_characters_is_accepted(client: TestClient) -> None:
    sign_up(client, "n" * 64)
    assert count(client, "users") == 1


@pytest.mark.parametrize(
    ("user_id", "status", "message"),
    [("", 422, "Pick a user to sign in as."), ("abc", 422, "Pick a user"), ("999", 404, "no user 999")],
)
def test_signing_in_as_an_unknown_user_is_refused(
    client: TestClient, user_id: str, status: int, message: str
) -> None:
    token = csrf_token(client, "/")
    response = client.post("/signin", data={"csrf_token": token, "user_id": user_id}, follow_redirects=False)
    assert response.status_code == status
    assert message in response.text
    assert session.SESSION_COOKIE not in client.cookies


@pytest.mark.parametrize("path", ["/signin/new", "/signin", "/signout"])
def test_forms_without_the_csrf_token_are_refused(client: TestClient, path: str) -> None:
    csrf_token(client, "/")  # the browser has a CSRF cookie, but the form does not carry its token
    response = client.post(path, data={"nickname": "Mallory", "user_id": "1"}, follow_redirects=False)
    assert response.status_code == 403
    assert "Form expired" in response.text
    assert count(client, "users") == 0


def test_a_token_from_another_browser_is_refused(client: TestClient, settings: Settings) -> None:
    theirs = csrf_token(client, "/")
    client.cookies.clear()
    csrf_token(client, "/")  # a fresh CSRF cookie for "our" browser
    response = client.post(
        "/signin/new", data={"csrf_token": theirs, "nickname": "Mallory"}, follow_redirects=False
    )
    assert response.status_code == 403
    assert count(client, "users") == 0


def test_a_token_without_its_cookie_is_refused(client: TestClient) -> None:
    token = csrf_token(client, "/")
    client.cookies.delete(session.CSRF_COOKIE)
    response = client.post(
        "/signin/new", data={"csrf_token": token, "nickname": "Mallory"}, follow_redirects=False
    )
    assert response.status_code == 403
    assert count(client, "users") == 0


def test_the_csrf_token_is_also_accepted_in_a_header(client: TestClient) -> None:
    token = csrf_token(client, "/")
    response = client.post(
        "/signin/new", data={"nickname": "Hx"}, headers={session.CSRF_HEADER: token}, follow_redirects=False
    )
    assert response.status_code == 303
    assert count(client, "users") == 1


def test_production_offers_no_sign_in(production_client: TestClient, client: TestClient) -> None:
    make_user(client, "Alice")
    sign_up(client, "Bob")
    production_client.cookies.set(session.SESSION_COOKIE, client.cookies[session.SESSION_COOKIE])
    home = production_client.get("/")
    assert home.status_code == 200
    assert "Sign-in needs an identity provider" in home.text
    assert "需要身份提供方" in home.text
    assert "Alice" not in home.text
    assert production_client.get("/me", follow_redirects=False).status_code == 303
    token = csrf_token(production_client, "/console")
    for path, data in (("/signin/new", {"nickname": "Eve"}), ("/signin", {"user_id": "1"})):
        response = production_client.post(path, data={"csrf_token": token, **data}, follow_redirects=False)
        assert response.status_code == 403
        assert "Sign-in needs an identity provider" in response.text
        assert session.SESSION_COOKIE not in response.cookies
    assert count(client, "users") == 2
