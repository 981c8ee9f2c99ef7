"""Sends racing each other: the same message retried from several threads at once is stored
once, and messages sent at once by both members all arrive, each once, in id order."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from yuanzi.chats import service as chats_service
from yuanzi.core.runtime import Runtime
from yuanzi.identity import service as identity_service


def two_friends_chat(runtime: Runtime) -> tuple[int, int, int]:
    with runtime.uow() as uow:
        ana = identity_service.create_user(uow=uow, nickname="安娜").user_id
        bo = identity_service.create_user(uow=uow, nickname="博文").user_id
        identity_service.add_friend(uow=uow, user_id=ana, friend_id=bo)
        chat, _ = chats_service.open_direct(uow=uow, user_id=ana, other_id=bo)
        uow.commit()
    return ana, bo, chat.conversation_id


def test_one_message_retried_at_once_is_stored_once(runtime: Runtime) -> None:
    ana, bo, chat = two_friends_chat(runtime)

    def send_once(_: int) -> int:
        with runtime.uow() as uow:
            sent = chats_service.send(
                uow=uow, user_id=ana, conversation_id=chat, text="到了吗", client_msg_id="arrive-1"
            )
            uow.commit()
            return sent.message.message_id

    with ThreadPoolExecutor(max_workers=6) as pool:
        ids = list(pool.map(send_once, range(12)))
    assert len(set(ids)) == 1
    with runtime.read_uow() as uow:
        stored = chats_service.history(uow=uow, user_id=bo, conversation_id=chat)
    assert [m.text for m in stored] == ["到了吗"]


def test_messages_sent_at_once_all_arrive_once_in_order(runtime: Runtime) -> None:
    ana, bo, chat = two_friends_chat(runtime)

    def send_many(user_id: int) -> None:
        for i in range(15):
            with runtime.uow() as uow:
                chats_service.send(uow=uow, user_id=user_id, conversation_id=chat, text=f"{user_id}-{i}")
                uow.commit()

    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(send_many, (ana, bo)))
    seen: list[str] = []
    since = 0
    while True:  # sync in pages, as a client does
        with runtime.read_uow() as uow:
            page = chats_service.history(uow=uow, user_id=ana, conversation_id=chat, since=since, limit=7)
        if not page:
            break
        seen += [m.text for m in page]
        since = page[-1].seq
    assert sorted(seen) == sorted(f"{u}-{i}" for u in (ana, bo) for i in range(15))
    for user_id in (ana, bo):  # each sender's messages in the order sent
        mine = [int(t.split("-")[1]) for t in seen if t.startswith(f"{user_id}-")]
        assert mine == sorted(mine)
