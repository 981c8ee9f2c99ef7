"""The demo world's WeCom: the mall's corp with a customer-service account (微信客服) that Search
finds (搜一搜 `客服`, `yzsc`); 王芳's conversation with it, answered and then queued for a human;
its servicer 小原, whom the demo merchant user signs in as (Me → 企业微信) to take it. The corp's
CorpID and app secret are kept in the demo credentials (shown only at creation)."""

from __future__ import annotations

import io
from typing import Any

from PIL import Image, ImageDraw

from yuanzi.core.uow import UnitOfWork
from yuanzi.wecom import service as wecom_service

CORP = "原子商城 Yuanzi Mall"
ACCOUNT = "原子商城客服"
SERVICER = ("xiaoyuan", "小原")
SERVICER_USER = "Demo Merchant 商户"  # signs in as 小原
CUSTOMER = "王芳 Wang Fang"
# (who writes: "customer" or "corp", what); ids keep a second seed from sending them again.
CONVERSATION = (
    ("customer", "请问咖啡豆什么时候到货？"),
    ("corp", "您好，已为您查询：明天上午发货，顺丰次日达。"),
)


def _avatar() -> io.BytesIO:
    image = Image.new("RGB", (128, 128), (7, 193, 96))
    ImageDraw.Draw(image).ellipse((32, 32, 96, 96), fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, "PNG")
    out.seek(0)
    return out


def seed(uow: UnitOfWork, users: dict[str, int], credentials: dict[str, Any]) -> int:
    """The corp, its account and servicer, and the conversation; returns how many things it made."""
    created = 0
    corp = wecom_service.corp_named(uow, CORP)
    if corp is None:
        new = wecom_service.create_corp(uow=uow, name=CORP)
        corp = new.corp
        credentials["wecom"] = {"corpid": corp.corpid, "agentid": new.agentid, "secret": new.secret}
        wecom_service.create_staff(uow=uow, corp_id=corp.corp_id, userid=SERVICER[0], name=SERVICER[1])
        wecom_service.link_member(
            uow=uow, corp_id=corp.corp_id, userid=SERVICER[0], user_id=users[SERVICER_USER]
        )
        created += 1
    accounts = wecom_service.list_accounts(uow=uow, corp=corp, offset=0, limit=100)
    account = next((a.open_kfid for a in accounts if a.name == ACCOUNT), None)
    if account is None:
        avatar = _avatar()
        media = wecom_service.upload_media(
            uow=uow, corp_id=corp.corp_id, type="image", data=avatar, size=len(avatar.getvalue())
        )
        account = wecom_service.add_account(uow=uow, corp=corp, name=ACCOUNT, media_id=media.media_id)
        wecom_service.add_servicers(uow=uow, corp=corp, open_kfid=account, userid_list=[SERVICER[0]])
        created += 1
    customer = users[CUSTOMER]
    for i, (who, text) in enumerate(CONVERSATION):
        if who == "customer":
            wecom_service.customer_send(
                uow=uow, open_kfid=account, user_id=customer, text=text, client_msg_id=f"demo-kf-{i}"
            )
            continue
        touser = wecom_service.external_userid(uow, corp.corp_id, customer)
        body = {"touser": touser, "open_kfid": account, "msgtype": "text", "text": {"content": text}}
        wecom_service.send_answer(uow=uow, corp=corp, body={**body, "msgid": f"demo-kf-{i}"})
    touser = wecom_service.external_userid(uow, corp.corp_id, customer)
    state, _ = wecom_service.service_state(uow=uow, corp=corp, open_kfid=account, external_userid=touser)
    if state in (0, 1):  # not yet with a human: into the queue for 小原 (a later seed leaves it be)
        wecom_service.transfer(
            uow=uow, corp=corp, open_kfid=account, external_userid=touser, state=2, servicer_userid=None
        )
    return created
