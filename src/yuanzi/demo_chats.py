"""The demo world's Chats: friends with conversations to open, an unread message waiting, and
words worth searching for in your chats (火锅, 爬山, 发票)."""

from __future__ import annotations

from yuanzi.chats import service as chats_service
from yuanzi.core.uow import UnitOfWork
from yuanzi.identity import service as identity_service

ZHANG, LI, WANG, CHEN = "张伟 Zhang Wei", "李娜 Li Na", "王芳 Wang Fang", "陈杰 Chen Jie"
FRIENDS = ((ZHANG, LI), (ZHANG, WANG), (ZHANG, CHEN), (LI, WANG))
# (the two in the chat, who says it, what, whether both have read it). A line's client_msg_id
# keeps a second seed from sending it again.
CONVERSATIONS = (
    ((ZHANG, WANG), WANG, "周五晚上一起吃重庆火锅吗？", True),
    ((ZHANG, WANG), ZHANG, "好啊，七点解放碑见", True),
    ((ZHANG, WANG), WANG, "我订好位子了，记得带上上次的发票", True),
    ((ZHANG, LI), LI, "周末去爬山吗？天气预报说是晴天", True),
    ((ZHANG, LI), ZHANG, "去！我带相机，顺便拍点视频号素材", True),
    ((ZHANG, LI), LI, "那早上八点地铁站集合", False),  # waiting for 张伟
    ((ZHANG, CHEN), CHEN, "直播间的番茄炒蛋调料包我下单了", True),
)


def seed(uow: UnitOfWork, users: dict[str, int]) -> int:
    """Friendships and chats between the demo users; returns how many things it made."""
    created = sum(
        identity_service.add_friend(uow=uow, user_id=users[a], friend_id=users[b]) for a, b in FRIENDS
    )
    for i, (pair, sender, text, read) in enumerate(CONVERSATIONS):
        chat, _ = chats_service.open_direct(uow=uow, user_id=users[pair[0]], other_id=users[pair[1]])
        sent = chats_service.send(
            uow=uow,
            user_id=users[sender],
            conversation_id=chat.conversation_id,
            text=text,
            client_msg_id=f"demo-{i}",
        )
        created += sent.created
        for reader in pair if read and sent.created else ():
            chats_service.mark_read(
                uow=uow,
                user_id=users[reader],
                conversation_id=chat.conversation_id,
                message_id=sent.message.message_id,
            )
    return created
