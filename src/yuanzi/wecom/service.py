"""WeCom's public interface: corps and their members, and customer-service accounts (微信客服)
that WeChat users find (Search indexes KfAccount* events, events.py) and talk to."""

from __future__ import annotations

from yuanzi.core.uow import UnitOfWorkFactory
from yuanzi.core.worker import Worker
from yuanzi.wecom import callbacks
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
from yuanzi.wecom.kf_sessions import (
    KfMessageInfo,
    conversation,
    customer_send,
    enter,
    external_userid,
)
from yuanzi.wecom.media import UPLOAD_MAX
from yuanzi.wecom.media import upload as upload_media


def workers(uow_factory: UnitOfWorkFactory) -> list[Worker]:
    """WeCom's background work while the server runs: deliver callbacks to corps' servers."""
    return [Worker("wecom-callbacks", lambda: callbacks.deliver_due(uow_factory), interval=0.5, batch=50)]


__all__ = [
    "UPLOAD_MAX",
    "CorpInfo",
    "KfAccountInfo",
    "KfConversationInfo",
    "KfMessageInfo",
    "NewCorp",
    "StaffInfo",
    "add_account",
    "add_servicers",
    "avatar",
    "conversation",
    "corp_named",
    "create_corp",
    "create_staff",
    "customer_conversations",
    "customer_mark_read",
    "customer_send",
    "customer_unread_total",
    "enter",
    "external_userid",
    "find_account",
    "find_corp",
    "list_accounts",
    "message_thumb",
    "searchable_accounts",
    "send_answer",
    "upload_media",
    "workers",
]
