"""Events Chats publishes. A message is private to its conversation's members (`member_ids`):
whoever indexes it must show it to them alone."""

from __future__ import annotations

import dataclasses

from yuanzi.core.events import Event


@dataclasses.dataclass(frozen=True, kw_only=True)
class MessageSent(Event):
    """A message was sent (once per message: a retried send publishes nothing)."""

    topic = "chats.message.sent"
    message_id: int
    conversation_id: int
    sender_id: int
    sender_name: str
    member_ids: list[int]
    text: str
    sent_at: str  # ISO 8601, UTC


@dataclasses.dataclass(frozen=True, kw_only=True)
class MessageRecalled(Event):
    """The sender recalled (撤回) a message: its text is gone."""

    topic = "chats.message.recalled"
    message_id: int
    conversation_id: int
