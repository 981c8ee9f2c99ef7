"""Chats' tables. Only this component imports them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from yuanzi.core.db import Base, BigIntPK, UTCDateTime


class Conversation(Base):
    """A chat. A direct chat is between two friends, at most one per pair (`pair` is
    "<lower id>:<higher id>"); its members are rows of `chat_members`. `seq` counts the chat's
    changes (a message sent, a message recalled): clients sync by it."""

    __tablename__ = "chat_conversations"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)  # "direct"
    pair: Mapped[str | None] = mapped_column(String(48), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
    last_message_id: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0, server_default="0")
    last_message_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    seq: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0, server_default="0")


class Member(Base):
    """A user in a conversation, and how far they have read it."""

    __tablename__ = "chat_members"

    conversation_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("chat_conversations.id"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    last_read_id: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0, server_default="0")
    joined_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)

    __table_args__ = (Index("ix_chat_members_user", "user_id"),)


class Message(Base):
    """A message. `client_msg_id` is the sender's own id for it: sending again with the same one
    (a retry after a lost answer) returns the message instead of sending it twice. `seq` is the
    chat's change that last touched it (sent, or later recalled)."""

    __tablename__ = "chat_messages"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    conversation_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("chat_conversations.id"), nullable=False
    )
    sender_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    client_msg_id: Mapped[str] = mapped_column(String(64), nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    sent_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
    recalled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    seq: Mapped[int] = mapped_column(BigInteger, nullable=False)

    __table_args__ = (
        UniqueConstraint("sender_id", "client_msg_id", name="uq_chat_messages_client_msg"),
        Index("ix_chat_messages_conversation", "conversation_id", "id"),
        Index("ix_chat_messages_seq", "conversation_id", "seq"),
    )
