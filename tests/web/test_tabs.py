"""The phone's tabs: Chats, Discover, Me, and wx.login() codes a developer exchanges in their backend."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from tests.identity.helpers import make_app
from tests.web.helpers import csrf_token, sign_up
from yuanzi.web import assets

HX = {"HX-Request": "true"}
CODE = re.compile(r"<code class=\"login-code\" data-login-code>([A-Za-z0-9]{32})</code>")


def test_the_chats_tab_is_an_empty_state_with_the_tab_bar(client: TestClient) -> None:
    sign_up(client)
    response = client.get("/")
    assert response.status_code == 200
    assert "暂无聊天" in response.text
    assert "No chats yet" in response.text
    for label in ('<span class="zh">聊天</span><span class="en">Chats</span>', "发现", "Discover", "Me"):
        assert label in response.text
    assert '<a href="/" class="tab active" aria-current="page">' in response.text
    assert response.headers["cache-control"] == "no-store"


def test_discover_opens_channels_live_search_and_mini_programs(client: TestClient) -> None:
    shop = make_app(client, name="Coffee Shop")
    make_app(client, type="official", name="News Account")
    sign_up(client)
    response = client.get("/discover")
    assert response.status_code == 200
    text = response.text
    assert '小程序 <span class="en">Mini Programs</span>' in text
    assert "Coffee Shop" in text
    assert shop["appid"] in text
    assert "News Account" not in text
    for zh, en in (("视频号", "Channels"), ("直播", "Live"), ("搜一搜", "Search")):
        assert f'{zh} <span class="en">{en}</span>' in text
    assert "即将推出" not in text  # Channels, Live and Search all open
    assert 'href="/live"' in text
    assert 'href="/channels"' in text
    assert 'href="/search"' in text
    assert text.index("视频号") < text.index("直播") < text.index("Coffee Shop") < text.index("搜一搜")


def test_discover_without_mini_programs_points_to_the_console(client: TestClient) -> None:
    sign_up(client)
    assert "No mini programs registered yet" in client.get("/discover").text


def test_me_shows_the_user_and_a_wx_login_button_per_mini_program(client: TestClient) -> None:
    one, two = make_app(client, name="One"), make_app(client, name="Two")
    make_app(client, type="web", name="Site")
    user_id = sign_up(client, "小红")
    text = client.get("/me").text
    assert '<h2 id="nickname">小红</h2>' in text
    assert f'id="user-id">{user_id}<' in text
    assert text.count(">wx.login()</button>") == 2
    assert f'hx-post="/me/wx-login" hx-target="#result-{one["appid"]}"' in text
    assert f'hx-target="#result-{two["appid"]}"' in text


def test_wx_login_gives_a_code_the_backend_exchanges_for_the_users_openid(client: TestClient) -> None:
    app = make_app(client)
    sign_up(client)
    token = csrf_token(client, "/me")
    response = client.post("/me/wx-login", data={"csrf_token": token, "appid": app["appid"]}, headers=HX)
    assert response.status_code == 200
    assert not response.text.lstrip().startswith("<!doctype")
    match = CODE.search(response.text)
    assert match is not None, response.text
    assert "expires_in 300 s" in response.text
    assert "5 分钟内有效" in response.text
    session = client.get(
        "/sns/jscode2session",
        params={"appid": app["appid"], "secret": app["secret"], "js_code": match.group(1)},
    ).json()
    assert set(session) == {"openid", "session_key", "unionid"}


def test_wx_login_without_javascript_returns_the_me_tab_with_the_code(client: TestClient) -> None:
    app = make_app(client)
    sign_up(client)
    token = csrf_token(client, "/me")
    response = client.post("/me/wx-login", data={"csrf_token": token, "appid": app["appid"]})
    assert response.status_code == 200
    assert response.text.lstrip().startswith("<!doctype html>")
    assert '<h2 id="nickname">' in response.text
    assert CODE.search(response.text) is not None


@pytest.mark.parametrize("headers", [HX, {}])
def test_wx_login_for_an_unknown_app_says_so_and_issues_nothing(
    client: TestClient, headers: dict[str, str]
) -> None:
    sign_up(client)
    token = csrf_token(client, "/me")
    response = client.post(
        "/me/wx-login", data={"csrf_token": token, "appid": "wx0000000000000000"}, headers=headers
    )
    assert response.status_code == 404
    assert "no app &#39;wx0000000000000000&#39;" in response.text
    assert CODE.search(response.text) is None


def test_wx_login_when_signed_out(client: TestClient) -> None:
    app = make_app(client)
    token = csrf_token(client, "/")
    response = client.post("/me/wx-login", data={"csrf_token": token, "appid": app["appid"]}, headers=HX)
    assert response.status_code == 401
    assert "Signed out: sign in again." in response.text
    plain = client.post(
        "/me/wx-login", data={"csrf_token": token, "appid": app["appid"]}, follow_redirects=False
    )
    assert plain.status_code == 303


def test_wx_login_needs_the_csrf_token(client: TestClient) -> None:
    app = make_app(client)
    sign_up(client)
    response = client.post("/me/wx-login", data={"appid": app["appid"]}, headers=HX)
    assert response.status_code == 403
    assert CODE.search(response.text) is None


def test_htmx_is_served_from_the_npm_install(client: TestClient) -> None:
    response = client.get("/static/vendor/htmx.min.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert b"htmx" in response.content[:2000]
    assert '<script src="/static/vendor/htmx.min.js" defer></script>' in client.get("/").text


def test_hls_js_is_served_from_the_npm_install(client: TestClient) -> None:
    response = client.get("/static/vendor/hls.min.js")
    assert response.status_code == 200
    assert b"Hls" in response.content
    assert client.get("/static/vendor/jquery.min.js").status_code == 404


def test_missing_htmx_is_a_clear_404(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(assets.VENDOR, "htmx.min.js", assets.REPO_ROOT / "node_modules" / "missing" / "x.js")
    response = client.get("/static/vendor/htmx.min.js")
    assert response.status_code == 404
    assert "htmx.min.js is not installed" in response.text
    assert "make install" in response.text


@pytest.mark.parametrize(
    ("path", "status", "media_type"),
    [
        ("/static/yuanzi.css", 200, "text/css"),
        ("/static/yuanzi.js", 200, "text/javascript"),
        ("/static/nope.css", 404, None),
        ("/static/..%2f..%2fsettings.py", 404, None),
        ("/static/views.py", 404, None),
    ],
)
def test_static_files(client: TestClient, path: str, status: int, media_type: str | None) -> None:
    response = client.get(path)
    assert response.status_code == status
    if media_type:
        assert response.headers["content-type"].startswith(media_type)
