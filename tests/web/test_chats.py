"""The phone's chats: the Chats tab lists chats with unread counts and the friends to message,
a chat page shows the conversation, and its fetches send, sync, mark read and recall."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.chats.helpers import open_chat, send
from tests.identity.helpers import make_user
from tests.web.helpers import csrf_token, sign_up


def test_the_chats_tab_lists_chats_and_friends_to_message(client: TestClient) -> None:
    me = sign_up(client, "小明")
    empty = client.get("/").text
    assert "暂无聊天" in empty
    assert 'action="/search"' in empty
    assert 'value="chats"' in empty
    hong, gang = make_user(client, "小红"), make_user(client, "小刚")
    for friend in (hong, gang):
        client.post(f"/sandbox/users/{me}/friends", json={"user_id": friend})
    chat = open_chat(client, hong, me)
    send(client, hong, chat, "明天<b>开会</b>吗？")
    tab = client.get("/").text
    assert f'href="/chats/{chat}"' in tab
    assert "明天&lt;b&gt;开会&lt;/b&gt;吗？" in tab  # shown as text
    assert 'aria-label="1 unread"' in tab
    assert '<time class="muted" datetime="' in tab  # when the latest message came
    assert 'id="chat-friends"' in tab
    assert "小刚" in tab
    opened = client.post(
        "/chats", data={"user_id": str(gang), "csrf_token": csrf_token(client, "/")}, follow_redirects=False
    )
    assert opened.status_code == 303
    assert opened.headers["location"].startswith("/chats/")
    stranger = make_user(client, "路人")
    refused = client.post("/chats", data={"user_id": str(stranger), "csrf_token": csrf_token(client, "/me")})
    assert refused.status_code == 403
    assert "not your friend" in refused.text


def test_a_chat_page_sends_syncs_marks_read_and_recalls(client: TestClient) -> None:
    me = sign_up(client, "小明")
    hong = make_user(client, "小红")
    client.post(f"/sandbox/users/{me}/friends", json={"user_id": hong})
    chat = open_chat(client, hong, me)
    first = send(client, hong, chat, "在吗")
    page = client.get(f"/chats/{chat}").text
    assert f'data-chat="{chat}"' in page
    assert f'data-seq="{first["seq"]}"' in page
    assert 'class="bubble theirs"' in page
    assert "在吗" in page
    headers = {"X-CSRF-Token": csrf_token(client, "/me")}
    sent = client.post(
        f"/chats/{chat}/messages", json={"text": "在的", "client_msg_id": "web-1"}, headers=headers
    )
    again = client.post(
        f"/chats/{chat}/messages", json={"text": "在的", "client_msg_id": "web-1"}, headers=headers
    )
    assert sent.status_code == again.status_code == 200
    assert sent.json()["message_id"] == again.json()["message_id"]
    assert sent.json()["mine"] is True
    changes = client.get(f"/chats/{chat}/changes", params={"since": first["seq"]}).json()["messages"]
    assert [(m["text"], m["mine"]) for m in changes] == [("在的", True)]
    read = client.post(f"/chats/{chat}/read", json={"message_id": sent.json()["message_id"]}, headers=headers)
    assert read.json() == {"last_read_id": sent.json()["message_id"]}
    assert 'aria-label="1 unread"' not in client.get("/").text
    recalled = client.post(f"/chats/messages/{sent.json()['message_id']}/recall", json={}, headers=headers)
    assert recalled.json()["recalled"] is True
    assert "你撤回了一条消息" in client.get(f"/chats/{chat}").text
    theirs = client.post(f"/chats/messages/{first['message_id']}/recall", json={}, headers=headers)
    assert (theirs.status_code, theirs.json()["code"]) == (403, "not_sender")
    assert client.post(f"/chats/{chat}/messages", json={"text": "   "}, headers=headers).status_code == 422
    assert client.post(f"/chats/{chat}/messages", json={"text": "no token"}).status_code == 400
    assert client.get("/chats/999").status_code == 404
    assert client.get("/chats/999/changes").json()["code"] == "conversation_not_found"


def test_a_contact_opens_the_chat_or_offers_to_start_one(client: TestClient) -> None:
    me = sign_up(client, "小明")
    hong, gang, stranger = make_user(client, "小红"), make_user(client, "小刚"), make_user(client, "路人")
    for friend in (hong, gang):
        client.post(f"/sandbox/users/{me}/friends", json={"user_id": friend})
    chat = open_chat(client, hong, me)
    existing = client.get(f"/chats/with/{hong}", follow_redirects=False)
    assert (existing.status_code, existing.headers["location"]) == (303, f"/chats/{chat}")
    offer = client.get(f"/chats/with/{gang}")
    assert offer.status_code == 200
    assert "小刚" in offer.text
    assert f'name="user_id" value="{gang}"' in offer.text
    assert client.get(f"/chats/with/{stranger}").status_code == 404  # not a friend: no contact


def test_the_tab_bar_badge_counts_unread_messages(client: TestClient) -> None:
    assert client.get("/chats/unread").status_code == 401
    me = sign_up(client, "小明")
    hong = make_user(client, "小红")
    client.post(f"/sandbox/users/{me}/friends", json={"user_id": hong})
    chat = open_chat(client, hong, me)
    assert client.get("/chats/unread").json() == {"unread": 0}
    send(client, hong, chat, "一")
    send(client, hong, chat, "二")
    assert client.get("/chats/unread").json() == {"unread": 2}
    assert 'id="chats-badge"' in client.get("/discover").text  # every screen with the tab bar


def test_scrolled_back_a_chat_shows_history_without_the_send_box(client: TestClient) -> None:
    me = sign_up(client, "小明")
    hong = make_user(client, "小红")
    client.post(f"/sandbox/users/{me}/friends", json={"user_id": hong})
    chat = open_chat(client, hong, me)
    sent = [send(client, hong, chat, f"第{i}条") for i in range(55)]
    latest = client.get(f"/chats/{chat}").text
    assert 'id="chat-send"' in latest
    assert f'href="/chats/{chat}?before={sent[5]["message_id"]}"' in latest  # earlier than the 50 shown
    at = client.get(f"/chats/{chat}", params={"at": sent[2]["message_id"]}).text
    assert [f'id="m{m["message_id"]}"' in at for m in sent[:4]] == [True, True, True, False]
    assert 'id="chat-send"' not in at
    assert 'id="chat-latest"' in at
    assert "data-history" in at
