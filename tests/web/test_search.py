"""The phone's search page: grouped, highlighted results, suggestions, scopes (your own chats
too), escaping."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.channels.test_feeds import channel
from tests.identity.helpers import make_user
from tests.search.helpers import message, publish, text_post
from tests.web.helpers import sign_up
from yuanzi.core.runtime import Runtime
from yuanzi.search import service as search_service


def test_results_are_grouped_and_highlighted(client: TestClient, indexed: Any) -> None:
    user, creator_id = channel(client, "咖啡日记")
    post_id = text_post(client, user, "手冲咖啡的三个步骤 <script>alert(1)</script>", 1)
    indexed()
    sign_up(client, "读者")
    page = client.get("/search", params={"q": "咖啡"}).text
    assert 'id="results-post"' in page
    assert 'id="results-creator"' in page
    assert f'href="/channels/posts/{post_id}"' in page
    assert f'href="/channels/creators/{creator_id}"' in page
    assert "<em>咖啡</em>" in page
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page
    scoped = client.get("/search", params={"q": "咖啡", "scope": "miniprograms"}).text
    assert 'id="no-results"' in scoped


def test_suggestions_and_bad_input(client: TestClient, indexed: Any) -> None:
    channel(client, "视频号助手")
    indexed()
    sign_up(client, "读者")
    fragment = client.get("/search/suggest", params={"q": "sph"}).text
    assert "视频号助手" in fragment
    assert client.get("/search/suggest", params={"q": ""}).text.strip() == ""
    too_long = client.get("/search", params={"q": "长" * 101})
    assert too_long.status_code == 422
    assert 'id="search-error"' in too_long.text
    assert "Search posts, channels" in client.get("/search").text
    client.cookies.clear()
    assert client.get("/search", params={"q": "x"}, follow_redirects=False).status_code == 303


def test_the_chats_scope_finds_my_messages_without_suggestions(
    client: TestClient, indexed: Any, app_runtime: Runtime
) -> None:
    me = sign_up(client, "安娜")
    friend, stranger = make_user(client, "博文"), make_user(client, "路人")
    publish(app_runtime, message(1, [me, friend], "周末去爬香山"), message(2, [friend, stranger], "香山红叶"))
    indexed()
    page = client.get("/search", params={"q": "香山", "scope": "chats"}).text
    assert 'id="results-message"' in page
    assert "聊天记录 Chat history" in page
    assert 'href="/chats/7?at=1#m1"' in page
    assert "<em>香山</em>" in page
    assert 'data-doc-id="message:2"' not in page  # not my chat
    assert 'placeholder="搜索聊天记录' in page
    assert 'hx-get="/search/suggest"' not in page  # no suggestions from public text here
    assert 'href="/" class="tab active" aria-current="page"' in page  # the Chats tab
    assert 'href="/search?q=%E9%A6%99%E5%B1%B1&scope=all"' in page  # the same tab strip
    everywhere = client.get("/search", params={"q": "香山"}).text
    assert 'id="results-message"' not in everywhere
    assert 'id="no-results"' in everywhere
    assert 'id="chats-hint"' in client.get("/search", params={"scope": "chats"}).text


def test_an_imported_article_opens_from_its_result(client: TestClient, app_runtime: Runtime) -> None:
    with app_runtime.uow() as uow:
        search_service.upsert(
            uow=uow,
            doc=search_service.Doc(
                kind="article",
                key="notes/tea",
                title="喝茶的规矩",
                body="先温杯，再投茶。<b>不是标签</b>",
                author="小林",
                url="/search/articles/notes/tea",
            ),
        )
        uow.commit()
    sign_up(client, "读者")
    page = client.get("/search/articles/notes/tea")
    assert page.status_code == 200
    assert "喝茶的规矩" in page.text
    assert "&lt;b&gt;不是标签&lt;/b&gt;" in page.text
    assert client.get("/search/articles/nope").status_code == 404
