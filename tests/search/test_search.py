"""Search through the API: what Channels and identity publish becomes searchable by sub-words,
pinyin and initials, ranked, scoped, paged, suggested; deletions leave; bad input is refused."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.channels.test_feeds import as_user, channel
from tests.identity.helpers import make_app, make_user
from tests.live.helpers import list_product, shop
from tests.search.helpers import text_post
from yuanzi.core.events import Subscribers
from yuanzi.core.runtime import Runtime
from yuanzi.live import service as live_service
from yuanzi.search import service as search_service


def search(client: TestClient, q: str, **params: Any) -> dict[str, Any]:
    response = client.get("/api/search", params={"q": q, **params})
    assert response.status_code == 200, response.text
    return dict(response.json())


def ids(found: dict[str, Any]) -> list[str]:
    return [r["doc_id"] for r in found["results"]]


def test_a_post_is_found_by_a_two_character_sub_word(client: TestClient, indexed: Any) -> None:
    user, _ = channel(client, "银行观察")
    bank = text_post(client, user, "今天去了中国农业发展银行办事", 1)
    other = text_post(client, user, "安装简单的书架", 2)
    indexed()
    assert ids(search(client, "农业")) == [f"post:{bank}"]
    assert ids(search(client, "简单")) == [f"post:{other}"]
    assert ids(search(client, "展银")) == [f"post:{bank}"]  # a pair jieba never cuts out
    assert ids(search(client, "農業")) == [f"post:{bank}"]  # traditional characters
    hit = search(client, "农业")["results"][0]
    assert "<em>农业</em>" in hit["title_html"]
    assert hit["snippet_html"] == ""  # the whole text is the title: nothing to repeat
    assert hit["url"] == f"/channels/posts/{bank}"
    assert hit["author"] == "银行观察"


def test_a_creator_is_found_by_pinyin_and_initials(client: TestClient, indexed: Any) -> None:
    _, creator_id = channel(client, "伟哥做饭")
    channel(client, "娜娜去旅行")
    indexed()
    for query in ("wgzf", "weigezuofan", "wei ge", "伟哥", "WGZF"):
        assert f"creator:{creator_id}" in ids(search(client, query)), query
    assert ids(search(client, "wgzf", scope="miniprograms")) == []
    named = search(client, "wgzf", explain="true")["results"][0]
    assert (named["doc_id"], named["factors"]["name"]) == (f"creator:{creator_id}", 2.0)
    assert search(client, "伟哥", explain="true")["results"][0]["factors"]["name"] == 1.5  # its start


def test_a_channel_named_by_the_start_of_its_name_outranks_its_popular_posts(
    client: TestClient, indexed: Any
) -> None:
    user, creator_id = channel(client, "视频号剪辑课")
    post_id = text_post(client, user, "视频号剪辑的三个技巧", 6)
    fans = [channel(client, f"粉丝{i}")[0] for i in range(3)]
    for fan in fans:
        client.put(f"/api/channels/posts/{post_id}/like", headers=as_user(fan))
    indexed()
    for query in ("sph", "shipinhao", "视频号"):
        found = search(client, query, explain="true")["results"]
        assert [r["doc_id"] for r in found] == [f"creator:{creator_id}", f"post:{post_id}"], query
        assert [r["factors"]["name"] for r in found] == [1.5, 1.0], query  # posts are not named
        assert found[0]["factors"]["freshness"] == 1.5  # a channel does not go stale


def test_mini_programs_and_scopes(client: TestClient, indexed: Any) -> None:
    app = make_app(client, name="咖啡点单")
    make_app(client, type="official", name="咖啡新闻")  # not a mini program: not indexed
    user, _ = channel(client, "咖啡日记")
    post_id = text_post(client, user, "手冲咖啡的三个步骤", 3)
    indexed()
    everything = search(client, "咖啡")
    assert set(ids(everything)) >= {f"miniprogram:{app['appid']}", f"post:{post_id}"}
    assert all(r["kind"] != "official" for r in everything["results"])
    assert ids(search(client, "咖啡", scope="miniprograms")) == [f"miniprogram:{app['appid']}"]
    assert f"miniprogram:{app['appid']}" not in ids(search(client, "咖啡", scope="channels"))


def test_merchants_are_found_by_name_and_pinyin(client: TestClient, indexed: Any) -> None:
    app = make_app(client, name="咖啡点单")
    created = client.post("/sandbox/merchants", json={"name": "街角咖啡馆", "appid": app["appid"]})
    assert created.status_code == 201, created.text
    indexed()
    mchid = created.json()["mchid"]
    for query in ("街角", "咖啡馆", "jjkfg"):
        assert f"merchant:{mchid}" in ids(search(client, query)), query
    hit = next(r for r in search(client, "街角")["results"] if r["kind"] == "merchant")
    assert hit["url"] == f"/discover#mp-{app['appid']}"


def test_deleted_posts_leave_and_popular_posts_rank_higher(client: TestClient, indexed: Any) -> None:
    user, _ = channel(client, "猫咪频道")
    first = text_post(client, user, "橘猫的午睡", 4)
    second = text_post(client, user, "橘猫的早餐", 5)
    fan = channel(client, "粉丝")[0]
    client.put(f"/api/channels/posts/{first}/like", headers=as_user(fan))
    client.put(f"/api/channels/posts/{first}/recommend", headers=as_user(fan))
    indexed()
    found = search(client, "橘猫", explain="true")
    assert ids(found)[:2] == [f"post:{first}", f"post:{second}"]
    factors = found["results"][0]["factors"]
    assert set(factors) == {"bm25", "freshness", "popularity", "social", "type", "live", "name"}
    assert factors["popularity"] > found["results"][1]["factors"]["popularity"]
    client.delete(f"/api/channels/posts/{first}", headers=as_user(user))
    indexed()
    assert ids(search(client, "橘猫")) == [f"post:{second}"]


def test_what_friends_liked_ranks_higher_for_me(client: TestClient, indexed: Any) -> None:
    author, _ = channel(client, "面包房")
    plain = text_post(client, author, "全麦面包的做法", 40)
    liked = text_post(client, author, "全麦面包配果酱", 41)
    me, friend = make_user(client, "我"), make_user(client, "朋友")
    client.post(f"/sandbox/users/{me}/friends", json={"user_id": friend})
    client.put(f"/api/channels/posts/{liked}/like", headers=as_user(friend))
    client.put(f"/api/channels/posts/{plain}/like", headers=as_user(author))
    client.put(f"/api/channels/posts/{plain}/recommend", headers=as_user(author))
    indexed()
    mine = client.get("/api/search", params={"q": "全麦面包", "explain": "true"}, headers=as_user(me)).json()
    assert ids(mine)[:2] == [f"post:{liked}", f"post:{plain}"]
    assert mine["results"][0]["factors"]["social"] == 1.3
    anyone = search(client, "全麦面包", explain="true")
    assert ids(anyone)[:2] == [f"post:{plain}", f"post:{liked}"]  # more popular, no friends known
    assert anyone["results"][0]["factors"]["social"] == 1.0


def test_pages_follow_the_cursor(client: TestClient, indexed: Any) -> None:
    user, _ = channel(client, "翻页")
    posted = {f"post:{text_post(client, user, f'分页测试 第{i}条', 10 + i)}" for i in range(5)}
    indexed()
    first = search(client, "分页", limit=3)
    rest = search(client, "分页", limit=3, cursor=first["next_cursor"])
    assert rest["next_cursor"] is None
    assert set(ids(first)) | set(ids(rest)) == posted
    assert not set(ids(first)) & set(ids(rest))


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"q": ""}, "q"),
        ({"q": "   "}, "q"),
        ({"q": "长" * 101}, "q"),
        ({"q": "咖啡", "scope": "wecom"}, "scope"),
        ({"q": "咖啡", "cursor": "abc"}, "cursor"),
        ({"q": "咖啡", "limit": 0}, "limit"),
    ],
)
def test_bad_queries_are_refused_clearly(client: TestClient, params: dict[str, Any], field: str) -> None:
    response = client.get("/api/search", params=params)
    assert response.status_code == 422
    assert response.json()["field"] == field


def test_syntax_characters_and_emoji_are_just_text(client: TestClient, indexed: Any) -> None:
    user, _ = channel(client, "符号")
    post_id = text_post(client, user, "C++ 入门 (第一课) 😀", 20)
    indexed()
    for query in ('title:"x" AND', "(*)", "😀", "入门 OR", "c++"):
        response = client.get("/api/search", params={"q": query})
        assert response.status_code == 200, query
    assert ids(search(client, "入门 (第一课)")) == [f"post:{post_id}"]


def test_suggestions_complete_characters_and_pinyin(client: TestClient, indexed: Any) -> None:
    channel(client, "视频号助手")
    user, _ = channel(client, "旅行家")
    text_post(client, user, "视频剪辑入门", 30)
    indexed()
    typed = client.get("/api/search/suggest", params={"q": "视频"}).json()["suggestions"]
    assert "视频号助手" in typed
    assert "视频剪辑入门" in typed
    assert "视频号助手" in client.get("/api/search/suggest", params={"q": "sph"}).json()["suggestions"]
    assert "旅行家" in client.get("/api/search/suggest", params={"q": "lvx"}).json()["suggestions"]
    assert client.get("/api/search/suggest", params={"q": ""}).json()["suggestions"] == []


def test_popular_past_queries_are_suggested_first(
    client: TestClient, indexed: Any, app_runtime: Runtime
) -> None:
    user, _ = channel(client, "豆子铺")
    text_post(client, user, "拿铁咖啡豆 烘焙日记", 50)
    text_post(client, user, "拿铁咖啡豆 拼配", 51)
    indexed()
    search_service.flush_popular_queries(app_runtime.plain_uow)  # what earlier tests counted
    for _ in range(3):
        search(client, "拿铁咖啡豆 拼配")
    search(client, "拿铁咖啡豆 烘焙")
    search(client, "拿铁咖啡豆 不存在的词")  # found nothing: not counted
    assert search_service.flush_popular_queries(app_runtime.plain_uow) == 2
    typed = client.get("/api/search/suggest", params={"q": "拿铁咖"}).json()["suggestions"]
    assert typed[:2] == ["拿铁咖啡豆 拼配", "拿铁咖啡豆 烘焙"]
    assert "拿铁咖啡豆 烘焙日记" in typed
    assert search_service.flush_popular_queries(app_runtime.plain_uow) == 0


def test_a_room_live_now_ranks_up_and_drops_when_it_ends(client: TestClient, indexed: Any) -> None:
    owner, _ = channel(client, "夜市主播")
    earlier = text_post(client, owner, "夜市小吃合集", 60)
    room = client.post("/api/live/rooms", json={"title": "夜市小吃直播"}, headers=as_user(owner)).json()
    indexed()
    scheduled = search(client, "夜市小吃", explain="true")
    assert f"live:{room['room_id']}" in ids(scheduled)
    client.post(f"/api/live/rooms/{room['room_id']}/start", headers=as_user(owner))
    indexed()
    live = search(client, "夜市小吃", explain="true")["results"][0]
    assert (live["doc_id"], live["live"], live["factors"]["live"]) == (f"live:{room['room_id']}", True, 2.0)
    assert live["url"] == f"/live/{room['room_id']}?from=search"
    client.post(f"/api/live/rooms/{room['room_id']}/end", headers=as_user(owner))
    indexed()
    ended = {r["doc_id"]: r for r in search(client, "夜市小吃", explain="true")["results"]}
    assert ended[f"live:{room['room_id']}"]["factors"]["live"] == 1.0
    assert f"post:{earlier}" in ended


def test_a_shelf_product_is_found_by_name_and_seller_sales_lift_it_and_it_leaves_with_its_room(
    client: TestClient, indexed: Any, subscribers: Subscribers
) -> None:
    live_service.subscribe(subscribers)  # paid orders reach the shelf, and the shelf tells Search
    owner, _ = channel(client, "果园直供")
    room_id = client.post("/api/live/rooms", json={"title": "果园直播"}, headers=as_user(owner)).json()[
        "room_id"
    ]
    client.post(f"/api/live/rooms/{room_id}/start", headers=as_user(owner))
    product_id = list_product(client, owner, room_id, shop(client, owner, "果园店"), "赣南脐橙礼盒", 6_800)
    indexed()
    found = search(client, "脐橙", explain="true")["results"]
    product = next(r for r in found if r["doc_id"] == f"product:{product_id}")
    assert (product["url"], product["author"]) == (f"/live/{room_id}?from=search", "果园直供")
    assert f"product:{product_id}" in ids(search(client, "果园直供"))  # by its seller
    before = product["factors"]["popularity"]
    buyer = make_user(client, "爱吃橙子")
    client.post(f"/sandbox/users/{buyer}/wallet/topup", json={"amount": 10_000})
    order = client.post(f"/api/live/rooms/{room_id}/products/{product_id}/buy", headers=as_user(buyer)).json()
    client.post(f"/sandbox/users/{buyer}/pay", json={"prepay_id": order["prepay_id"]})
    indexed()  # PaymentSucceeded → the shelf → ProductSold → Search
    after = next(
        r for r in search(client, "脐橙", explain="true")["results"] if r["doc_id"] == product["doc_id"]
    )
    assert after["factors"]["popularity"] > before
    client.post(f"/api/live/rooms/{room_id}/end", headers=as_user(owner))
    indexed()
    assert f"product:{product_id}" not in ids(search(client, "脐橙"))  # it can no longer be bought


def test_a_mini_program_is_found_by_its_service_keywords_and_description(
    client: TestClient, indexed: Any
) -> None:
    app = client.post(
        "/sandbox/apps",
        json={
            "type": "miniprogram",
            "name": "街角小铺",
            "description": "社区生鲜，半小时送到家",
            "keywords": ["买菜"],
        },
    ).json()
    indexed()
    doc = f"miniprogram:{app['appid']}"
    assert doc in ids(search(client, "买菜"))  # a service keyword
    assert doc in ids(search(client, "生鲜"))  # a word of its description
    client.put(
        f"/sandbox/apps/{app['appid']}/profile", json={"description": "社区生鲜", "keywords": ["水果"]}
    )
    indexed()
    assert doc in ids(search(client, "水果"))
    assert doc not in ids(search(client, "买菜"))  # the old keyword is gone


def test_a_renamed_channel_is_found_by_its_new_name_and_its_posts_follow(
    client: TestClient, indexed: Any
) -> None:
    user, creator_id = channel(client, "伟哥做饭")
    post_id = text_post(client, user, "番茄炒蛋的做法", 8)
    indexed()
    client.put(
        f"/api/channels/creators/{creator_id}",
        json={"name": "老王厨房", "bio": "川菜"},
        headers=as_user(user),
    )
    indexed()
    assert ids(search(client, "lwcf")) == [
        f"creator:{creator_id}",
        f"post:{post_id}",
    ]  # the posts' author too
    assert ids(search(client, "wgzf")) == []  # the old name leads nowhere
    assert [r["author"] for r in search(client, "番茄")["results"]] == ["老王厨房"]
    assert ids(search(client, "川菜")) == [f"creator:{creator_id}"]  # the new bio
