"""The card WeCom offers: a customer-service account (微信客服), `ref` = `open_kfid` or
`open_kfid?scene=…` — a channel's post or a live room links its viewers into a conversation with
the business, and the scene tells the corp where they came from (enter_session)."""

from __future__ import annotations

from yuanzi.core import cards
from yuanzi.core.uow import UnitOfWork
from yuanzi.wecom.kf_accounts import SCENE, conversation_link, find_account


def kf_card(uow: UnitOfWork, ref: str) -> cards.Card | None:
    """The account's card, if it exists (and the scene, if any, is one a contact link may carry)."""
    open_kfid, _, query = ref.partition("?")
    scene = query.removeprefix("scene=") if query else ""
    if query and (not query.startswith("scene=") or not scene or not SCENE.fullmatch(scene)):
        return None
    account = find_account(uow, open_kfid)
    if account is None:
        return None
    return cards.Card(
        kind="kf",
        ref=ref,
        title=account.name,
        subtitle=f"微信客服 Customer service · {account.corp_name}",
        image_url=f"/kf/{account.open_kfid}/avatar.jpg",
        action_url=conversation_link(account.open_kfid, scene),
    )


cards.register("kf", kf_card)
