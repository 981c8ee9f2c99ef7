"""What the other components publish, turned into searchable documents. Search reads only their
events, never their tables; each handler runs once per event (core.events delivery rows)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from yuanzi.channels.events import (
    CreatorCreated,
    CreatorProfileChanged,
    PostDeleted,
    PostPublished,
    PostReacted,
    ViewRecorded,
)
from yuanzi.chats.events import MessageRecalled, MessageSent
from yuanzi.core.events import Event, Subscribers
from yuanzi.core.uow import UnitOfWork
from yuanzi.identity.events import AppCreated, AppProfileChanged, FriendAdded, FriendRemoved
from yuanzi.live.events import ProductListed, ProductSold, RoomCreated, RoomEnded, RoomStarted
from yuanzi.pay.events import MerchantCreated
from yuanzi.search import documents, text
from yuanzi.search.documents import Doc
from yuanzi.wecom.events import KfAccountChanged, KfAccountCreated, KfAccountDeleted

TITLE_CHARS = 40
LIKE_WEIGHT, RECOMMEND_WEIGHT, VIEW_WEIGHT = 1.0, 2.0, 0.1
SALE_WEIGHT = 3.0  # a purchase says more than a like


def post_title(body: str) -> str:
    """A post has no title: its first line, shortened."""
    first = body.strip().splitlines()[0] if body.strip() else ""
    return first if len(first) <= TITLE_CHARS else first[: TITLE_CHARS - 1] + "…"


def creator_doc(creator_id: int, name: str, bio: str) -> Doc:
    """A channel as a document."""
    text.add_words([name])
    return Doc(
        kind="creator",
        key=str(creator_id),
        title=name,
        body=bio,
        author=name,
        url=f"/channels/creators/{creator_id}",
    )


def post_doc(
    post_id: int,
    body: str,
    topics: list[str],
    creator_name: str,
    location: str | None,
    created_at: dt.datetime | None = None,
    popularity: float = 0.0,
) -> Doc:
    """A post as a document."""
    return Doc(
        kind="post",
        key=str(post_id),
        title=post_title(body),
        body=" ".join([body, location or ""]).strip(),
        tags=tuple(topics),
        author=creator_name,
        url=f"/channels/posts/{post_id}",
        created_at=created_at,
        popularity=popularity,
    )


def app_doc(appid: str, name: str, description: str = "", keywords: Sequence[str] = ()) -> Doc:
    """A mini program as a document: its name, description and service keywords."""
    text.add_words([name, *keywords])
    return Doc(
        kind="miniprogram",
        key=appid,
        title=name,
        body=description,
        tags=tuple(keywords),
        url=f"/discover#mp-{appid}",
    )


def merchant_doc(mchid: str, name: str, appid: str) -> Doc:
    """A merchant as a document; its storefront in the client is its mini program."""
    text.add_words([name])
    return Doc(kind="merchant", key=mchid, title=name, url=f"/discover#mp-{appid}")


def service_doc(open_kfid: str, name: str, corp_name: str) -> Doc:
    """A WeCom customer-service account (微信客服) as a document: found by its name and its
    corp's, opening a conversation with it."""
    text.add_words([name, corp_name])
    return Doc(kind="service", key=open_kfid, title=name, author=corp_name, url=f"/kf/{open_kfid}")


def room_doc(room_id: int, title: str, creator_name: str, live: bool = False) -> Doc:
    """A live room as a document."""
    return Doc(
        kind="live",
        key=str(room_id),
        title=title,
        author=creator_name,
        url=f"/live/{room_id}?from=search",
        live=live,
    )


def product_url(room_id: int) -> str:
    """Where a shelf product opens: its room."""
    return f"/live/{room_id}?from=search"


def product_doc(product_id: int, room_id: int, title: str, price: int, seller: str, sales: int = 0) -> Doc:
    """A live shelf product as a document: found by its name and its seller, opening its room."""
    return Doc(
        kind="product",
        key=str(product_id),
        title=title,
        body=f"¥{price // 100}.{price % 100:02d}",
        author=seller,
        url=product_url(room_id),
        popularity=sales * SALE_WEIGHT,
    )


def message_doc(message: MessageSent) -> Doc:
    """A chat message as a document only its conversation's members may find. Its words stay out
    of the segmentation dictionary: private text must not shape how public text is cut."""
    sent_at = dt.datetime.fromisoformat(message.sent_at)
    return Doc(
        kind="message",
        key=str(message.message_id),
        title=post_title(message.text),
        body=message.text,
        author=message.sender_name,
        # The chat's page of history ending at it, scrolled to it.
        url=f"/chats/{message.conversation_id}?at={message.message_id}#m{message.message_id}",
        # The event's time is UTC, with or without its offset written out.
        created_at=sent_at if sent_at.tzinfo else sent_at.replace(tzinfo=dt.UTC),
        readers=tuple(message.member_ids),
    )


def contact_doc(owner_id: int, friend_id: int, nickname: str) -> Doc:
    """A friend as `owner_id`'s contact (联系人): found by name or its pinyin in their chats
    search alone, opening a chat with them."""
    return Doc(
        kind="contact",
        key=f"{owner_id}-{friend_id}",
        title=nickname,
        author=nickname,
        url=f"/chats/with/{friend_id}",
        readers=(owner_id,),
    )


def on_creator(event: Event, uow: UnitOfWork) -> None:
    """A channel, then its profile's changes, in order; a new name reaches what is shown under the
    old one (posts, rooms, products — written by other subscribers: one lagging far behind could
    write the old name again, which `rebuild --collect` repairs)."""
    if isinstance(event, CreatorProfileChanged):
        documents.upsert(uow, creator_doc(event.creator_id, event.name, event.bio))
        if event.name != event.old_name:
            documents.rename_author(uow, ("post", "live", "product"), event.old_name, event.name)
        return
    assert isinstance(event, CreatorCreated)
    documents.upsert(uow, creator_doc(event.creator_id, event.name, event.bio))


def on_post(event: Event, uow: UnitOfWork) -> None:
    assert isinstance(event, PostPublished)
    documents.upsert(
        uow, post_doc(event.post_id, event.text, event.topics, event.creator_name, event.location)
    )


def on_post_deleted(event: Event, uow: UnitOfWork) -> None:
    assert isinstance(event, PostDeleted)
    documents.remove(uow, f"post:{event.post_id}")


def on_reaction(event: Event, uow: UnitOfWork) -> None:
    assert isinstance(event, PostReacted)
    weight = {"like": LIKE_WEIGHT, "recommend": RECOMMEND_WEIGHT}.get(event.kind, 0.0)
    if weight:
        documents.add_popularity(uow, f"post:{event.post_id}", weight)
        documents.interacted(uow, f"post:{event.post_id}", event.user_id)


def on_view(event: Event, uow: UnitOfWork) -> None:
    assert isinstance(event, ViewRecorded)
    documents.add_popularity(uow, f"post:{event.post_id}", VIEW_WEIGHT)


def on_app(event: Event, uow: UnitOfWork) -> None:
    """Mini programs as they are created and as their profile changes (one subscriber: in order)."""
    assert isinstance(event, AppCreated | AppProfileChanged)
    if event.type == "miniprogram":
        documents.upsert(uow, app_doc(event.appid, event.name, event.description, event.keywords))


def on_merchant(event: Event, uow: UnitOfWork) -> None:
    assert isinstance(event, MerchantCreated)
    documents.upsert(uow, merchant_doc(event.mchid, event.name, event.appid))


def on_product(event: Event, uow: UnitOfWork) -> None:
    """Products in one subscriber: listed, then sold (sales make a product more popular), and
    gone when their room ends (they can no longer be bought)."""
    if isinstance(event, RoomEnded):
        documents.remove_linked(uow, "product", product_url(event.room_id))
        return
    if isinstance(event, ProductSold):
        documents.add_popularity(uow, f"product:{event.product_id}", SALE_WEIGHT)
        return
    assert isinstance(event, ProductListed)
    documents.upsert(
        uow, product_doc(event.product_id, event.room_id, event.title, event.price, event.seller)
    )


def on_room(event: Event, uow: UnitOfWork) -> None:
    """Rooms in one subscriber, so a room's events are handled in the order they happened."""
    if isinstance(event, RoomStarted | RoomEnded):
        documents.set_live(uow, f"live:{event.room_id}", isinstance(event, RoomStarted))
        return
    assert isinstance(event, RoomCreated)
    documents.upsert(uow, room_doc(event.room_id, event.title, event.creator_name))


def on_kf_account(event: Event, uow: UnitOfWork) -> None:
    """Customer-service accounts in one subscriber: created, renamed, deleted, in order."""
    if isinstance(event, KfAccountDeleted):
        documents.remove(uow, f"service:{event.open_kfid}")
        return
    assert isinstance(event, KfAccountCreated | KfAccountChanged)
    documents.upsert(uow, service_doc(event.open_kfid, event.name, event.corp_name))


def on_message(event: Event, uow: UnitOfWork) -> None:
    """Messages in one subscriber, so a recall is handled after its message."""
    if isinstance(event, MessageRecalled):
        documents.remove(uow, f"message:{event.message_id}")
        return
    assert isinstance(event, MessageSent)
    if event.member_ids:  # a message nobody may read is not searchable (never public)
        documents.upsert(uow, message_doc(event))


def on_friend(event: Event, uow: UnitOfWork) -> None:
    """Each friend becomes the other's contact; an ended friendship takes both away."""
    if isinstance(event, FriendRemoved):
        documents.remove(uow, f"contact:{event.user_id}-{event.friend_id}")
        documents.remove(uow, f"contact:{event.friend_id}-{event.user_id}")
        return
    assert isinstance(event, FriendAdded)
    documents.upsert(uow, contact_doc(event.user_id, event.friend_id, event.friend_nickname))
    documents.upsert(uow, contact_doc(event.friend_id, event.user_id, event.user_nickname))


def subscribe(subscribers: Subscribers) -> None:
    """Register Search's subscribers."""
    subscribers.add("search.creators", [CreatorCreated, CreatorProfileChanged], on_creator)
    subscribers.add("search.posts", [PostPublished], on_post)
    subscribers.add("search.post-deletions", [PostDeleted], on_post_deleted)
    subscribers.add("search.post-reactions", [PostReacted], on_reaction)
    subscribers.add("search.post-views", [ViewRecorded], on_view)
    subscribers.add("search.apps", [AppCreated, AppProfileChanged], on_app)
    subscribers.add("search.merchants", [MerchantCreated], on_merchant)
    subscribers.add("search.live-rooms", [RoomCreated, RoomStarted, RoomEnded], on_room)
    subscribers.add("search.products", [ProductListed, ProductSold, RoomEnded], on_product)
    subscribers.add(
        "search.kf-accounts", [KfAccountCreated, KfAccountChanged, KfAccountDeleted], on_kf_account
    )
    subscribers.add("search.messages", [MessageSent, MessageRecalled], on_message)
    subscribers.add("search.contacts", [FriendAdded, FriendRemoved], on_friend)
