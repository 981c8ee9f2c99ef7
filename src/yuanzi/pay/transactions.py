"""Payment orders: create (JSAPI, APP, H5, Native), query, close, and expiry on the platform clock."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import secrets
from enum import StrEnum
from typing import Any, cast

from sqlalchemy import Table, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from yuanzi.core import crypto
from yuanzi.core.db import inserted
from yuanzi.core.errors import NotFound, WxError
from yuanzi.core.uow import UnitOfWork
from yuanzi.identity import service as identity_service
from yuanzi.pay import keyring
from yuanzi.pay.errors import PayError, param_error
from yuanzi.pay.models import Transaction
from yuanzi.pay.wire import BEIJING, rfc3339

# A prepay_id is valid two hours; the same order asked for again after that gets a fresh one.
PREPAY_TTL = dt.timedelta(hours=2)


class TradeType(StrEnum):
    """How the user is asked to pay."""

    JSAPI = "JSAPI"
    APP = "APP"
    MWEB = "MWEB"  # H5
    NATIVE = "NATIVE"


class TradeState(StrEnum):
    """WeChat Pay's trade_state."""

    SUCCESS = "SUCCESS"
    REFUND = "REFUND"
    NOTPAY = "NOTPAY"
    CLOSED = "CLOSED"
    REVOKED = "REVOKED"
    USERPAYING = "USERPAYING"
    PAYERROR = "PAYERROR"


TRADE_STATE_DESC = {
    TradeState.SUCCESS: "支付成功",
    TradeState.REFUND: "转入退款",
    TradeState.NOTPAY: "未支付",
    TradeState.CLOSED: "已关闭",
    TradeState.REVOKED: "已撤销",
    TradeState.USERPAYING: "用户支付中",
    TradeState.PAYERROR: "支付失败",
}


@dataclasses.dataclass(frozen=True)
class OrderRequest:
    """A validated order as the merchant sent it."""

    trade_type: TradeType
    appid: str
    mchid: str
    description: str
    out_trade_no: str
    notify_url: str
    total: int
    currency: str
    payer_openid: str | None = None
    time_expire: dt.datetime | None = None
    attach: str | None = None
    goods_tag: str | None = None
    scene_info: dict[str, Any] | None = None

    def digest(self) -> str:
        """A fingerprint of every parameter, to tell a retry from a reuse of out_trade_no."""
        fields = [getattr(self, f.name) for f in _ORDER_FIELDS]
        fields[_ORDER_FIELDS.index(_TIME_EXPIRE)] = self.time_expire.isoformat() if self.time_expire else None
        canonical = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()


_ORDER_FIELDS = dataclasses.fields(OrderRequest)
_TIME_EXPIRE = next(f for f in _ORDER_FIELDS if f.name == "time_expire")


@dataclasses.dataclass(frozen=True)
class Prepay:
    """What order creation hands back: the prepay_id and the Native code token."""

    prepay_id: str
    code_url_token: str
    trade_type: TradeType


def _digits(n: int) -> str:
    return f"{secrets.randbelow(10**n):0{n}d}"


def new_prepay_id(now: dt.datetime) -> str:
    """`wx` + Beijing time to the second + 20 hex digits, the shape WeChat's prepay_ids have."""
    return "wx" + now.astimezone(BEIJING).strftime("%Y%m%d%H%M%S") + secrets.token_hex(10)


def new_transaction_id(now: dt.datetime) -> str:
    """28 digits: `4200`, a shard, the Beijing date, a sequence — WeChat's transaction_id shape."""
    return "4200" + _digits(6) + now.astimezone(BEIJING).strftime("%Y%m%d") + _digits(10)


def _code_url_token() -> str:
    return crypto.nonce(16)


def code_url(token: str) -> str:
    """The Native payment URL the merchant turns into a QR code."""
    return f"weixin://wxpay/bizpayurl?pr={token}"


def current_state(row: Transaction, now: dt.datetime) -> TradeState:
    """The order's state at `now`: an unpaid order past its time_expire is closed."""
    state = TradeState(row.trade_state)
    if (
        state in (TradeState.NOTPAY, TradeState.PAYERROR)
        and row.time_expire is not None
        and now >= row.time_expire
    ):
        return TradeState.CLOSED
    return state


def _check_merchant(uow: UnitOfWork, caller_mchid: str, mchid: str, appid: str) -> None:
    if mchid != caller_mchid:
        if keyring.merchant(uow.session, mchid) is None:
            raise PayError(400, "MCH_NOT_EXISTS", "商户号不存在")
        raise PayError(403, "NO_AUTH", "请求的商户号与签名的商户号不一致")
    merchant = keyring.merchant(uow.session, mchid)
    assert merchant is not None  # the caller was authenticated as this merchant
    if merchant.appid != appid:
        raise PayError(400, "APPID_MCHID_NOT_MATCH", "appid和mch_id不匹配")


def _check_payer(uow: UnitOfWork, order: OrderRequest) -> None:
    if order.trade_type is not TradeType.JSAPI:
        return
    if not order.payer_openid:
        raise param_error("payer.openid", None, "JSAPI下单必须传入payer.openid")
    try:
        identity_service.user_for_openid(uow=uow, appid=order.appid, openid=order.payer_openid)
    except WxError:
        raise PayError(500, "OPENID_MISMATCH", "openid和appid不匹配") from None


def create_order(*, uow: UnitOfWork, caller_mchid: str, order: OrderRequest) -> Prepay:
    """Create an order, or return the same prepay for a retry with the same parameters."""
    _check_merchant(uow, caller_mchid, order.mchid, order.appid)
    _check_payer(uow, order)
    now = uow.now()
    if order.time_expire is not None and order.time_expire <= now:
        raise param_error("time_expire", rfc3339(order.time_expire), "time_expire已过期")
    digest = order.digest()
    created = _insert(uow, order, digest, now)
    if created is not None:
        return created
    existing = _by_out_trade_no(uow, order.mchid, order.out_trade_no)
    assert existing is not None
    return _retry(uow, existing, digest, now)


def place_order(
    *,
    uow: UnitOfWork,
    mchid: str,
    user_id: int,
    description: str,
    total: int,
    out_trade_no: str,
    notify_url: str,
    attach: str | None = None,
) -> str:
    """A JSAPI order another component places on a merchant's behalf for a user — what the
    merchant's own backend would send to /v3/pay/transactions/jsapi (a live room's shelf does,
    for its merchant). The same rules apply: out_trade_no reuse, amounts; returns the prepay_id,
    which opens the payment sheet. The merchant is notified on its notify_url as usual."""
    merchant = keyring.merchant(uow.session, mchid)
    if merchant is None:
        raise NotFound("merchant", mchid)
    openid = identity_service.openid_for(uow=uow, appid=merchant.appid, user_id=user_id)
    order = OrderRequest(
        trade_type=TradeType.JSAPI,
        appid=merchant.appid,
        mchid=mchid,
        description=description,
        out_trade_no=out_trade_no,
        notify_url=notify_url,
        total=total,
        currency="CNY",
        payer_openid=openid,
        attach=attach,
    )
    return create_order(uow=uow, caller_mchid=mchid, order=order).prepay_id


# Built once: a Core INSERT … ON CONFLICT DO NOTHING on (mchid, out_trade_no), for SQLite / PostgreSQL.
_INSERT = {
    is_pg: insert(cast(Table, Transaction.__table__)).on_conflict_do_nothing(
        index_elements=["mchid", "out_trade_no"]
    )
    for is_pg, insert in ((False, sqlite_insert), (True, pg_insert))
}


def _insert(uow: UnitOfWork, order: OrderRequest, digest: str, now: dt.datetime) -> Prepay | None:
    """Insert a new order (one Core statement); None when out_trade_no is already taken."""
    prepay_id, token = new_prepay_id(now), _code_url_token()
    values: dict[str, object] = {
        "mchid": order.mchid,
        "out_trade_no": order.out_trade_no,
        "appid": order.appid,
        "trade_type": order.trade_type.value,
        "request_digest": digest,
        "prepay_id": prepay_id,
        "code_url_token": token,
        "description": order.description,
        "attach": order.attach,
        "goods_tag": order.goods_tag,
        "notify_url": order.notify_url,
        "total": order.total,
        "currency": order.currency,
        "payer_openid": order.payer_openid,
        "scene_info": json.dumps(order.scene_info, ensure_ascii=False) if order.scene_info else None,
        "time_expire": order.time_expire,
        "trade_state": TradeState.NOTPAY.value,
        "created_at": now,
    }
    statement = _INSERT[uow.session.get_bind().dialect.name == "postgresql"]
    if not inserted(uow.session.execute(statement, values)):
        return None  # a retry, or the same out_trade_no created concurrently
    return Prepay(prepay_id=prepay_id, code_url_token=token, trade_type=order.trade_type)


def _retry(uow: UnitOfWork, row: Transaction, digest: str, now: dt.datetime) -> Prepay:
    state = current_state(row, now)
    if state in (TradeState.SUCCESS, TradeState.REFUND):
        raise PayError(403, "ORDERPAID", "该订单已支付")
    if state is TradeState.CLOSED:
        raise PayError(400, "ORDER_CLOSED", "订单已关闭")
    if row.request_digest != digest:
        raise PayError(403, "OUT_TRADE_NO_USED", "商户订单号重复")
    if now - row.created_at >= PREPAY_TTL:
        row.prepay_id = new_prepay_id(now)
        row.created_at = now
    return _prepay(row)


def _prepay(row: Transaction) -> Prepay:
    return Prepay(
        prepay_id=row.prepay_id, code_url_token=row.code_url_token, trade_type=TradeType(row.trade_type)
    )


def _by_out_trade_no(uow: UnitOfWork, mchid: str, out_trade_no: str) -> Transaction | None:
    return uow.session.scalar(
        select(Transaction).where(Transaction.mchid == mchid, Transaction.out_trade_no == out_trade_no)
    )


def _order_not_exist() -> PayError:
    return PayError(404, "ORDER_NOT_EXIST", "订单不存在")


def find_order(
    uow: UnitOfWork, *, mchid: str, out_trade_no: str | None = None, transaction_id: str | None = None
) -> Transaction:
    """The merchant's order, or 404 ORDER_NOT_EXIST (also for another merchant's order)."""
    if out_trade_no is not None:
        row = _by_out_trade_no(uow, mchid, out_trade_no)
    else:
        row = uow.session.scalar(
            select(Transaction).where(
                Transaction.mchid == mchid, Transaction.transaction_id == transaction_id
            )
        )
    if row is None:
        raise _order_not_exist()
    return row


def check_query_mchid(caller_mchid: str, mchid: str | None) -> None:
    """Queries name the merchant in `?mchid=`; it must be the one that signed."""
    if not mchid:
        raise param_error("mchid", None, "缺少参数mchid", location="query")
    if mchid != caller_mchid:
        raise PayError(403, "NO_AUTH", "请求的商户号与签名的商户号不一致")


def close_order(*, uow: UnitOfWork, caller_mchid: str, mchid: str, out_trade_no: str) -> None:
    """Close an unpaid order so it can no longer be paid; closing twice is harmless."""
    if mchid != caller_mchid:
        raise PayError(403, "NO_AUTH", "请求的商户号与签名的商户号不一致")
    row = find_order(uow, mchid=mchid, out_trade_no=out_trade_no)
    now = uow.now()
    state = current_state(row, now)
    if state in (TradeState.SUCCESS, TradeState.REFUND):
        raise PayError(400, "ORDERPAID", "订单已支付,不能关单")
    if row.trade_state != TradeState.CLOSED.value:
        row.trade_state = TradeState.CLOSED.value
        row.closed_at = now


def transaction_json(row: Transaction, now: dt.datetime) -> dict[str, Any]:
    """The order as `GET /v3/pay/transactions/…` and TRANSACTION.SUCCESS describe it."""
    state = current_state(row, now)
    body: dict[str, Any] = {
        "appid": row.appid,
        "mchid": row.mchid,
        "out_trade_no": row.out_trade_no,
        "trade_state": state.value,
        "trade_state_desc": TRADE_STATE_DESC[state],
        "amount": {"total": row.total, "currency": row.currency, "payer_currency": row.currency},
        "payer": {"openid": row.payer_openid} if row.payer_openid else {},
        "promotion_detail": json.loads(row.promotion_detail) if row.promotion_detail else [],
    }
    if row.attach is not None:
        body["attach"] = row.attach
    if row.scene_info:
        scene = json.loads(row.scene_info)
        if scene.get("device_id"):
            body["scene_info"] = {"device_id": scene["device_id"]}
    if row.transaction_id is not None:
        body["transaction_id"] = row.transaction_id
        body["trade_type"] = row.trade_type
        body["bank_type"] = "OTHERS"
        if row.success_time is not None:
            body["success_time"] = rfc3339(row.success_time)
        if row.payer_total is not None:
            body["amount"]["payer_total"] = row.payer_total
    return body
