"""Re-collect what is searchable from the components themselves — channels, posts, mini programs,
merchants, rooms live now, customer-service accounts, contacts and chat messages (private to their
owners and members) — with `yuanzi search rebuild --collect`: for a database whose events were
delivered before Search subscribed, or to repair the documents table. Uses only the components'
service interfaces."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from yuanzi.channels import service as channels_service
from yuanzi.chats import service as chats_service
from yuanzi.core.uow import UnitOfWork, UnitOfWorkFactory
from yuanzi.identity import service as identity_service
from yuanzi.live import service as live_service
from yuanzi.pay import service as pay_service
from yuanzi.search import documents
from yuanzi.search.documents import Doc
from yuanzi.search.subscribers import (
    LIKE_WEIGHT,
    RECOMMEND_WEIGHT,
    VIEW_WEIGHT,
    app_doc,
    contact_doc,
    creator_doc,
    merchant_doc,
    message_doc,
    post_doc,
    product_doc,
    room_doc,
    service_doc,
)
from yuanzi.wecom import service as wecom_service

PAGE = 500


def _creators(uow: UnitOfWork) -> Iterator[Doc]:
    offset = 0
    while page := channels_service.list_creators(uow=uow, limit=PAGE, offset=offset):
        yield from (creator_doc(c.creator_id, c.name, c.bio) for c in page)
        offset += PAGE


def _posts(uow: UnitOfWork) -> Iterator[Doc]:
    after = 0
    while page := channels_service.list_posts(uow=uow, after_id=after, limit=PAGE):
        for p in page:
            popularity = (
                LIKE_WEIGHT * p.stats["likes"]
                + RECOMMEND_WEIGHT * p.stats["recommends"]
                + VIEW_WEIGHT * p.stats["finishes"]
            )
            yield post_doc(p.post_id, p.text, p.topics, p.creator_name, p.location, p.created_at, popularity)
        after = page[-1].post_id


def _apps(uow: UnitOfWork) -> Iterator[Doc]:
    offset, kind = 0, identity_service.AppType.MINIPROGRAM
    while page := identity_service.list_apps(uow=uow, type=kind, limit=PAGE, offset=offset):
        yield from (app_doc(a.appid, a.name, a.description, a.keywords) for a in page)
        offset += PAGE


def _merchants(uow: UnitOfWork) -> Iterator[Doc]:
    offset = 0
    while page := pay_service.list_merchants(uow=uow, limit=PAGE, offset=offset):
        yield from (merchant_doc(m.mchid, m.name, m.appid) for m in page)
        offset += PAGE


def _live_rooms(uow: UnitOfWork) -> Iterator[Doc]:
    for room in live_service.live_rooms(uow=uow, limit=10_000):
        yield room_doc(room.room_id, room.title, room.creator_name, live=True)


def _products(uow: UnitOfWork) -> Iterator[Doc]:
    """The shelves of the rooms live now, with their sales."""
    for room in live_service.live_rooms(uow=uow, limit=10_000):
        shelf, _ = live_service.products(uow=uow, room_id=room.room_id)
        for p in shelf:
            yield product_doc(p.product_id, room.room_id, p.title, p.price, room.creator_name, sales=p.sales)


def _kf_accounts(uow: UnitOfWork) -> Iterator[Doc]:
    after = 0
    while page := wecom_service.searchable_accounts(uow, after=after, limit=PAGE):
        yield from (service_doc(a.open_kfid, a.name, a.corp_name) for _, a in page)
        after = page[-1][0]


def _contacts(uow: UnitOfWork) -> Iterator[Doc]:
    """Every user's friends, each a contact only that user may find."""
    offset = 0
    while page := identity_service.list_users(uow=uow, limit=PAGE, offset=offset):
        friend_ids = {
            user.user_id: identity_service.friends_of(uow=uow, user_id=user.user_id) for user in page
        }
        names = identity_service.get_users(
            uow=uow, user_ids=sorted({f for ids in friend_ids.values() for f in ids})
        )
        for user_id, ids in friend_ids.items():
            yield from (contact_doc(user_id, f, names[f].nickname) for f in ids if f in names)
        offset += PAGE


def _messages(uow: UnitOfWork) -> Iterator[Doc]:
    """Chat messages not recalled, each readable by its conversation's members only."""
    after = 0
    while page := chats_service.searchable_messages(uow=uow, after_id=after, limit=PAGE):
        yield from (message_doc(m) for m in page)
        after = page[-1].message_id


def collect(uow_factory: UnitOfWorkFactory, progress: Callable[[int], Any] | None = None) -> int:
    """Write every searchable thing the components hold as a document, replacing what is there
    (popularity from the components' own counts); returns how many. Friends' interactions (the
    social signal) come only from events."""
    count = 0
    with uow_factory() as uow:
        sources = (
            _creators,
            _posts,
            _apps,
            _merchants,
            _live_rooms,
            _products,
            _kf_accounts,
            _contacts,
            _messages,
        )
        for source in sources:
            for doc in source(uow):
                documents.upsert(uow, doc)
                count += 1
                if progress is not None and count % PAGE == 0:
                    progress(count)
        uow.commit()
    return count
