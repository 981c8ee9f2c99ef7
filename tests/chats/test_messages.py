"""Chats through the API: only friends chat, one direct chat per pair, messages in order and
never duplicated, sync by id, read marks and unread counts, recall within two minutes, and bad
input refused without changing anything."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from tests.chats.helpers import as_user, friends, open_chat, send, texts
from tests.identity.helpers import make_user
from yuanzi.core.events import OutboxEvent


def test_friends_chat_and_each_sees_the_same_conversation(client: TestClient) -> None:
    ana, bo = friends(client, "安娜", "博文")
    created = client.post("/api/chats", json={"user_id": bo}, headers=as_user(ana))
    assert created.status_code == 201, created.text
    chat = created.json()["conversation_id"]
    again = client.post("/api/chats", json={"user_id": ana}, headers=as_user(bo))
    assert (again.status_code, again.json()["conversation_id"]) == (200, chat)  # one chat per pair
    assert again.json()["other"] == {"user_id": ana, "nickname": "安娜"}
    first = send(client, ana, chat, "晚上一起吃火锅吗？")
    second = send(client, bo, chat, "好啊，七点见")
    assert (first["sender_name"], second["sender_name"]) == ("安娜", "博文")
    assert second["message_id"] > first["message_id"]
    assert texts(client, ana, chat) == texts(client, bo, chat) == ["晚上一起吃火锅吗？", "好啊，七点见"]
    assert texts(client, ana, chat, since=first["seq"]) == ["好啊，七点见"]  # sync
    assert texts(client, ana, chat, before=second["message_id"]) == ["晚上一起吃火锅吗？"]
    assert texts(client, ana, chat, limit=1) == ["好啊，七点见"]  # the latest


def test_only_friends_chat_and_strangers_see_nothing(client: TestClient) -> None:
    ana, bo = friends(client, "安娜", "博文")
    stranger = make_user(client, "路人")
    refused = client.post("/api/chats", json={"user_id": stranger}, headers=as_user(ana))
    assert (refused.status_code, refused.json()["code"]) == (403, "not_friends")
    chat = open_chat(client, ana, bo)
    for response in (
        client.get(f"/api/chats/{chat}", headers=as_user(stranger)),
        client.get(f"/api/chats/{chat}/messages", headers=as_user(stranger)),
        client.post(f"/api/chats/{chat}/messages", json={"text": "hi"}, headers=as_user(stranger)),
    ):
        assert (response.status_code, response.json()["code"]) == (404, "conversation_not_found")
    assert client.get("/api/chats", headers=as_user(stranger)).json()["conversations"] == []
    client.request("DELETE", f"/sandbox/users/{ana}/friends/{bo}")
    assert client.get(f"/sandbox/users/{ana}/friends").json()["friends"] == []
    # Deleted by the friend: the message is refused (消息已发出，但被对方拒收了), nothing is stored.
    after = client.post(f"/api/chats/{chat}/messages", json={"text": "在吗"}, headers=as_user(ana))
    assert (after.status_code, after.json()["code"]) == (403, "not_friends")
    assert texts(client, ana, chat) == []


def test_a_retried_send_is_not_sent_twice(client: TestClient) -> None:
    ana, bo = friends(client, "安娜", "博文")
    chat = open_chat(client, ana, bo)
    first = client.post(
        f"/api/chats/{chat}/messages",
        json={"text": "转账收到了", "client_msg_id": "m-1"},
        headers=as_user(ana),
    )
    retry = client.post(
        f"/api/chats/{chat}/messages",
        json={"text": "转账收到了", "client_msg_id": "m-1"},
        headers=as_user(ana),
    )
    assert (first.status_code, retry.status_code) == (201, 200)
    assert retry.json()["message_id"] == first.json()["message_id"]
    reused = client.post(
        f"/api/chats/{chat}/messages", json={"text": "别的话", "client_msg_id": "m-1"}, headers=as_user(ana)
    )
    assert (reused.status_code, reused.json()["code"]) == (409, "client_msg_id_reused")
    assert texts(client, bo, chat) == ["转账收到了"]


def test_unread_counts_follow_read_marks(client: TestClient) -> None:
    ana, bo, cai = friends(client, "安娜", "博文", "彩云")
    with_bo, with_cai = open_chat(client, ana, bo), open_chat(client, ana, cai)
    send(client, bo, with_bo, "一")
    second = send(client, bo, with_bo, "二")
    send(client, ana, with_bo, "我自己的不算未读")
    send(client, cai, with_cai, "最近的聊天排在最前")
    listed = client.get("/api/chats", headers=as_user(ana)).json()
    assert [c["conversation_id"] for c in listed["conversations"]] == [with_cai, with_bo]
    assert [c["unread"] for c in listed["conversations"]] == [1, 2]
    assert listed["unread"] == 3
    assert listed["conversations"][0]["last_message"]["text"] == "最近的聊天排在最前"
    read = client.post(
        f"/api/chats/{with_bo}/read", json={"message_id": second["message_id"]}, headers=as_user(ana)
    )
    assert read.json() == {"last_read_id": second["message_id"], "unread": 0}
    backwards = client.post(f"/api/chats/{with_bo}/read", json={"message_id": 0}, headers=as_user(ana))
    assert backwards.json()["last_read_id"] == second["message_id"]  # never goes back
    past_the_end = client.post(f"/api/chats/{with_bo}/read", json={"message_id": 10**9}, headers=as_user(ana))
    assert past_the_end.json()["last_read_id"] < 10**9
    assert client.get("/api/chats", headers=as_user(ana)).json()["unread"] == 1
    assert client.get("/api/chats", headers=as_user(bo)).json()["unread"] == 1  # 安娜's message


def test_recall_within_two_minutes(client: TestClient) -> None:
    ana, bo = friends(client, "安娜", "博文")
    chat = open_chat(client, ana, bo)
    message = send(client, ana, chat, "发错了")
    not_mine = client.post(f"/api/chats/messages/{message['message_id']}/recall", headers=as_user(bo))
    assert (not_mine.status_code, not_mine.json()["code"]) == (403, "not_sender")
    recalled = client.post(f"/api/chats/messages/{message['message_id']}/recall", headers=as_user(ana))
    assert recalled.status_code == 200
    assert (recalled.json()["recalled"], recalled.json()["text"]) == (True, "")
    assert texts(client, bo, chat) == [""]
    retried = client.post(
        f"/api/chats/{chat}/messages",
        json={"text": "发错了", "client_msg_id": message["client_msg_id"]},
        headers=as_user(ana),
    )
    assert (retried.status_code, retried.json()["recalled"]) == (200, True)  # a late retry resends nothing
    synced = client.get(f"/api/chats/{chat}/messages", params={"since": message["seq"]}, headers=as_user(bo))
    assert [(m["message_id"], m["recalled"]) for m in synced.json()["messages"]] == [
        (message["message_id"], True)
    ]
    assert client.get("/api/chats", headers=as_user(bo)).json()["unread"] == 0
    late = send(client, ana, chat, "这条留着")
    client.post("/sandbox/clock/advance", json={"seconds": 121})
    too_late = client.post(f"/api/chats/messages/{late['message_id']}/recall", headers=as_user(ana))
    assert (too_late.status_code, too_late.json()["code"]) == (409, "recall_window_passed")
    assert texts(client, bo, chat) == ["", "这条留着"]


def test_bad_input_is_refused_and_changes_nothing(client: TestClient) -> None:
    ana, bo = friends(client, "安娜", "博文")
    chat = open_chat(client, ana, bo)
    for body, field in (
        ({"text": "   "}, "text"),
        ({"text": "长" * 2001}, "text"),
        ({"text": "hi", "client_msg_id": "has space"}, "client_msg_id"),
        ({"text": 5}, "text"),
    ):
        response = client.post(f"/api/chats/{chat}/messages", json=body, headers=as_user(ana))
        assert response.status_code == 422, body
        assert response.json()["code"] == "invalid_input", body
        assert field in response.text, body
    myself = client.post("/api/chats", json={"user_id": ana}, headers=as_user(ana))
    assert (myself.status_code, myself.json()["code"]) == (422, "invalid_input")
    nobody = client.post("/api/chats", json={"user_id": 10**9}, headers=as_user(ana))
    assert (nobody.status_code, nobody.json()["code"]) == (404, "user_not_found")
    unsigned = client.get("/api/chats")
    assert (unsigned.status_code, unsigned.json()["code"]) == (401, "sign_in_required")
    both = client.get(f"/api/chats/{chat}/messages", params={"since": 1, "before": 2}, headers=as_user(ana))
    assert both.status_code == 422
    assert texts(client, ana, chat) == []


def test_each_message_is_announced_once_to_its_members(client: TestClient, engine: Engine) -> None:
    ana, bo, cai = friends(client, "安娜", "博文", "彩云")
    chat = open_chat(client, ana, bo)
    message = send(client, ana, chat, "周末去爬山", client_msg_id="hike")
    send(client, ana, chat, "周末去爬山", client_msg_id="hike")  # a retry announces nothing
    client.post(f"/api/chats/messages/{message['message_id']}/recall", headers=as_user(ana))
    with engine.connect() as conn:
        published = [
            (topic, payload)
            for topic, payload in conn.execute(
                select(OutboxEvent.topic, OutboxEvent.payload).where(OutboxEvent.topic.like("chats.%"))
            )
        ]
    assert [topic for topic, _ in published] == ["chats.message.sent", "chats.message.recalled"]
    sent = published[0][1]
    assert (sent["text"], sent["member_ids"], sent["sender_name"]) == (
        "周末去爬山",
        sorted([ana, bo]),
        "安娜",
    )
    assert cai not in sent["member_ids"]
