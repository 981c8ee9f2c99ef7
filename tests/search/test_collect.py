"""Re-collecting from the components: a database whose events Search never saw becomes searchable."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.channels.test_feeds import as_user, channel
from tests.chats.helpers import friends, open_chat, send
from tests.identity.helpers import make_app, make_user
from tests.live.helpers import list_product, shop
from tests.search.helpers import text_post
from tests.wecom.helpers import add_account, make_corp
from yuanzi.core.runtime import Runtime
from yuanzi.search import service as search_service
from yuanzi.settings import Settings


def test_collect_finds_what_events_never_delivered(
    client: TestClient, app_runtime: Runtime, settings: Settings
) -> None:
    # No search subscribers: the events are delivered to nobody.
    user, creator_id = channel(client, "老照片")
    post_id = text_post(client, user, "胡同里的老照片 #北京", 1)
    gone = text_post(client, user, "删掉的老照片", 2)
    client.delete(f"/api/channels/posts/{gone}", headers=as_user(user))
    client.put(f"/api/channels/posts/{post_id}/like", headers=as_user(channel(client, "粉丝")[0]))
    app = make_app(client, name="照片冲印")
    merchant = client.post("/sandbox/merchants", json={"name": "老街照相馆", "appid": app["appid"]}).json()
    app_runtime.drain_events()
    index = search_service.open_index(settings)
    assert client.get("/api/search", params={"q": "老照片"}).json()["results"] == []

    assert search_service.collect(app_runtime.plain_uow) == 5  # 2 channels, 1 post, 1 app, 1 merchant
    while index.sync(app_runtime.plain_uow):
        pass
    found = client.get("/api/search", params={"q": "老照片", "explain": "true"}).json()["results"]
    assert [r["doc_id"] for r in found] == [f"creator:{creator_id}", f"post:{post_id}"]  # its exact name
    assert found[1]["factors"]["popularity"] > 1.0  # the like, from Channels' own counts
    assert [r["doc_id"] for r in client.get("/api/search", params={"q": "照相馆"}).json()["results"]] == [
        f"merchant:{merchant['mchid']}"
    ]
    assert search_service.collect(app_runtime.plain_uow) == 5  # again: replaced, not duplicated


def test_collect_finds_the_shelves_of_rooms_live_now(
    client: TestClient, app_runtime: Runtime, settings: Settings
) -> None:
    owner, _ = channel(client, "茶园")
    room_id = client.post("/api/live/rooms", json={"title": "采茶直播"}, headers=as_user(owner)).json()[
        "room_id"
    ]
    client.post(f"/api/live/rooms/{room_id}/start", headers=as_user(owner))
    product_id = list_product(client, owner, room_id, shop(client, owner, "茶叶店"), "明前龙井", 12_800)
    app_runtime.drain_events()
    # 1 channel, 1 app, 1 merchant, the live room and its product
    assert search_service.collect(app_runtime.plain_uow) == 5
    index = search_service.open_index(settings)
    while index.sync(app_runtime.plain_uow):
        pass
    found = client.get("/api/search", params={"q": "龙井"}).json()["results"]
    assert [r["doc_id"] for r in found] == [f"product:{product_id}"]


def test_collect_finds_chat_messages_for_their_members_only(
    client: TestClient, app_runtime: Runtime, settings: Settings
) -> None:
    ana, bo = friends(client, "安娜", "博文")
    stranger = make_user(client, "路人")
    chat = open_chat(client, ana, bo)
    kept = send(client, ana, chat, "周末去爬香山")["message_id"]
    recalled = send(client, bo, chat, "香山门票发错了")["message_id"]
    assert client.post(f"/api/chats/messages/{recalled}/recall", headers=as_user(bo)).status_code == 200
    app_runtime.drain_events()
    # The message not recalled, and 安娜 and 博文 as each other's contacts.
    assert search_service.collect(app_runtime.plain_uow) == 3
    index = search_service.open_index(settings)
    while index.sync(app_runtime.plain_uow):
        pass

    def found(user: int | None, scope: str) -> list[str]:
        headers = as_user(user) if user is not None else {}
        response = client.get("/api/search", params={"q": "香山", "scope": scope}, headers=headers)
        return [r["doc_id"] for r in response.json()["results"]]

    assert found(ana, "chats") == found(bo, "chats") == [f"message:{kept}"]
    assert found(stranger, "chats") == []
    assert found(ana, "all") == found(None, "all") == []


def test_collect_finds_customer_service_accounts_not_deleted(
    client: TestClient, app_runtime: Runtime, settings: Settings
) -> None:
    corp = make_corp(client, "老街照相馆")
    kept = add_account(corp, "冲印客服")
    gone = add_account(corp, "冲印售后")
    corp.post("kf/account/del", {"open_kfid": gone})
    app_runtime.drain_events()  # no search subscribers: delivered to nobody
    index = search_service.open_index(settings)
    assert search_service.collect(app_runtime.plain_uow) == 1
    while index.sync(app_runtime.plain_uow):
        pass
    found = client.get("/api/search", params={"q": "冲印"}).json()["results"]
    assert [(r["kind"], r["url"]) for r in found] == [("service", f"/kf/{kept}")]
