"""The phone as a WeCom member's client (企业微信): the customer-service sessions queued for the
accounts they serve and those assigned to them; taking one, answering, ending it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse

from yuanzi.core.errors import InvalidInput, NotFound, Problem
from yuanzi.core.http import runtime
from yuanzi.core.uow import UnitOfWork
from yuanzi.web.actions import User, form_action, json_action
from yuanzi.web.chats import bubble_json
from yuanzi.web.render import not_found, page, redirect
from yuanzi.web.session import current_user
from yuanzi.wecom import service as wecom_service

router = APIRouter(prefix="/wecom")
FormStr = Annotated[str, Form()]
STATE_NAMES = {2: "排队中 Waiting", 3: "接待中 Serving"}


def message_json(message: wecom_service.KfMessageInfo) -> dict[str, Any]:
    return bubble_json(
        message_id=message.message_id,
        seq=message.seq,
        mine=message.mine,
        sender_name="",
        text=message.text,
        sent_at=message.sent_at,
    )


@router.get("", response_class=HTMLResponse, response_model=None)
def workbench(request: Request) -> Response:
    """The sessions waiting for the member or assigned to them."""
    with runtime(request).read_uow() as uow:
        user = current_user(request, uow)
        if user is None:
            return redirect(request, "/")
        if not wecom_service.is_member(uow=uow, user_id=user.user_id):
            return not_found(request, user)
        items = wecom_service.workbench(uow=uow, user_id=user.user_id)
        ctx = {"tab": "me", "user": user, "items": items, "states": STATE_NAMES, "now": uow.now()}
        return page(request, "client/wecom_workbench.html", ctx)


@router.get("/sessions/{session_id}", response_class=HTMLResponse, response_model=None)
def session_page(request: Request, session_id: int) -> Response:
    """One session: the conversation, and what the member may do with it."""
    with runtime(request).read_uow() as uow:
        user = current_user(request, uow)
        if user is None:
            return redirect(request, "/")
        item = wecom_service.work_item(uow=uow, user_id=user.user_id, session_id=session_id)
        if item is None:
            return not_found(request, user)
        messages = wecom_service.session_history(uow=uow, user_id=user.user_id, session_id=session_id)
        others = wecom_service.colleagues(uow=uow, user_id=user.user_id, session_id=session_id)
        ctx = {
            "tab": None,
            "user": user,
            "item": item,
            "messages": messages,
            "colleagues": others,
            "seq": messages[-1].seq if messages else 0,
            "error": request.query_params.get("error"),
            "states": STATE_NAMES,
        }
        return page(request, "client/wecom_session.html", ctx)


def _refused(request: Request, session_id: int) -> Callable[[UnitOfWork, User, Problem], Response]:
    """A refused session action: gone from the member's view (another took it) goes back to the
    list; otherwise the session says why."""

    def failed(uow: UnitOfWork, user: User, exc: Problem) -> Response:
        target = "/wecom" if exc.status == 404 else f"/wecom/sessions/{session_id}?error={exc.code}"
        return redirect(request, target)

    return failed


def _session_action(
    request: Request, session_id: int, csrf_token: str, act: Callable[..., object], then: str
) -> Response:
    """Run `act` on the session as the signed-in member, then go to `then`."""

    def action(uow: UnitOfWork, user: User) -> str:
        act(uow=uow, user_id=user.user_id, session_id=session_id)
        return then

    return form_action(request, csrf_token, action, _refused(request, session_id))


@router.post("/sessions/{session_id}/take", response_model=None)
def take(request: Request, session_id: int, csrf_token: FormStr = "") -> Response:
    """接入: take a queued session."""
    return _session_action(
        request, session_id, csrf_token, wecom_service.take_session, f"/wecom/sessions/{session_id}"
    )


@router.post("/sessions/{session_id}/end", response_model=None)
def end(request: Request, session_id: int, csrf_token: FormStr = "") -> Response:
    """结束: end a session assigned to you."""
    return _session_action(request, session_id, csrf_token, wecom_service.end_session, "/wecom")


@router.post("/sessions/{session_id}/hand-over", response_model=None)
def hand_over(request: Request, session_id: int, csrf_token: FormStr = "", userid: FormStr = "") -> Response:
    """转接: hand a session to another servicer of its account."""

    def act(*, uow: UnitOfWork, user_id: int, session_id: int) -> None:
        wecom_service.hand_over(uow=uow, user_id=user_id, session_id=session_id, to_userid=userid)

    return _session_action(request, session_id, csrf_token, act, "/wecom")


@router.get("/sessions/{session_id}/changes", response_model=None)
def changes(request: Request, session_id: int, since: int = 0) -> Response:
    """Messages after `since` (the page polls this)."""
    with runtime(request).read_uow() as uow:
        user = current_user(request, uow)
        if user is None:
            return JSONResponse({"error": "sign in"}, status_code=401)
        try:
            found = wecom_service.session_history(
                uow=uow, user_id=user.user_id, session_id=session_id, since=since
            )
        except NotFound as exc:
            return JSONResponse({"error": exc.detail, "code": exc.code}, status_code=404)
        return JSONResponse({"messages": [message_json(m) for m in found]})


@router.post("/sessions/{session_id}/messages", response_model=None)
async def answer(request: Request, session_id: int) -> Response:
    """Answer `{text}` as the session's servicer."""

    def action(uow: UnitOfWork, user_id: int, body: dict[str, Any]) -> dict[str, Any]:
        text = body.get("text")
        if not isinstance(text, str):
            raise InvalidInput("text is a string", field="text")
        sent = wecom_service.answer_session(uow=uow, user_id=user_id, session_id=session_id, text=text)
        return message_json(sent)

    return await json_action(request, action)
