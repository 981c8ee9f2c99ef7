"""A customer-service conversation end to end: a WeChat user writes from the phone, the corp
reads with sync_msg and answers with send_msg inside WeCom's window, moves the session with
service_state, and looks the customer up with customer/batchget."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.web.helpers import csrf_token, sign_up
from tests.wecom.helpers import Corp, add_account, make_corp, refresh


def customer(client: TestClient, nickname: str) -> TestClient:
    phone = TestClient(client.app)
    sign_up(phone, nickname)
    return phone


def write(phone: TestClient, open_kfid: str, text: str, client_msg_id: str | None = None) -> Any:
    headers = {"X-CSRF-Token": csrf_token(phone, "/me")}
    body = {"text": text, "client_msg_id": client_msg_id}
    return phone.post(f"/kf/{open_kfid}/messages", json=body, headers=headers)


def sync(corp: Corp, cursor: str = "", **extra: Any) -> dict[str, Any]:
    page = corp.post("kf/sync_msg", {"cursor": cursor, "token": "", "limit": 1000, **extra})
    assert page["errcode"] == 0, page
    return page


def reply(corp: Corp, open_kfid: str, touser: str, text: str, **extra: Any) -> dict[str, Any]:
    body = {"touser": touser, "open_kfid": open_kfid, "msgtype": "text", "text": {"content": text}, **extra}
    return corp.post("kf/send_msg", body)


def advance(client: TestClient, seconds: float) -> None:
    assert client.post("/sandbox/clock/advance", json={"seconds": seconds}).status_code == 200


def test_customer_writes_corp_syncs_and_answers(client: TestClient) -> None:
    corp = make_corp(client)
    kfid = add_account(corp, "售后服务")
    ming = customer(client, "小明")
    link = corp.post("kf/add_contact_way", {"open_kfid": kfid, "scene": "order_page"})["url"]
    page = ming.get(link.removeprefix("http://testserver") + "&scene_param=order%3D42")
    assert page.status_code == 200
    assert "售后服务" in page.text
    assert "原子商城" in page.text
    sent = write(ming, kfid, "我的订单还没发货", "m-1")
    assert sent.status_code == 200
    assert sent.json()["mine"] is True

    first = sync(corp)
    entered, text = first["msg_list"]
    assert entered["origin"] == 4
    assert entered["msgtype"] == "event"
    external = entered["event"]["external_userid"]
    assert entered["event"].pop("welcome_code")  # a first visit: a welcome may be sent (test_kf_welcome)
    assert entered["event"] == {
        "event_type": "enter_session",
        "open_kfid": kfid,
        "external_userid": external,
        "scene": "order_page",
        "scene_param": "order=42",
    }
    assert external.startswith("wm")
    assert {k: text[k] for k in ("open_kfid", "external_userid", "origin", "msgtype", "text")} == {
        "open_kfid": kfid,
        "external_userid": external,
        "origin": 3,
        "msgtype": "text",
        "text": {"content": "我的订单还没发货"},
    }
    assert first["has_more"] == 0
    assert sync(corp, first["next_cursor"])["msg_list"] == []  # nothing new

    assert (
        corp.post("kf/service_state/get", {"open_kfid": kfid, "external_userid": external})["service_state"]
        == 0
    )
    answered = reply(corp, kfid, external, "您好，马上为您查询")
    assert answered["errcode"] == 0
    assert answered["msgid"]
    changes = ming.get(f"/kf/{kfid}/changes", params={"since": sent.json()["seq"]}).json()["messages"]
    assert [(m["mine"], m["text"], m["sender_name"]) for m in changes] == [
        (False, "您好，马上为您查询", "售后服务")
    ]
    assert sync(corp, first["next_cursor"])["msg_list"] == []  # what the corp sent never comes back
    assert "您好，马上为您查询" in ming.get(f"/kf/{kfid}").text

    batch = corp.post(
        "kf/customer/batchget",
        {"external_userid_list": [external, "wm-nobody"], "need_enter_session_context": 1},
    )
    assert batch["customer_list"][0]["nickname"] == "小明"
    assert batch["customer_list"][0]["enter_session_context"] == {
        "scene": "order_page",
        "scene_param": "order=42",
    }
    assert batch["invalid_external_userid"] == ["wm-nobody"]


def test_the_reply_window(client: TestClient) -> None:
    corp = make_corp(client)
    kfid = add_account(corp)
    hong = customer(client, "小红")
    write(hong, kfid, "在吗")
    external = sync(corp)["msg_list"][0]["external_userid"]
    for n in range(5):
        assert reply(corp, kfid, external, f"第{n + 1}条")["errcode"] == 0
    assert reply(corp, kfid, external, "第6条")["errcode"] == 95001
    write(hong, kfid, "还在吗")  # a new message from the customer: five more
    assert reply(corp, kfid, external, "在的")["errcode"] == 0
    advance(client, 48 * 3600 + 1)
    refresh(corp)
    assert reply(corp, kfid, external, "晚了")["errcode"] == 95002
    assert len(sync(corp)["msg_list"]) == 2  # sync_msg keeps three days of what customers wrote
    advance(client, 24 * 3600)
    refresh(corp)
    assert sync(corp)["msg_list"] == []


def test_send_msg_refusals_change_nothing(client: TestClient) -> None:
    corp = make_corp(client)
    kfid = add_account(corp)
    hong = customer(client, "小红")
    write(hong, kfid, "你好")
    external = sync(corp)["msg_list"][0]["external_userid"]
    assert reply(corp, kfid, "wm-nobody", "x")["errcode"] == 40096
    assert reply(corp, "wk-nope", external, "x")["errcode"] == 95004
    assert reply(corp, kfid, external, "")["errcode"] == 44004
    assert reply(corp, kfid, external, "长" * 683)["errcode"] == 45002  # 2049 bytes
    image = {"touser": external, "open_kfid": kfid, "msgtype": "image", "image": {"media_id": "x"}}
    assert corp.post("kf/send_msg", image)["errcode"] == 40007  # no such media
    assert corp.post("kf/send_msg", {**image, "msgtype": "video"})["errcode"] == 40008  # not sent yet
    assert corp.post("kf/send_msg", {**image, "msgtype": "fax"})["errcode"] == 40008
    assert reply(corp, kfid, external, "x", msgid="bad id!")["errcode"] == 40058
    assert ming_sees(hong, kfid) == ["你好"]
    # the caller's own msgid: a retry returns it, never sends twice
    assert reply(corp, kfid, external, "收到", msgid="order42-ack")["msgid"] == "order42-ack"
    assert reply(corp, kfid, external, "收到", msgid="order42-ack")["msgid"] == "order42-ack"
    assert reply(corp, kfid, external, "别的话", msgid="order42-ack")["errcode"] == 40058
    assert ming_sees(hong, kfid) == ["你好", "收到"]
    other = make_corp(client, "别家公司")
    assert reply(other, kfid, external, "x")["errcode"] == 95004


def ming_sees(phone: TestClient, kfid: str) -> list[str]:
    return [m["text"] for m in phone.get(f"/kf/{kfid}/changes", params={"since": 0}).json()["messages"]]


def test_service_states(client: TestClient) -> None:
    corp = make_corp(client)
    kfid = add_account(corp)
    corp.post("user/create", {"userid": "zhangsan", "name": "张三"})
    corp.post("user/create", {"userid": "lisi", "name": "李四"})
    corp.post("kf/servicer/add", {"open_kfid": kfid, "userid_list": ["zhangsan"]})
    hong = customer(client, "小红")
    write(hong, kfid, "你好")
    external = sync(corp)["msg_list"][0]["external_userid"]

    def trans(state: Any, servicer: str | None = None) -> int:
        body = {"open_kfid": kfid, "external_userid": external, "service_state": state}
        if servicer is not None:
            body["servicer_userid"] = servicer
        return int(corp.post("kf/service_state/trans", body)["errcode"])

    def state() -> tuple[int, str]:
        got = corp.post("kf/service_state/get", {"open_kfid": kfid, "external_userid": external})
        return got["service_state"], got["servicer_userid"]

    assert trans(1) == 0
    assert state() == (1, "")
    assert trans(3) == 95014
    assert trans(3, "lisi") == 95014  # a member, not this account's servicer
    assert trans(3, "nobody") == 95014
    assert trans(9) == 40058
    assert trans(3, "zhangsan") == 0
    assert state() == (3, "zhangsan")
    assert reply(corp, kfid, external, "x")["errcode"] == 95018  # a servicer has it
    assert trans(1) == 95016  # no way back to the bot
    assert trans(4) == 0
    assert state() == (4, "")
    assert trans(0) == 95016  # an ended session reopens only when the customer writes
    write(hong, kfid, "又来了")
    assert state() == (0, "")
    assert reply(corp, kfid, external, "欢迎回来")["errcode"] == 0


def test_phone_side_rules(client: TestClient) -> None:
    corp = make_corp(client)
    kfid = add_account(corp)
    ming = customer(client, "小明")
    first = write(ming, kfid, "你好", "same-id")
    again = write(ming, kfid, "你好", "same-id")
    assert again.status_code == 200
    assert again.json()["message_id"] == first.json()["message_id"]
    assert write(ming, kfid, "别的", "same-id").status_code == 409
    assert write(ming, kfid, "   ").status_code == 422
    assert write(ming, kfid, "长" * 2001).status_code == 422
    assert write(ming, "wk-nope", "你好").status_code == 404
    assert len(sync(corp)["msg_list"]) == 1
    signed_out = TestClient(client.app)
    assert signed_out.get(f"/kf/{kfid}", follow_redirects=False).status_code == 303
    assert signed_out.get(f"/kf/{kfid}/changes").status_code == 401
    corp.post("kf/account/del", {"open_kfid": kfid})
    assert ming.get(f"/kf/{kfid}").status_code == 404
    assert write(ming, kfid, "还在吗").status_code == 404


def test_sync_pages_and_filters(client: TestClient) -> None:
    corp = make_corp(client)
    first, second = add_account(corp, "售前"), add_account(corp, "售后")
    ming = customer(client, "小明")
    for n in range(3):
        write(ming, first, f"售前问题{n}")
        write(ming, second, f"售后问题{n}")
    page = sync(corp, limit=4)
    assert len(page["msg_list"]) == 4
    assert page["has_more"] == 1
    rest = sync(corp, page["next_cursor"], limit=4)
    assert len(rest["msg_list"]) == 2
    assert rest["has_more"] == 0
    texts = [m["text"]["content"] for m in page["msg_list"] + rest["msg_list"]]
    assert texts == ["售前问题0", "售后问题0", "售前问题1", "售后问题1", "售前问题2", "售后问题2"]
    only_second = sync(corp, open_kfid=second)
    assert [m["text"]["content"] for m in only_second["msg_list"]] == ["售后问题0", "售后问题1", "售后问题2"]
    assert corp.post("kf/sync_msg", {"cursor": "garbage"})["errcode"] == 40058
    assert corp.post("kf/sync_msg", {"limit": 1001})["errcode"] == 40058
    assert make_corp(client, "别家公司").post("kf/sync_msg", {})["msg_list"] == []  # one corp's only


def test_sync_starts_where_the_last_three_days_begin(client: TestClient) -> None:
    corp = make_corp(client)
    kfid = add_account(corp)
    ming = customer(client, "小明")
    stale = sync(corp)["next_cursor"]  # a cursor from before anything was written
    for n in range(3):
        write(ming, kfid, f"旧消息{n}")
    advance(client, 3 * 86400 + 60)
    refresh(corp)
    assert sync(corp)["msg_list"] == []
    write(ming, kfid, "新消息")
    for cursor in ("", stale):
        page = sync(corp, cursor)
        assert [m["text"]["content"] for m in page["msg_list"]] == ["新消息"]
        assert sync(corp, page["next_cursor"])["msg_list"] == []
