"""Friends are contacts (联系人) in the chats search: found by name, pinyin or initials by the
user whose friend they are, by no one else and in no public scope; an ended friendship takes
them away; a contact opens the chat with them."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.channels.test_feeds import as_user
from tests.chats.helpers import friends, open_chat, send
from tests.identity.helpers import make_user
from yuanzi.search import service as search_service


def found(client: TestClient, q: str, user: int | None, **params: Any) -> list[dict[str, Any]]:
    headers = as_user(user) if user is not None else {}
    response = client.get("/api/search", params={"q": q, **params}, headers=headers)
    assert response.status_code == 200, response.text
    return list(response.json()["results"])


def test_a_friend_is_found_by_initials_in_your_chats_search_only(client: TestClient, indexed: Any) -> None:
    ming, hong = friends(client, "小明", "小红")
    stranger = make_user(client, "路人")
    indexed()
    for query in ("xh", "xiaohong", "小红"):
        hits = found(client, query, ming, scope="chats")
        assert [(h["kind"], h["title_html"].replace("<em>", "").replace("</em>", "")) for h in hits] == [
            ("contact", "小红")
        ], query
        assert hits[0]["url"] == f"/chats/with/{hong}"
    assert [h["url"] for h in found(client, "xm", hong, scope="chats")] == [f"/chats/with/{ming}"]
    assert found(client, "xh", stranger, scope="chats") == []
    for scope in search_service.SCOPES.keys() - search_service.PRIVATE_SCOPES:
        assert found(client, "小红", ming, scope=scope) == [], scope
    assert client.get("/api/search/suggest", params={"q": "xiaoh"}).json()["suggestions"] == []


def test_contacts_come_before_messages_and_leave_with_the_friendship(
    client: TestClient, indexed: Any
) -> None:
    ming, hong = friends(client, "小明", "小红")
    chat = open_chat(client, ming, hong)
    send(client, ming, chat, "小红，明天见")
    indexed()
    assert [h["kind"] for h in found(client, "小红", ming, scope="chats")] == ["contact", "message"]
    client.delete(f"/sandbox/users/{ming}/friends/{hong}")
    indexed()
    assert [h["kind"] for h in found(client, "小红", ming, scope="chats")] == ["message"]  # history stays
    assert [h["kind"] for h in found(client, "小明", hong, scope="chats")] == ["message"]  # 小明 sent it
