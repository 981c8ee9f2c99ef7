"""The demo world's WeCom: the mall's customer-service account, found by Search, with 王芳's
conversation answered and waiting for her; the printed credentials get a token."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from yuanzi import demo
from yuanzi.core.runtime import Runtime
from yuanzi.settings import Settings


def test_the_demo_world_has_customer_service(
    client: TestClient, app_runtime: Runtime, settings: Settings, indexed: Any
) -> None:
    world = demo.seed(app_runtime, settings.data_dir)
    indexed()
    wecom = world["wecom"]
    grant = client.get(
        "/qyapi/cgi-bin/gettoken", params={"corpid": wecom["corpid"], "corpsecret": wecom["secret"]}
    ).json()
    token = grant["access_token"]
    accounts = client.get("/qyapi/cgi-bin/kf/account/list", params={"access_token": token}).json()
    assert [a["name"] for a in accounts["account_list"]] == ["原子商城客服"]
    open_kfid = accounts["account_list"][0]["open_kfid"]
    synced = client.post("/qyapi/cgi-bin/kf/sync_msg", params={"access_token": token}, json={}).json()
    assert [m["text"]["content"] for m in synced["msg_list"]] == ["请问咖啡豆什么时候到货？"]

    hits = client.get("/api/search", params={"q": "客服"}).json()["results"]
    assert [(h["kind"], h["url"]) for h in hits if h["kind"] == "service"] == [
        ("service", f"/kf/{open_kfid}")
    ]

    external = synced["msg_list"][0]["external_userid"]
    state = client.post(
        "/qyapi/cgi-bin/kf/service_state/get",
        params={"access_token": token},
        json={"open_kfid": open_kfid, "external_userid": external},
    ).json()
    assert state["service_state"] == 2  # queued for 小原, whom the demo merchant user signs in as

    assert demo.seed(app_runtime, settings.data_dir)["created"] == 0  # nothing made or sent twice
    again = client.post("/qyapi/cgi-bin/kf/sync_msg", params={"access_token": token}, json={}).json()
    assert again["msg_list"] == synced["msg_list"]
