"""The card identity offers: a mini program page (`ref` = `appid` or `appid/path`)."""

from __future__ import annotations

from yuanzi.core import cards
from yuanzi.core.errors import NotFound
from yuanzi.core.uow import UnitOfWork
from yuanzi.identity.accounts import AppType, get_app


def mini_program_card(uow: UnitOfWork, ref: str) -> cards.Card | None:
    """A mini program page, if the appid is a registered mini program."""
    appid, _, path = ref.partition("/")
    try:
        app = get_app(uow=uow, appid=appid)
    except NotFound:
        return None
    if app.type is not AppType.MINIPROGRAM:
        return None
    return cards.Card(
        kind="miniprogram",
        ref=ref,
        title=app.name,
        subtitle="小程序 Mini Program" + (f" · /{path}" if path else ""),
        action_url=f"/me#mp-{app.appid}",
    )


cards.register("miniprogram", mini_program_card)
