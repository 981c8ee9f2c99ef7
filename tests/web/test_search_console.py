"""The console's search explain view: each result's ranking factors side by side, how the query
was segmented, where BM25 alone ranked it; public scopes only; not counted as popular."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from tests.channels.test_feeds import as_user, channel
from tests.chats.helpers import friends, open_chat, send
from tests.search.helpers import text_post
from yuanzi.core.runtime import Runtime
from yuanzi.search import service as search_service


def rows(html: str) -> list[str]:
    return re.findall(r'<tr data-doc-id="([^"]+)"', html)


def test_the_explain_view_shows_every_factor(client: TestClient, indexed: Any, app_runtime: Runtime) -> None:
    user, creator_id = channel(client, "视频号剪辑课")
    post_id = text_post(client, user, "视频号剪辑的三个技巧", 6)
    fan = channel(client, "粉丝")[0]
    client.put(f"/api/channels/posts/{post_id}/like", headers=as_user(fan))
    indexed()
    search_service.flush_popular_queries(app_runtime.plain_uow)  # what earlier tests counted
    page = client.get("/console/search", params={"q": "sph"})
    assert page.status_code == 200
    assert rows(page.text) == [f"creator:{creator_id}", f"post:{post_id}"]
    for factor in ("bm25", "freshness", "popularity", "social", "type", "live", "name"):
        assert f"<th>{factor}</th>" in page.text
    assert "<code>sph</code>" in page.text  # how the query was segmented
    creator_row = page.text.split(f'data-doc-id="creator:{creator_id}"')[1].split("</tr>")[0]
    assert '<td class="mono lifted">1.50</td>' in creator_row  # the name factor lifted it
    assert "搜索解释" in client.get("/console").text  # reachable from the console's bar
    # An operator's query is not counted as popular; a person's is.
    assert search_service.flush_popular_queries(app_runtime.plain_uow) == 0
    client.get("/api/search", params={"q": "sph"})
    assert search_service.flush_popular_queries(app_runtime.plain_uow) == 1


def test_chats_are_not_an_operators_to_read_and_bad_input_is_refused(
    client: TestClient, indexed: Any
) -> None:
    ana, bo = friends(client, "安娜", "博文")
    send(client, ana, open_chat(client, ana, bo), "我的银行卡密码别告诉别人")
    indexed()
    assert rows(client.get("/console/search", params={"q": "银行", "as_user": str(ana)}).text) == []
    private = client.get("/console/search", params={"q": "银行", "scope": "chats", "as_user": str(ana)})
    assert private.status_code == 422
    assert "scope must be one of" in private.text
    bad = client.get("/console/search", params={"q": "银行", "as_user": "ana"})
    assert bad.status_code == 422
    too_long = client.get("/console/search", params={"q": "长" * 101})
    assert too_long.status_code == 422
    assert 'id="explain-error"' in too_long.text
