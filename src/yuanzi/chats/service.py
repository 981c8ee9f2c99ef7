"""Chats' public interface: direct chats between friends, messages (idempotent sends, history,
sync, read marks, recall) and each user's list of chats. Messages are private to a chat's
members; Chats publishes MessageSent / MessageRecalled (events.py) for whoever indexes them."""

from __future__ import annotations

from yuanzi.chats.conversations import (
    ConversationInfo,
    MessageInfo,
    NotFriends,
    find_direct,
    get_conversation,
    list_conversations,
    open_direct,
    unread_total,
)
from yuanzi.chats.messages import (
    PAGE_MAX,
    RECALL_WINDOW,
    TEXT_MAX,
    Sent,
    history,
    mark_read,
    recall,
    searchable_messages,
    send,
)

__all__ = [
    "PAGE_MAX",
    "RECALL_WINDOW",
    "TEXT_MAX",
    "ConversationInfo",
    "MessageInfo",
    "NotFriends",
    "Sent",
    "find_direct",
    "get_conversation",
    "history",
    "list_conversations",
    "mark_read",
    "open_direct",
    "recall",
    "searchable_messages",
    "send",
    "unread_total",
]
