"""The phone's customer-service screens: the conversation, its place in the Chats tab with an
unread count, the tab bar's badge, and read marks."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.web.helpers import csrf_token, sign_up
from tests.wecom.helpers import add_account, make_corp
from tests.wecom.test_kf_conversations import reply, sync, write


def test_a_conversation_joins_the_chat_list_and_its_answers_count_as_unread(client: TestClient) -> None:
    corp = make_corp(client, "原子商城")
    kfid = add_account(corp, "售后服务")
    ming = TestClient(client.app)
    sign_up(ming, "小明")
    assert f'href="/kf/{kfid}"' not in ming.get("/").text  # nothing said yet: not in the list
    write(ming, kfid, "我的订单还没发货")
    chats = ming.get("/").text
    assert f'href="/kf/{kfid}"' in chats
    assert "我的订单还没发货" in chats
    assert ming.get("/chats/unread").json() == {"unread": 0}

    external = sync(corp)["msg_list"][0]["external_userid"]
    reply(corp, kfid, external, "您好，马上查询")
    reply(corp, kfid, external, "已发货")
    assert ming.get("/chats/unread").json() == {"unread": 2}
    assert 'aria-label="2 unread"' in ming.get("/").text
    assert "已发货" in ming.get("/").text

    latest = ming.get(f"/kf/{kfid}/changes", params={"since": 0}).json()["messages"][-1]
    headers = {"X-CSRF-Token": csrf_token(ming, "/me")}
    assert (
        ming.post(f"/kf/{kfid}/read", json={"message_id": latest["message_id"]}, headers=headers).status_code
        == 200
    )
    assert ming.get("/chats/unread").json() == {"unread": 0}
    assert ming.post(f"/kf/{kfid}/read", json={"message_id": "x"}, headers=headers).status_code == 422
    assert ming.post(f"/kf/{kfid}/read", json={"message_id": 10**9}, headers=headers).status_code == 404

    hong = TestClient(client.app)
    sign_up(hong, "小红")
    assert (
        hong.post(
            f"/kf/{kfid}/read",
            json={"message_id": latest["message_id"]},
            headers={"X-CSRF-Token": csrf_token(hong, "/me")},
        ).status_code
        == 404
    )  # not hers
    assert f'href="/kf/{kfid}"' not in hong.get("/").text

    corp.post("kf/account/del", {"open_kfid": kfid})
    assert f'href="/kf/{kfid}"' not in ming.get("/").text  # a deleted account leaves the list


def test_the_conversation_page(client: TestClient) -> None:
    corp = make_corp(client, "原子商城")
    kfid = add_account(corp, "售后服务")
    ming = TestClient(client.app)
    sign_up(ming, "小明")
    page = ming.get(f"/kf/{kfid}")
    assert page.status_code == 200
    assert f'data-chat-url="/kf/{kfid}"' in page.text
    assert "向售后服务发消息咨询" in page.text  # an empty conversation invites the first message
    assert 'src="/kf/' in page.text
    assert ming.get(f"/kf/{kfid}?scene=bad scene!").status_code == 200  # a mangled link still opens
    assert sync(corp)["msg_list"] == []  # …and tells the corp nothing
    assert ming.get("/kf/wk-no-such-account").status_code == 404
