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


def test_moves_hand_out_a_code_for_one_notice(client: TestClient) -> None:
    corp = make_corp(client)
    kfid = add_account(corp)
    corp.post("user/create", {"userid": "zhangsan", "name": "张三"})
    corp.post("kf/servicer/add", {"open_kfid": kfid, "userid_list": ["zhangsan"]})
    phone = TestClient(client.app)
    sign_up(phone, "小红")
    write(phone, kfid, "人工客服")
    external = [m for m in sync(corp)["msg_list"] if m["msgtype"] == "text"][-1]["external_userid"]

    def trans(state: int, servicer: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"open_kfid": kfid, "external_userid": external, "service_state": state}
        if servicer:
            body["servicer_userid"] = servicer
        return corp.post("kf/service_state/trans", body)

    assert "msg_code" not in trans(1)  # to the bot: no notice
    queued = trans(2)["msg_code"]
    assert welcome(corp, queued, "正在为您转接人工，请稍候")["errcode"] == 0
    assert welcome(corp, queued, "again")["errcode"] == 40058  # once
    menu = {"head_content": "x", "list": []}
    serviced = trans(3, "zhangsan")["msg_code"]
    assert welcome(corp, queued, "late")["errcode"] == 40058
    assert (
        corp.post("kf/send_msg_on_event", {"code": serviced, "msgtype": "msgmenu", "msgmenu": menu})[
            "errcode"
        ]
        == 40008
    )  # a servicer's notice is text
    ended = trans(4)["msg_code"]
    assert welcome(corp, serviced, "您好，我是张三")["errcode"] == 40058  # the session moved on
    assert welcome(corp, ended, "感谢咨询，再见")["errcode"] == 0
    seen = [m["text"] for m in phone.get(f"/kf/{kfid}/changes", params={"since": 0}).json()["messages"]]
    assert seen == ["人工客服", "正在为您转接人工，请稍候", "感谢咨询，再见"]
