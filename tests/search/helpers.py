"""Shortcuts for search tests."""

from __future__ import annotations

import io

from fastapi.testclient import TestClient
from PIL import Image

from tests.channels.test_feeds import as_user
from yuanzi.chats.events import MessageRecalled, MessageSent
from yuanzi.core.runtime import Runtime


def text_post(client: TestClient, user: int, text: str, seed: int) -> int:
    """Publish `text` (with a small picture) as `user`'s channel; returns the post id."""
    data = io.BytesIO()
    Image.new("RGB", (64, 48), (seed * 40 % 256, 90, 160)).save(data, "PNG")
    response = client.post(
        "/api/channels/posts",
        data={"text": text},
        files=[("images", ("p.png", data.getvalue(), "image/png"))],
        headers=as_user(user),
    )
    assert response.status_code == 201, response.text
    return int(response.json()["post_id"])


SENT_AT = "2026-11-25T08:00:00+00:00"  # when every test message was sent


def publish(runtime: Runtime, *events: MessageSent | MessageRecalled) -> None:
    """What Chats publishes, straight into the outbox."""
    with runtime.uow() as uow:
        for event in events:
            uow.publish(event)
        uow.commit()


def message(message_id: int, members: list[int], text: str, conversation_id: int = 7) -> MessageSent:
    """A message 安娜 (the first member) sent to the conversation."""
    return MessageSent(
        message_id=message_id,
        conversation_id=conversation_id,
        sender_id=members[0],
        sender_name="安娜",
        member_ids=members,
        text=text,
        sent_at=SENT_AT,
    )
