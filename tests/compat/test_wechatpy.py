"""The PyPI wechatpy SDK (1.8.18), unchanged but for its transport, against a live yuanzi."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from wechatpy import WeChatClient
from wechatpy.exceptions import WeChatClientException

from tests.compat.transport import YuanziAdapter

pytestmark = pytest.mark.compat


def sandbox(base: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = httpx.post(base + path, json=body)
    assert response.status_code in (200, 201), response.text
    return dict(response.json())


def client_for(base: str, appid: str, secret: str) -> WeChatClient:
    client = WeChatClient(appid, secret)
    client._http.mount("https://api.weixin.qq.com/", YuanziAdapter(base))
    return client


@pytest.fixture
def world(live_server: str) -> dict[str, Any]:
    app = sandbox(live_server, "/sandbox/apps", {"type": "miniprogram", "name": "wechatpy"})
    user = sandbox(live_server, "/sandbox/users", {"nickname": "SDK user"})
    return {"base": live_server, "app": app, "user_id": user["user_id"]}


def login(world: dict[str, Any]) -> str:
    body = {"appid": world["app"]["appid"]}
    return str(sandbox(world["base"], f"/sandbox/users/{world['user_id']}/login", body)["code"])


def test_code_to_session(world: dict[str, Any]) -> None:
    client = client_for(world["base"], world["app"]["appid"], world["app"]["secret"])
    first_code = login(world)
    session = client.wxa.code_to_session(first_code)
    assert set(session) >= {"openid", "session_key", "unionid"}
    assert len(client.access_token) == 136  # wechatpy fetched a token from yuanzi first
    again = client.wxa.code_to_session(login(world))
    assert again["openid"] == session["openid"]
    with pytest.raises(WeChatClientException) as reused:
        client.wxa.code_to_session(first_code)
    assert reused.value.errcode == 40163


def test_wrong_secret_fails_at_the_token(world: dict[str, Any]) -> None:
    client = client_for(world["base"], world["app"]["appid"], "0" * 32)
    with pytest.raises(WeChatClientException) as refused:
        client.misc.get_wechat_ips()
    assert refused.value.errcode == 40125


def test_sdk_recovers_from_a_superseded_and_an_expired_token(world: dict[str, Any]) -> None:
    base, app = world["base"], world["app"]
    client = client_for(base, app["appid"], app["secret"])
    assert client.misc.get_wechat_ips()
    first = client.access_token
    for _ in range(2):  # another backend fetches tokens: ours is retired after 5 minutes
        params = {"grant_type": "client_credential", "appid": app["appid"], "secret": app["secret"]}
        assert "access_token" in httpx.get(base + "/cgi-bin/token", params=params).json()
    sandbox(base, "/sandbox/clock/advance", {"seconds": 301})
    assert client.misc.get_wechat_ips()  # 40001, then wechatpy fetched a new token and retried
    second = client.access_token
    assert second != first
    sandbox(base, "/sandbox/clock/advance", {"seconds": 7201})
    assert client.misc.get_wechat_ips()  # 42001, the same recovery
    assert client.access_token not in (first, second)
