"""Customer-service accounts (微信客服账号): add, change, delete and list them, the links that open
a conversation with one, and the members who serve it (接待人员)."""

from __future__ import annotations

import dataclasses
import re
from urllib.parse import urlencode

from sqlalchemy import delete, func, select

from yuanzi.core import ids
from yuanzi.core.errors import WxError
from yuanzi.core.uow import UnitOfWork
from yuanzi.wecom import media
from yuanzi.wecom.corps import CorpInfo, staff_row
from yuanzi.wecom.events import KfAccountChanged, KfAccountCreated, KfAccountDeleted
from yuanzi.wecom.models import Corp, KfAccount, KfServicer, Staff

NAME_MAX = 16
ACCOUNTS_MAX = 5000  # per corp, as WeCom documents
LIST_LIMIT_MAX = 100
SERVICERS_PER_CALL = 100
AVATAR_SIDE = 256
# A contact link's scene (≤32 of [0-9A-Za-z_-]); it comes back in the enter_session event.
SCENE = re.compile(r"[0-9A-Za-z_\-]{0,32}")
_OPEN_KFID = re.compile(r"[0-9A-Za-z_\-]{1,64}")


@dataclasses.dataclass(frozen=True)
class KfAccountInfo:
    """A customer-service account as the APIs and other components see it."""

    open_kfid: str
    name: str
    corpid: str
    corp_name: str


@dataclasses.dataclass(frozen=True)
class ServicerResult:
    """One userid's outcome in servicer/add or servicer/del."""

    userid: str
    errcode: int
    errmsg: str


def _info(account: KfAccount, corp: Corp) -> KfAccountInfo:
    return KfAccountInfo(
        open_kfid=account.open_kfid, name=account.name, corpid=corp.corpid, corp_name=corp.name
    )


def _clean_name(name: object) -> str:
    if not isinstance(name, str) or not name.strip() or len(name.strip()) > NAME_MAX:
        raise WxError(95006, f"invalid kf account name: 1–{NAME_MAX} characters")
    return name.strip()


def account_row(uow: UnitOfWork, corp_id: int, open_kfid: object) -> KfAccount:
    """The corp's live account `open_kfid`: 95000 if it is not one's shape, 95004 if there is no
    such account (deleted, or another corp's)."""
    if not isinstance(open_kfid, str) or not _OPEN_KFID.fullmatch(open_kfid):
        raise WxError(95000, "invalid open_kfid")
    row = uow.session.scalar(
        select(KfAccount).where(
            KfAccount.open_kfid == open_kfid, KfAccount.corp_id == corp_id, KfAccount.deleted_at.is_(None)
        )
    )
    if row is None:
        raise WxError(95004, "open_kfid not exist")
    return row


def _corp(uow: UnitOfWork, corp_id: int) -> Corp:
    corp = uow.session.get(Corp, corp_id)
    assert corp is not None
    return corp


def add_account(*, uow: UnitOfWork, corp: CorpInfo, name: object, media_id: object) -> str:
    """account/add: a new account with a name (≤16 characters) and an avatar; its open_kfid."""
    clean = _clean_name(name)
    avatar = media.image_at(uow, corp.corp_id, media_id, AVATAR_SIDE)
    count = uow.session.scalar(
        select(func.count())
        .select_from(KfAccount)
        .where(KfAccount.corp_id == corp.corp_id, KfAccount.deleted_at.is_(None))
    )
    if (count or 0) >= ACCOUNTS_MAX:
        raise WxError(95005, f"kf account count exceed limit {ACCOUNTS_MAX}")
    row = KfAccount(
        open_kfid=ids.open_kfid(), corp_id=corp.corp_id, name=clean, avatar=avatar, created_at=uow.now()
    )
    uow.session.add(row)
    uow.publish(
        KfAccountCreated(open_kfid=row.open_kfid, corpid=corp.corpid, corp_name=corp.name, name=clean)
    )
    return row.open_kfid


def update_account(
    *, uow: UnitOfWork, corp: CorpInfo, open_kfid: object, name: object = None, media_id: object = None
) -> None:
    """account/update: a new name, a new avatar, or both."""
    row = account_row(uow, corp.corp_id, open_kfid)
    if name is None and media_id is None:
        raise WxError(40058, "nothing to update: give name or media_id")
    if name is not None:
        row.name = _clean_name(name)
    if media_id is not None:
        row.avatar = media.image_at(uow, corp.corp_id, media_id, AVATAR_SIDE)
    uow.publish(
        KfAccountChanged(open_kfid=row.open_kfid, corpid=corp.corpid, corp_name=corp.name, name=row.name)
    )


def delete_account(*, uow: UnitOfWork, corp: CorpInfo, open_kfid: object) -> None:
    """account/del: the account is gone from every API and every link to it."""
    row = account_row(uow, corp.corp_id, open_kfid)
    row.deleted_at = uow.now()
    uow.session.execute(delete(KfServicer).where(KfServicer.account_id == row.id))
    uow.publish(KfAccountDeleted(open_kfid=row.open_kfid))


def list_accounts(*, uow: UnitOfWork, corp: CorpInfo, offset: int, limit: int) -> list[KfAccountInfo]:
    """account/list: the corp's accounts, oldest first, `limit` (1–100) from `offset`."""
    if offset < 0 or not 1 <= limit <= LIST_LIMIT_MAX:
        raise WxError(40058, f"invalid offset or limit: offset ≥ 0, limit 1–{LIST_LIMIT_MAX}")
    rows = uow.session.scalars(
        select(KfAccount)
        .where(KfAccount.corp_id == corp.corp_id, KfAccount.deleted_at.is_(None))
        .order_by(KfAccount.id)
        .offset(offset)
        .limit(limit)
    )
    corp_row = _corp(uow, corp.corp_id)
    return [_info(row, corp_row) for row in rows]


def contact_way(*, corp: CorpInfo, uow: UnitOfWork, open_kfid: object, scene: object, base_url: str) -> str:
    """add_contact_way: the link that opens a conversation with the account on the phone; `scene`
    (≤32 of [0-9A-Za-z_-]) comes back in the enter_session event of whoever follows it."""
    row = account_row(uow, corp.corp_id, open_kfid)
    if scene is not None and (not isinstance(scene, str) or not SCENE.fullmatch(scene)):
        raise WxError(40058, "invalid scene: at most 32 of 0-9 A-Z a-z _ -")
    return base_url.rstrip("/") + conversation_link(row.open_kfid, scene or "")


def conversation_link(open_kfid: str, scene: str = "") -> str:
    """Where the phone opens a conversation with the account, carrying the scene, if any."""
    return f"/kf/{open_kfid}" + (f"?{urlencode({'scene': scene})}" if scene else "")


def find_account(uow: UnitOfWork, open_kfid: str) -> KfAccountInfo | None:
    """A live account by open_kfid, whichever corp it belongs to (what a link opens)."""
    row = uow.session.execute(
        select(KfAccount, Corp)
        .join(Corp, Corp.id == KfAccount.corp_id)
        .where(KfAccount.open_kfid == open_kfid, KfAccount.deleted_at.is_(None))
    ).one_or_none()
    return _info(*row) if row else None


def avatar(uow: UnitOfWork, open_kfid: str) -> bytes | None:
    """A live account's avatar (JPEG)."""
    return uow.session.scalar(
        select(KfAccount.avatar).where(KfAccount.open_kfid == open_kfid, KfAccount.deleted_at.is_(None))
    )


def searchable_accounts(
    uow: UnitOfWork, *, after: int = 0, limit: int = 500
) -> list[tuple[int, KfAccountInfo]]:
    """Every live account, in pages by row id (for rebuilding a search index)."""
    rows = uow.session.execute(
        select(KfAccount, Corp)
        .join(Corp, Corp.id == KfAccount.corp_id)
        .where(KfAccount.id > after, KfAccount.deleted_at.is_(None))
        .order_by(KfAccount.id)
        .limit(limit)
    )
    return [(account.id, _info(account, corp)) for account, corp in rows]


def _userids(userid_list: object) -> list[str]:
    if not isinstance(userid_list, list) or not userid_list:
        raise WxError(40058, "userid_list must name 1–100 userids")
    if len(userid_list) > SERVICERS_PER_CALL:
        raise WxError(40058, f"userid_list names more than {SERVICERS_PER_CALL} userids")
    if not all(isinstance(userid, str) for userid in userid_list):
        raise WxError(47001, "data format error")
    return list(dict.fromkeys(userid_list))


def _servicer_change(
    uow: UnitOfWork, corp: CorpInfo, open_kfid: object, userid_list: object, *, adding: bool
) -> list[ServicerResult]:
    account = account_row(uow, corp.corp_id, open_kfid)
    results = []
    for userid in _userids(userid_list):
        try:
            staff = staff_row(uow, corp.corp_id, userid)
        except WxError as refused:
            results.append(ServicerResult(userid, refused.errcode, refused.errmsg))
            continue
        key = (account.id, staff.id)
        exists = uow.session.get(KfServicer, key) is not None
        if adding and not exists:
            uow.session.add(KfServicer(account_id=account.id, staff_id=staff.id, added_at=uow.now()))
        elif not adding and exists:
            uow.session.execute(
                delete(KfServicer).where(KfServicer.account_id == account.id, KfServicer.staff_id == staff.id)
            )
        results.append(ServicerResult(userid, 0, "success"))
    return results


def add_servicers(
    *, uow: UnitOfWork, corp: CorpInfo, open_kfid: object, userid_list: object
) -> list[ServicerResult]:
    """servicer/add: each userid's result; a member not in the corp gets 60111, the others are added."""
    return _servicer_change(uow, corp, open_kfid, userid_list, adding=True)


def remove_servicers(
    *, uow: UnitOfWork, corp: CorpInfo, open_kfid: object, userid_list: object
) -> list[ServicerResult]:
    """servicer/del: each userid's result."""
    return _servicer_change(uow, corp, open_kfid, userid_list, adding=False)


def list_servicers(*, uow: UnitOfWork, corp: CorpInfo, open_kfid: object) -> list[str]:
    """servicer/list: the userids serving the account, in the order they were added."""
    account = account_row(uow, corp.corp_id, open_kfid)
    return list(
        uow.session.scalars(
            select(Staff.userid)
            .join(KfServicer, KfServicer.staff_id == Staff.id)
            .where(KfServicer.account_id == account.id)
            .order_by(KfServicer.added_at, Staff.id)
        )
    )


def is_servicer(uow: UnitOfWork, account_id: int, staff_id: int) -> bool:
    return uow.session.get(KfServicer, (account_id, staff_id)) is not None
