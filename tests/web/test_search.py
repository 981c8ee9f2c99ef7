"""The phone's search page: grouped, highlighted results, suggestions, scopes, escaping."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.channels.test_feeds import channel
from tests.search.helpers import text_post
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
