"""The welcome (欢迎语): an enter_session event offers a welcome_code when the customer got nothing
from the corp in 48 hours; send_msg_on_event sends one message with it, within 20 seconds."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.web.helpers import sign_up
from tests.wecom.helpers import Corp, add_account, make_corp, refresh
from tests.wecom.test_kf_conversations import advance, customer, reply, sync, write


def enter(client: TestClient, kfid: str, user_id: int) -> None:
    response = client.post(f"/sandbox/wecom/kf/{kfid}/enter", json={"user_id": user_id, "scene": "menu"})
    assert response.status_code == 204


def entries(corp: Corp) -> list[dict[str, Any]]:
    return [m["event"] for m in sync(corp)["msg_list"] if m["msgtype"] == "event"]


def welcome(corp: Corp, code: str, text: str = "您好，欢迎光临", **extra: Any) -> dict[str, Any]:
    return corp.post(
        "kf/send_msg_on_event", {"code": code, "msgtype": "text", "text": {"content": text}, **extra}
    )


def test_the_welcome_code_sends_one_welcome(client: TestClient) -> None:
    corp = make_corp(client)
    kfid = add_account(corp)
    user = client.post("/sandbox/users", json={"nickname": "小明"}).json()["user_id"]
    enter(client, kfid, user)
    code = entries(corp)[0]["welcome_code"]
    sent = welcome(corp, code, msgid="welcome-1")
    assert sent == {"errcode": 0, "errmsg": "ok", "msgid": "welcome-1"}
    assert welcome(corp, code, msgid="welcome-1")["msgid"] == "welcome-1"  # a retry, not a second one
    assert welcome(corp, code)["errcode"] == 40058  # used
    assert welcome(corp, "no-such-code")["errcode"] == 40058
    assert make_corp(client, "别家公司").post("kf/send_msg_on_event", {"code": code})["errcode"] == 40058

    enter(client, kfid, user)  # a welcome within 48 hours: none offered again
    assert "welcome_code" not in entries(corp)[-1]
    advance(client, 48 * 3600 + 1)
    refresh(corp)
    enter(client, kfid, user)
    assert "welcome_code" in entries(corp)[-1]


def test_the_code_lasts_twenty_seconds_and_is_refused_after_an_answer(client: TestClient) -> None:
    corp = make_corp(client)
    kfid = add_account(corp)
    user = client.post("/sandbox/users", json={"nickname": "小明"}).json()["user_id"]
    enter(client, kfid, user)
    code = entries(corp)[0]["welcome_code"]
    advance(client, 21)
    assert welcome(corp, code)["errcode"] == 40058
    assert welcome(corp, code, msgtype="image")["errcode"] == 40008

    phone = TestClient(client.app)
    hong = sign_up(phone, "小红")
    write(phone, kfid, "你好")
    external = [m for m in sync(corp)["msg_list"] if m["msgtype"] == "text"][-1]["external_userid"]
    reply(corp, kfid, external, "您好")
    enter(client, kfid, hong)  # the corp has written to her: no welcome
    assert "welcome_code" not in entries(corp)[-1]


def test_the_customer_sees_the_welcome(client: TestClient) -> None:
    corp = make_corp(client)
    kfid = add_account(corp)
    phone = customer(client, "小明")
    assert phone.get(f"/kf/{kfid}?scene=menu").status_code == 200
    code = entries(corp)[0]["welcome_code"]
    welcome(corp, code, "您好，我是原子商城客服")
    seen = phone.get(f"/kf/{kfid}/changes", params={"since": 0}).json()["messages"]
    assert [(m["mine"], m["text"]) for m in seen] == [(False, "您好，我是原子商城客服")]
    assert sync(corp)["msg_list"][-1]["msgtype"] == "event"  # the welcome does not come back
