"""wechatpy's WeCom client (`wechatpy.work`, in its 2.0 pre-release only) unchanged but for its
transport, against a live yuanzi: a corp's customer service (微信客服) end to end."""

from __future__ import annotations

import http.server
import io
import threading
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from PIL import Image

from tests.compat.transport import YuanziAdapter

work = pytest.importorskip("wechatpy.work", reason="wechatpy.work is in wechatpy 2.0 (make compat-wechatpy2)")
pytestmark = pytest.mark.compat


def sandbox(base: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = httpx.post(base + path, json=body)
    assert response.status_code in (200, 201, 204), response.text
    return dict(response.json()) if response.content else {}


def sdk_client(base: str, corp: dict[str, Any]) -> Any:
    """wechatpy.work's client for the corp, its qyapi traffic sent to yuanzi."""
    client = work.WeChatClient(corp["corpid"], corp["secret"])
    client._http.mount("https://qyapi.weixin.qq.com/", YuanziAdapter(base + "/qyapi"))
    return client


def add_account(base: str, client: Any, name: str) -> str:
    """An account with an avatar uploaded through the SDK. The SDK has no account/add: the corp's
    admin console (here, the raw API) makes the account."""
    avatar = io.BytesIO()
    Image.new("RGB", (64, 64), (7, 193, 96)).save(avatar, "PNG")
    avatar.seek(0)
    media_id = client.media.upload("image", avatar)["media_id"]
    added = httpx.post(
        f"{base}/qyapi/cgi-bin/kf/account/add",
        params={"access_token": client.access_token},
        json={"name": name, "media_id": media_id},
    ).json()
    return str(added["open_kfid"])


def test_customer_service_with_the_sdk(live_server: str) -> None:
    from wechatpy.exceptions import WeChatClientException

    corp = sandbox(live_server, "/sandbox/wecom/corps", {"name": "原子商城"})
    client = sdk_client(live_server, corp)
    open_kfid = add_account(live_server, client, "售后服务")
    assert [a["name"] for a in client.kf.get_account_list()["account_list"]] == ["售后服务"]
    url = client.kf.add_contact_way(open_kfid, "sdk_test")["url"]
    assert url.endswith(f"/kf/{open_kfid}?scene=sdk_test")

    client.user.create("zhangsan", "张三", department=[1])
    added_servicers = client.kf.add_servicer(open_kfid, ["zhangsan"])["result_list"]
    assert added_servicers == [{"userid": "zhangsan", "errcode": 0, "errmsg": "success"}]
    assert client.kf.get_servicer_list(open_kfid)["servicer_list"][0]["userid"] == "zhangsan"

    user = sandbox(live_server, "/sandbox/users", {"nickname": "小明"})["user_id"]
    sandbox(live_server, f"/sandbox/wecom/kf/{open_kfid}/enter", {"user_id": user, "scene": "sdk_test"})
    sandbox(live_server, f"/sandbox/wecom/kf/{open_kfid}/messages", {"user_id": user, "text": "在吗"})

    synced = client.kf.sync_msg(token="", cursor="")
    event, message = synced["msg_list"]
    external = message["external_userid"]
    assert event["event"]["event_type"] == "enter_session"
    welcomed = client.kf.send_msg_on_event(
        event["event"]["welcome_code"], "text", {"text": {"content": "欢迎光临"}}
    )
    assert welcomed["msgid"]
    assert message["text"] == {"content": "在吗"}
    assert client.kf.get_service_state(open_kfid, external)["service_state"] == 0
    assert client.kf_message.send_text(external, open_kfid, "在的，请讲")["msgid"]
    assert client.kf.sync_msg(token="", cursor=synced["next_cursor"])["msg_list"] == []
    customers = client.kf.batchget_customer([external])["customer_list"]
    assert customers[0]["nickname"] == "小明"

    client.kf.trans_service_state(open_kfid, external, 3, "zhangsan")
    assert client.kf.get_service_state(open_kfid, external)["servicer_userid"] == "zhangsan"
    with pytest.raises(WeChatClientException) as refused:
        client.kf_message.send_text(external, open_kfid, "机器人插话")
    assert refused.value.errcode == 95018


def test_callbacks_decrypt_with_the_sdk(running_server: str) -> None:
    """yuanzi's kf_msg_or_event callback, verified and decrypted by wechatpy's own WXBizMsgCrypt,
    and its token accepted by sync_msg; the URL check answered the way a wechatpy server does."""
    from wechatpy.work import parse_message
    from wechatpy.work.crypto import WeChatCrypto

    base = running_server
    corp = sandbox(base, "/sandbox/wecom/corps", {"name": "原子商城"})
    token, aes_key = "sdkToken", "0123456789abcdefghijklmnopqrstuvwxyzABCDEFG"
    crypto = WeChatCrypto(token, aes_key, corp["corpid"])
    received: list[Any] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _reply(self, text: str) -> None:
            self.send_response(200)
            self.send_header("Content-Length", str(len(text.encode())))
            self.end_headers()
            self.wfile.write(text.encode())

        def do_GET(self) -> None:  # the URL check
            q = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
            echo = crypto.check_signature(q["msg_signature"], q["timestamp"], q["nonce"], q["echostr"])
            self._reply(echo if isinstance(echo, str) else echo.decode())

        def do_POST(self) -> None:
            q = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
            body = self.rfile.read(int(self.headers["Content-Length"]))
            xml = crypto.decrypt_message(body, q["msg_signature"], q["timestamp"], q["nonce"])
            received.append(parse_message(xml))
            self._reply("success")

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/callback"
        body = {"url": url, "token": token, "encoding_aes_key": aes_key}
        path = f"/sandbox/wecom/corps/{corp['corpid']}/apps/{corp['agentid']}/callback"
        assert httpx.put(base + path, json=body).status_code == 200

        client = sdk_client(base, corp)
        open_kfid = add_account(base, client, "售后服务")
        user = sandbox(base, "/sandbox/users", {"nickname": "小明"})["user_id"]
        sandbox(base, f"/sandbox/wecom/kf/{open_kfid}/messages", {"user_id": user, "text": "在吗"})

        deadline = time.monotonic() + 10
        while not received and time.monotonic() < deadline:
            time.sleep(0.05)
        assert received, "no callback within 10 s"
        event = received[0]
        assert event.event == "kf_msg_or_event"
        synced = client.kf.sync_msg(token=event.token, cursor="")
        assert [m["text"]["content"] for m in synced["msg_list"]] == ["在吗"]
    finally:
        server.shutdown()
        server.server_close()
