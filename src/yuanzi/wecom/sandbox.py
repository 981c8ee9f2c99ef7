"""WeCom's sandbox controls: make a corp (an enterprise) with an app that may call its APIs, and
act as a WeChat user talking to a customer-service account."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr

from yuanzi.core.errors import NotFound, Problem, WxError
from yuanzi.core.http import unit_of_work
from yuanzi.core.uow import UnitOfWork
from yuanzi.identity import service as identity_service
from yuanzi.wecom import callbacks, corps, kf_servicing, kf_sessions

router = APIRouter(prefix="/sandbox/wecom", tags=["sandbox: WeCom"])
UoW = Annotated[UnitOfWork, Depends(unit_of_work)]


class NewCorp(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: StrictStr = Field(min_length=1, max_length=corps.NAME_MAX)
    app_name: StrictStr = Field(default="客服应用", min_length=1, max_length=corps.NAME_MAX)


@router.post("/corps", status_code=201)
def create_corp(uow: UoW, body: NewCorp) -> dict[str, Any]:
    """A corp and its first self-built app: the CorpID, AgentId and Secret (shown this once) that
    `/qyapi/cgi-bin/gettoken` takes."""
    new = corps.create_corp(uow=uow, name=body.name, app_name=body.app_name)
    uow.commit()
    return {"corpid": new.corp.corpid, "name": new.corp.name, "agentid": new.agentid, "secret": new.secret}


class Callback(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: StrictStr = Field(min_length=1, max_length=2048)
    token: StrictStr
    encoding_aes_key: StrictStr


@router.put("/corps/{corpid}/apps/{agentid}/callback")
def set_callback(uow: UoW, corpid: str, agentid: int, body: Callback) -> dict[str, Any]:
    """Set the app's callback URL, Token and EncodingAESKey (what WeCom's admin console does):
    the URL is verified first, with an encrypted echostr it must decrypt and echo."""
    callbacks.configure(
        uow=uow,
        corpid=corpid,
        agentid=agentid,
        url=body.url,
        token=body.token,
        encoding_aes_key=body.encoding_aes_key,
    )
    uow.commit()
    return {"url": body.url, "verified": True}


@router.get("/corps/{corpid}/callbacks")
def list_callbacks(uow: UoW, corpid: str) -> dict[str, Any]:
    """The corp's latest kf_msg_or_event callbacks: attempts, and what its server answered."""
    return {
        "callbacks": [
            {
                "open_kfid": c.open_kfid,
                "agentid": c.agentid,
                "attempts": c.attempts,
                "delivered": c.delivered,
                "pending": c.pending,
                "last_result": c.last_result,
                "created_at": c.created_at.isoformat(),
            }
            for c in callbacks.recent(uow, corpid)
        ]
    }


class NewMember(BaseModel):
    model_config = ConfigDict(extra="forbid")

    userid: StrictStr
    name: StrictStr
    user_id: StrictInt | None = None


@router.post("/corps/{corpid}/members", status_code=201)
def add_member(uow: UoW, corpid: str, body: NewMember) -> dict[str, Any]:
    """A member of the corp (what user/create makes), optionally signed in as a yuanzi user: on the
    phone, that user's Me tab then opens the member's WeCom workbench (customer-service sessions)."""
    corp = corps.find_corp(uow, corpid)
    if corp is None:
        raise NotFound("corp", corpid)
    try:
        member = corps.create_staff(uow=uow, corp_id=corp.corp_id, userid=body.userid, name=body.name)
    except WxError as refused:
        status = 409 if refused.errcode == 60102 else 422
        raise Problem(status, "member_refused", f"{refused.errmsg} (WeCom {refused.errcode})") from None
    if body.user_id is not None:
        kf_servicing.link_member(uow=uow, corp_id=corp.corp_id, userid=member.userid, user_id=body.user_id)
    uow.commit()
    return {"userid": member.userid, "name": member.name, "user_id": body.user_id}


class CustomerEnters(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_id: StrictInt
    scene: StrictStr = ""
    scene_param: StrictStr = ""


class CustomerWrites(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_id: StrictInt
    text: StrictStr
    client_msg_id: StrictStr | None = None


@router.post("/kf/{open_kfid}/enter", status_code=204)
def customer_enters(uow: UoW, open_kfid: str, body: CustomerEnters) -> None:
    """Act as a WeChat user following a contact link (an enter_session event for the corp)."""
    kf_sessions.enter(
        uow=uow,
        open_kfid=open_kfid,
        user_id=_user(uow, body.user_id),
        scene=body.scene,
        scene_param=body.scene_param,
    )
    uow.commit()


@router.post("/kf/{open_kfid}/messages", status_code=201)
def customer_writes(uow: UoW, open_kfid: str, body: CustomerWrites) -> dict[str, Any]:
    """Act as a WeChat user writing to a customer-service account (what the phone does)."""
    sent = kf_sessions.customer_send(
        uow=uow,
        open_kfid=open_kfid,
        user_id=_user(uow, body.user_id),
        text=body.text,
        client_msg_id=body.client_msg_id,
    )
    uow.commit()
    return {"message_id": sent.message_id, "text": sent.text}


def _user(uow: UnitOfWork, user_id: int) -> int:
    identity_service.get_user(uow=uow, user_id=user_id)  # 404 user_not_found
    return user_id
