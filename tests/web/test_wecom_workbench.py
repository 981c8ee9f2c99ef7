"""A WeCom member's client on the phone: sessions queued for the accounts they serve, taking one,
answering (origin 5 in sync_msg, with their userid), ending it — and what the corp's server and
the customer see of each step."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.web.helpers import csrf_token, sign_up
from tests.wecom.helpers import Corp, add_account, make_corp
from tests.wecom.test_kf_conversations import sync, write


def member(client: TestClient, corp: Corp, userid: str, name: str) -> TestClient:
    phone = TestClient(client.app)
    user_id = sign_up(phone, name)
    added = client.post(
        f"/sandbox/wecom/corps/{corp.corpid}/members",
        json={"userid": userid, "name": name, "user_id": user_id},
    )
    assert added.status_code == 201, added.text
    return phone


def trans(corp: Corp, kfid: str, external: str, state: int, servicer: str | None = None) -> int:
    body: dict[str, Any] = {"open_kfid": kfid, "external_userid": external, "service_state": state}
    if servicer:
        body["servicer_userid"] = servicer
    return int(corp.post("kf/service_state/trans", body)["errcode"])


def post_form(phone: TestClient, path: str) -> Any:
    return phone.post(path, data={"csrf_token": csrf_token(phone, "/me")}, follow_redirects=False)


def test_a_servicer_takes_answers_and_ends_a_session(client: TestClient) -> None:
    corp = make_corp(client, "原子商城")
    kfid = add_account(corp, "售后服务")
    zhang = member(client, corp, "zhangsan", "张三")
    li = member(client, corp, "lisi", "李四")
    corp.post("kf/servicer/add", {"open_kfid": kfid, "userid_list": ["zhangsan", "lisi"]})
    assert "/wecom" in zhang.get("/me").text  # a member's Me tab opens the workbench
    assert "No sessions waiting" in zhang.get("/wecom").text

    customer = TestClient(client.app)
    sign_up(customer, "小明")
    write(customer, kfid, "我要退货")
    external = sync(corp)["msg_list"][-1]["external_userid"]
    assert trans(corp, kfid, external, 2) == 0  # into the queue
    listed = zhang.get("/wecom").text
    assert "小明" in listed
    assert "排队中" in listed
    session_id = int(listed.split('data-session="')[1].split('"')[0])
    assert "接入" in zhang.get(f"/wecom/sessions/{session_id}").text

    taken = post_form(zhang, f"/wecom/sessions/{session_id}/take")
    assert taken.status_code == 303
    assert (
        corp.post("kf/service_state/get", {"open_kfid": kfid, "external_userid": external})["servicer_userid"]
        == "zhangsan"
    )
    late = post_form(li, f"/wecom/sessions/{session_id}/take")  # 李四 was a moment too late
    assert late.headers["location"] == "/wecom"  # it left his view: back to the list
    assert "小明" not in li.get("/wecom").text  # it is 张三's now
    assert li.get(f"/wecom/sessions/{session_id}").status_code == 404

    headers = {"X-CSRF-Token": csrf_token(zhang, "/me")}
    answered = zhang.post(
        f"/wecom/sessions/{session_id}/messages", json={"text": "您好，我来处理"}, headers=headers
    )
    assert answered.status_code == 200
    assert answered.json()["mine"] is True
    events = sync(corp)["msg_list"]
    status, reply = events[-2], events[-1]
    assert status["event"]["event_type"] == "session_status_change"
    assert status["event"]["change_type"] == 1
    assert status["event"]["new_servicer_userid"] == "zhangsan"
    assert status["event"]["msg_code"]  # for one 接入提示语 through send_msg_on_event
    assert (reply["origin"], reply["servicer_userid"], reply["text"]) == (
        5,
        "zhangsan",
        {"content": "您好，我来处理"},
    )
    seen = customer.get(f"/kf/{kfid}/changes", params={"since": 0}).json()["messages"]
    assert [(m["mine"], m["text"]) for m in seen] == [(True, "我要退货"), (False, "您好，我来处理")]
    assert customer.get("/chats/unread").json() == {"unread": 1}

    history = zhang.get(f"/wecom/sessions/{session_id}/changes", params={"since": 0}).json()["messages"]
    assert [(m["mine"], m["text"]) for m in history] == [(False, "我要退货"), (True, "您好，我来处理")]
    blocked = li.post(
        f"/wecom/sessions/{session_id}/messages",
        json={"text": "x"},
        headers={"X-CSRF-Token": csrf_token(li, "/me")},
    )
    assert blocked.status_code == 404

    ended = post_form(zhang, f"/wecom/sessions/{session_id}/end")
    assert ended.status_code == 303
    assert (
        corp.post("kf/service_state/get", {"open_kfid": kfid, "external_userid": external})["service_state"]
        == 4
    )
    closing = sync(corp)["msg_list"][-1]["event"]
    assert (closing["change_type"], closing["old_servicer_userid"]) == (3, "zhangsan")
    assert "小明" not in zhang.get("/wecom").text


def test_who_may_use_the_workbench(client: TestClient) -> None:
    corp = make_corp(client)
    kfid = add_account(corp)
    outsider = TestClient(client.app)
    sign_up(outsider, "路人")
    assert outsider.get("/wecom").status_code == 404
    assert "/wecom" not in outsider.get("/me").text
    zhang = member(client, corp, "zhangsan", "张三")  # a member, but not this account's servicer
    customer = TestClient(client.app)
    sign_up(customer, "小明")
    write(customer, kfid, "你好")
    external = sync(corp)["msg_list"][-1]["external_userid"]
    trans(corp, kfid, external, 2)
    assert "小明" not in zhang.get("/wecom").text
    taken = client.post(
        f"/sandbox/wecom/corps/{corp.corpid}/members", json={"userid": "zhangsan", "name": "张三"}
    )
    assert taken.status_code == 409
    assert (
        client.post("/sandbox/wecom/corps/ww0000/members", json={"userid": "a", "name": "a"}).status_code
        == 404
    )
    bad = client.post(f"/sandbox/wecom/corps/{corp.corpid}/members", json={"userid": "a b", "name": "a"})
    assert bad.status_code == 422


def test_a_servicer_hands_a_session_over(client: TestClient) -> None:
    corp = make_corp(client)
    kfid = add_account(corp)
    zhang = member(client, corp, "zhangsan", "张三")
    li = member(client, corp, "lisi", "李四")
    member(client, corp, "wangwu", "王五")  # a member, not a servicer of this account
    corp.post("kf/servicer/add", {"open_kfid": kfid, "userid_list": ["zhangsan", "lisi"]})
    customer = TestClient(client.app)
    sign_up(customer, "小明")
    write(customer, kfid, "你好")
    external = sync(corp)["msg_list"][-1]["external_userid"]
    assert trans(corp, kfid, external, 3, "zhangsan") == 0
    session_id = int(zhang.get("/wecom").text.split('data-session="')[1].split('"')[0])
    page = zhang.get(f"/wecom/sessions/{session_id}").text
    assert '<option value="lisi">李四</option>' in page
    assert "wangwu" not in page  # only the account's servicers

    def hand(phone: TestClient, to: str) -> Any:
        data = {"csrf_token": csrf_token(phone, "/me"), "userid": to}
        return phone.post(f"/wecom/sessions/{session_id}/hand-over", data=data, follow_redirects=False)

    assert hand(zhang, "wangwu").headers["location"].endswith("error=invalid_input")
    assert hand(zhang, "lisi").headers["location"] == "/wecom"
    event = sync(corp)["msg_list"][-1]["event"]
    assert (event["change_type"], event["old_servicer_userid"], event["new_servicer_userid"]) == (
        2,
        "zhangsan",
        "lisi",
    )
    assert "小明" in li.get("/wecom").text
    assert "小明" not in zhang.get("/wecom").text
    assert hand(zhang, "lisi").headers["location"] == "/wecom"  # no longer his: back to the list
