"""WeCom's public interface: corps and their members, and customer-service accounts (微信客服)
that WeChat users find (Search indexes KfAccount* events, events.py) and talk to."""

from __future__ import annotations

from yuanzi.core.uow import UnitOfWorkFactory
from yuanzi.core.worker import Worker
from yuanzi.wecom import callbacks
from yuanzi.wecom.callbacks import configure as set_callback
from yuanzi.wecom.corps import (
    CorpInfo,
    NewCorp,
    StaffInfo,
    corp_named,
    create_corp,
    create_staff,
    find_corp,
)
from yuanzi.wecom.kf_accounts import (
    KfAccountInfo,
    add_account,
    add_servicers,
    avatar,
    find_account,
    list_accounts,
    searchable_accounts,
)
from yuanzi.wecom.kf_inbox import (
    KfConversationInfo,
    customer_conversations,
    customer_mark_read,
    customer_unread_total,
    message_thumb,
)
from yuanzi.wecom.kf_messages import send as send_answer
from yuanzi.wecom.kf_messages import service_state, transfer
from yuanzi.wecom.kf_servicing import (
    WorkItem,
    colleagues,
    hand_over,
    is_member,
    link_member,
    work_item,
    workbench,
)
from yuanzi.wecom.kf_servicing import answer as answer_session
from yuanzi.wecom.kf_servicing import end as end_session
from yuanzi.wecom.kf_servicing import history as session_history
from yuanzi.wecom.kf_servicing import take as take_session
from yuanzi.wecom.kf_sessions import (
    KfMessageInfo,
    conversation,
    customer_send,
    customer_send_image,
    enter,
    external_userid,
)
from yuanzi.wecom.media import UPLOAD_MAX
from yuanzi.wecom.media import upload as upload_media


def workers(uow_factory: UnitOfWorkFactory) -> list[Worker]:
    """WeCom's background work while the server runs: deliver callbacks to corps' servers, and
    forget those done for a day."""
    return [
        Worker("wecom-callbacks", lambda: callbacks.deliver_due(uow_factory), interval=0.5, batch=50),
        Worker(
            "wecom-callbacks-prune",
            lambda: callbacks.prune(uow_factory),
            interval=60.0,
            batch=1000,
            on_commit=False,
        ),
    ]


__all__ = [
    "UPLOAD_MAX",
    "CorpInfo",
    "KfAccountInfo",
    "KfConversationInfo",
    "KfMessageInfo",
    "NewCorp",
    "StaffInfo",
    "WorkItem",
    "add_account",
    "add_servicers",
    "answer_session",
    "avatar",
    "colleagues",
    "conversation",
    "corp_named",
    "create_corp",
    "create_staff",
    "customer_conversations",
    "customer_mark_read",
    "customer_send",
    "customer_send_image",
    "customer_unread_total",
    "end_session",
    "enter",
    "external_userid",
    "find_account",
    "find_corp",
    "hand_over",
    "is_member",
    "link_member",
    "list_accounts",
    "message_thumb",
    "searchable_accounts",
    "send_answer",
    "service_state",
    "session_history",
    "set_callback",
    "take_session",
    "transfer",
    "upload_media",
    "work_item",
    "workbench",
    "workers",
]
