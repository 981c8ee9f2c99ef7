"""Chat messages are searchable by their conversation's members only: in the chats scope, for a
signed-in member; never in any other scope, never in suggestions or popular queries; a recall
takes the text out; an index built before readers existed is rebuilt on open."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import tantivy
from fastapi.testclient import TestClient

from tests.channels.test_feeds import as_user, channel
from tests.identity.helpers import make_user
from tests.search.helpers import SENT_AT, message, publish, text_post
from yuanzi.chats.events import MessageRecalled
from yuanzi.core.errors import InvalidInput
from yuanzi.core.runtime import Runtime
from yuanzi.search import service as search_service
from yuanzi.search.index import FIELD_BOOSTS, TantivyIndex


def found(client: TestClient, q: str, user: int | None = None, **params: Any) -> list[str]:
    headers = as_user(user) if user is not None else {}
    response = client.get("/api/search", params={"q": q, **params}, headers=headers)
    assert response.status_code == 200, response.text
    return [r["doc_id"] for r in response.json()["results"]]


def test_members_find_their_message_and_no_one_else_does(
    client: TestClient, indexed: Any, app_runtime: Runtime
) -> None:
    ana, bo, stranger = make_user(client, "安娜"), make_user(client, "博文"), make_user(client, "路人")
    poster, _ = channel(client, "银行观察")
    post_id = text_post(client, poster, "农业发展银行的新规定", 1)
    publish(app_runtime, message(1, [ana, bo], "周末去中国农业发展银行开户\n记得带身份证"))
    indexed()
    for member in (ana, bo):
        assert found(client, "农业", member, scope="chats") == ["message:1"]
        assert found(client, "展银", member, scope="chats") == ["message:1"]  # a pair jieba never cuts
    hit = client.get("/api/search", params={"q": "农业", "scope": "chats"}, headers=as_user(bo)).json()
    result = hit["results"][0]
    assert result["kind"] == "message"
    assert result["title_html"] == "周末去中国<em>农业</em>发展银行开户"  # the first line
    assert "身份证" in result["snippet_html"]
    assert (result["author"], result["url"]) == ("安娜", "/chats/7?at=1#m1")
    assert result["created_at"] == SENT_AT
    assert found(client, "农业", stranger, scope="chats") == []
    # Every other scope is public: the post, never the message, whoever searches.
    for user in (ana, stranger, None):
        for scope in search_service.SCOPES.keys() - search_service.PRIVATE_SCOPES:
            assert "message:1" not in found(client, "农业", user, scope=scope), (user, scope)
        assert found(client, "农业", user) == [f"post:{post_id}"]


def test_the_chats_scope_needs_a_signed_in_user(
    client: TestClient, indexed: Any, app_runtime: Runtime
) -> None:
    ana, bo = make_user(client, "安娜"), make_user(client, "博文")
    publish(app_runtime, message(1, [ana, bo], "明天开会"))
    indexed()
    response = client.get("/api/search", params={"q": "开会", "scope": "chats"})
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "sign_in_required"
    assert "message:1" not in response.text


def test_suggestions_and_popular_queries_never_show_private_words(
    client: TestClient, indexed: Any, app_runtime: Runtime
) -> None:
    ana, bo = make_user(client, "安娜"), make_user(client, "博文")
    publish(app_runtime, message(1, [ana, bo], "秘密计划书"))
    indexed()
    search_service.flush_popular_queries(app_runtime.plain_uow)  # what earlier tests counted
    assert found(client, "秘密计划书", ana, scope="chats") == ["message:1"]
    assert search_service.flush_popular_queries(app_runtime.plain_uow) == 0  # not counted
    for typed in ("秘", "秘密", "秘密计", "mimi", "mmjh"):  # characters, pinyin, initials
        response = client.get("/api/search/suggest", params={"q": typed}, headers=as_user(ana))
        assert response.json()["suggestions"] == [], typed


def test_a_recalled_message_leaves_the_index(client: TestClient, indexed: Any, app_runtime: Runtime) -> None:
    ana, bo = make_user(client, "安娜"), make_user(client, "博文")
    publish(app_runtime, message(1, [ana, bo], "发错了的密码"), message(2, [ana, bo], "密码是对的"))
    indexed()
    assert sorted(found(client, "密码", bo, scope="chats")) == ["message:1", "message:2"]
    publish(app_runtime, MessageRecalled(message_id=1, conversation_id=7))
    indexed()
    for member in (ana, bo):
        assert found(client, "密码", member, scope="chats") == ["message:2"]
        assert found(client, "发错", member, scope="chats") == []


def test_other_peoples_messages_do_not_crowd_mine_out(
    client: TestClient, indexed: Any, app_runtime: Runtime
) -> None:
    ana, bo, cai, dong = (make_user(client, n) for n in ("安娜", "博文", "蔡", "董"))
    # More messages between others than the 200 candidates a search ranks, each matching better
    # (shorter) or as well (ts_rank ignores length; ties go by doc_id, where message:999 is last).
    others = [message(i, [cai, dong], "开会", conversation_id=8) for i in range(1, 251)]
    mine = message(999, [ana, bo], "下周一上午九点在三楼的大会议室开会，讨论明年的预算和人手安排")
    publish(app_runtime, *others, mine)
    indexed()
    assert found(client, "开会", ana, scope="chats") == ["message:999"]
    assert len(found(client, "开会", cai, scope="chats", limit=50)) == 50


def test_a_message_is_never_written_without_its_readers(app_runtime: Runtime) -> None:
    doc = search_service.Doc(kind="message", key="1", title="无人可读")
    with app_runtime.uow() as uow, pytest.raises(InvalidInput) as refused:
        search_service.upsert(uow=uow, doc=doc)
    assert refused.value.extra == {"field": "readers"}


def _old_index(path: Path) -> None:
    """An index as yuanzi built it before documents had readers, with one document in it."""
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("doc_id", stored=True, tokenizer_name="raw")
    builder.add_text_field("kind", stored=False, tokenizer_name="raw")
    for name in FIELD_BOOSTS:
        builder.add_text_field(name, stored=False, tokenizer_name="whitespace")
    path.mkdir(parents=True)
    old = tantivy.Index(builder.build(), path=str(path))
    writer = old.writer(heap_size=15_000_000, num_threads=1)
    writer.add_document(tantivy.Document(doc_id="article:tea", kind="article", title="喝茶"))
    writer.commit()
    (path / "applied-change").write_text("1")


def test_an_index_built_before_readers_is_rebuilt_on_open(app_runtime: Runtime, tmp_path: Path) -> None:
    with app_runtime.uow() as uow:
        search_service.upsert(uow=uow, doc=search_service.Doc(kind="article", key="tea", title="喝茶的规矩"))
        search_service.upsert(
            uow=uow, doc=search_service.Doc(kind="message", key="1", title="喝茶去", readers=(5, 6))
        )
        uow.commit()
    path = tmp_path / "search"
    _old_index(path)
    index = TantivyIndex(path)
    assert index.applied() == 0  # the whole change log is applied again
    while index.sync(app_runtime.plain_uow):
        pass
    with app_runtime.read_uow() as uow:
        assert [h.doc_id for h in index.search(uow, ["喝茶"], None, 10)] == ["article:tea"]
        assert [h.doc_id for h in index.search(uow, ["喝茶"], ["message"], 10, reader="5")] == ["message:1"]
    assert TantivyIndex(path).applied() == index.applied() > 0  # current now: opened as it is
