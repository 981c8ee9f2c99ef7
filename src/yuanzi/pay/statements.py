"""Bills (对账单): the trade bill and the fund flow bill of a Beijing day, in WeChat's CSV layout.

A bill is computed from the database each time it is asked for, deterministically (fixed row
order, gzip without a timestamp), so the hash given with the download URL matches the file served
later. The download token is stateless: the bill's parameters, the merchant and the time, signed
with the merchant's APIv3 key; it lasts 30 seconds of platform time, as WeChat's URLs do.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import gzip
import hashlib
import hmac
import json
from collections.abc import Iterable

from sqlalchemy import and_, func, select

from yuanzi.core.uow import UnitOfWork
from yuanzi.pay import ledger
from yuanzi.pay.errors import PayError, param_error
from yuanzi.pay.models import Merchant, Refund, Transaction
from yuanzi.pay.wire import BEIJING

TRADE_BILL_TYPES = ("ALL", "SUCCESS", "REFUND")
ACCOUNT_TYPES = ("BASIC", "OPERATION", "FEES")
TAR_TYPES = ("GZIP",)
DOWNLOAD_TTL = dt.timedelta(seconds=30)
HISTORY = dt.timedelta(days=90)

TRADE_HEADER = (
    "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,"
    "应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,"
    "手续费,费率,订单金额,申请退款金额,费率备注"
)
TRADE_SUMMARY = "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额"
FLOW_HEADER = (
    "记账时间,微信支付业务单号,资金流水单号,业务名称,业务类型,收支类型,收支金额（元）,账户结余（元）,"
    "资金变更提交申请人,备注,业务凭证号"
)
FLOW_SUMMARY = "资金流水总笔数,收入笔数,收入金额,支出笔数,支出金额"
FLOW_NAMES = {
    "payment": "交易",
    "refund": "退款",
    "settlement": "结算",
    "withdrawal": "提现",
    "collection": "收款码",
}


@dataclasses.dataclass(frozen=True)
class BillRequest:
    """Which bill: `kind` trade|fundflow, the Beijing date, the bill or account type, the packing."""

    kind: str
    mchid: str
    bill_date: dt.date
    type: str
    tar_type: str | None


@dataclasses.dataclass(frozen=True)
class BillFile:
    """The bytes of a bill and their SHA-1, as the bill APIs describe them."""

    content: bytes
    hash_value: str
    gzipped: bool


def parse_request(
    *, kind: str, mchid: str, bill_date: str, type: str, tar_type: str | None, now: dt.datetime
) -> BillRequest:
    """Validate a bill request as WeChat does; PayError otherwise."""
    try:
        day = dt.date.fromisoformat(bill_date)
    except ValueError:
        raise param_error("bill_date", bill_date, "账单日期格式须为YYYY-MM-DD", location="query") from None
    if len(bill_date) != 10:
        raise param_error("bill_date", bill_date, "账单日期格式须为YYYY-MM-DD", location="query")
    allowed, field = (TRADE_BILL_TYPES, "bill_type") if kind == "trade" else (ACCOUNT_TYPES, "account_type")
    if type not in allowed:
        raise param_error(field, type, f"{field}只能是{'/'.join(allowed)}", location="query")
    if tar_type is not None and tar_type not in TAR_TYPES:
        raise param_error("tar_type", tar_type, "tar_type只能是GZIP", location="query")
    today = now.astimezone(BEIJING).date()
    if not today - HISTORY <= day < today:
        raise PayError(400, "INVALID_REQUEST", "账单日期不合法或账单未生成(只能下载三个月内、今天之前的账单)")
    return BillRequest(kind=kind, mchid=mchid, bill_date=day, type=type, tar_type=tar_type)


def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time(), BEIJING).astimezone(dt.UTC)
    return start, start + dt.timedelta(days=1)


def yuan(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}"


def time_text(value: dt.datetime) -> str:
    return value.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S")


def csv_line(fields: Iterable[object]) -> str:
    # WeChat prefixes every value with a backtick so spreadsheets keep long numbers as text.
    return ",".join("`" + str(f).replace(",", "，").replace("\n", " ") for f in fields)


def _rate(fee_rate_ppm: int) -> str:
    return f"{fee_rate_ppm / 10_000:.2f}%"


def _is_cash(order: Transaction) -> bool:
    detail = json.loads(order.promotion_detail) if order.promotion_detail else []
    return bool(detail) and detail[0].get("type") == "CASH"


def trade_bill(uow: UnitOfWork, request: BillRequest) -> str:
    """The trade bill CSV; PayError NO_STATEMENT_EXIST for a day without rows."""
    merchant = uow.session.get(Merchant, request.mchid)
    assert merchant is not None
    start, end = _day_bounds(request.bill_date)
    rate = _rate(merchant.fee_rate_ppm)
    rows: list[tuple[dt.datetime, int, list[object]]] = []
    totals = {"settled": 0, "refund": 0, "voucher_refund": 0, "fee": 0, "orders": 0, "asked": 0}
    if request.type in ("ALL", "SUCCESS"):
        for order in uow.session.scalars(
            select(Transaction).where(
                Transaction.mchid == request.mchid,
                Transaction.success_time >= start,
                Transaction.success_time < end,
            )
        ):
            assert order.success_time is not None
            coupon = order.coupon_amount or 0
            settled = order.total - (0 if _is_cash(order) else coupon)
            fee = order.fee or 0
            totals["settled"] += settled
            totals["fee"] += fee
            totals["orders"] += order.total
            fields: list[object] = [
                time_text(order.success_time),
                order.appid,
                order.mchid,
                "0",
                "",
                order.transaction_id,
                order.out_trade_no,
                order.payer_openid or "",
                order.trade_type,
                "SUCCESS",
                "OTHERS",
                "CNY",
                yuan(settled),
                yuan(coupon),
                "0",
                "0",
                "0.00",
                "0.00",
                "",
                "",
                order.description,
                order.attach or "",
                yuan(fee),
                rate,
                yuan(order.total),
                "0.00",
                "",
            ]
            rows.append((order.success_time, order.id, fields))
    if request.type in ("ALL", "REFUND"):
        refunds = uow.session.execute(
            select(Refund, Transaction)
            .join(Transaction, Transaction.id == Refund.transaction_pk)
            .where(Refund.mchid == request.mchid, Refund.success_time >= start, Refund.success_time < end)
        ).all()
        for refund, order in refunds:
            assert refund.success_time is not None
            cash = _is_cash(order)
            settled_refund = refund.refund - (0 if cash else refund.discount_refund)
            voucher_refund = refund.discount_refund if cash else 0
            totals["refund"] += settled_refund
            totals["voucher_refund"] += voucher_refund
            totals["fee"] -= refund.fee_refund
            totals["asked"] += refund.refund
            fields = [
                time_text(refund.success_time),
                order.appid,
                order.mchid,
                "0",
                "",
                order.transaction_id,
                order.out_trade_no,
                order.payer_openid or "",
                order.trade_type,
                "REFUND",
                "OTHERS",
                "CNY",
                "0.00",
                "0.00",
                refund.refund_id,
                refund.out_refund_no,
                yuan(settled_refund),
                yuan(voucher_refund),
                "ORIGINAL",
                "SUCCESS",
                order.description,
                order.attach or "",
                yuan(-refund.fee_refund),
                rate,
                "0.00",
                yuan(refund.refund),
                "",
            ]
            rows.append((refund.success_time, -refund.id, fields))
    if not rows:
        raise PayError(400, "NO_STATEMENT_EXIST", "账单文件不存在")
    rows.sort(key=lambda row: (row[0], row[1]))
    summary = [
        len(rows),
        yuan(totals["settled"]),
        yuan(totals["refund"]),
        yuan(totals["voucher_refund"]),
        yuan(totals["fee"]),
        yuan(totals["orders"]),
        yuan(totals["asked"]),
    ]
    lines = [TRADE_HEADER, *(csv_line(fields) for _, _, fields in rows), TRADE_SUMMARY, csv_line(summary)]
    return "\r\n".join(lines) + "\r\n"


def fundflow_bill(uow: UnitOfWork, request: BillRequest) -> str:
    """The fund flow CSV of the merchant's basic account (its pending and available balances)."""
    start, end = _day_bounds(request.bill_date)
    codes = [f"merchant:{request.mchid}:pending", f"merchant:{request.mchid}:available"]
    account_ids = list(uow.session.scalars(select(ledger.Account.id).where(ledger.Account.code.in_(codes))))
    in_day = and_(ledger.LedgerTransaction.created_at >= start, ledger.LedgerTransaction.created_at < end)
    entries: list[tuple[int, int, ledger.LedgerTransaction]] = []
    opening = 0
    if request.type == "BASIC" and account_ids:
        opening = int(
            uow.session.scalar(
                select(func.coalesce(func.sum(ledger.Entry.amount), 0))
                .join(ledger.LedgerTransaction, ledger.LedgerTransaction.id == ledger.Entry.transaction_id)
                .where(ledger.Entry.account_id.in_(account_ids), ledger.LedgerTransaction.created_at < start)
            )
            or 0
        )
        entries = [
            (entry_id, amount, txn)
            for entry_id, amount, txn in uow.session.execute(
                select(ledger.Entry.id, ledger.Entry.amount, ledger.LedgerTransaction)
                .join(ledger.LedgerTransaction, ledger.LedgerTransaction.id == ledger.Entry.transaction_id)
                .where(ledger.Entry.account_id.in_(account_ids), in_day)
                .order_by(ledger.LedgerTransaction.created_at, ledger.Entry.id)
            )
        ]
    # A settlement moves money between the two balances of the basic account: not a flow of it.
    entries = [e for e in entries if e[2].kind != "settlement"]
    if request.type == "BASIC" and not entries:
        raise PayError(400, "NO_STATEMENT_EXIST", "账单文件不存在")
    balance = opening
    lines = [FLOW_HEADER]
    income = [0, 0]
    expense = [0, 0]
    for entry_id, amount, txn in entries:
        balance += amount
        side = income if amount > 0 else expense
        side[0] += 1
        side[1] += abs(amount)
        name = FLOW_NAMES.get(txn.kind, txn.kind)
        lines.append(
            csv_line(
                [
                    time_text(txn.created_at),
                    txn.key,
                    entry_id,
                    name,
                    name,
                    "收入" if amount > 0 else "支出",
                    yuan(abs(amount)),
                    yuan(balance),
                    "system",
                    txn.memo,
                    txn.key,
                ]
            )
        )
    lines += [
        FLOW_SUMMARY,
        csv_line([len(entries), income[0], yuan(income[1]), expense[0], yuan(expense[1])]),
    ]
    return "\r\n".join(lines) + "\r\n"


def bill_file(uow: UnitOfWork, request: BillRequest) -> BillFile:
    """The bill's bytes (gzipped if asked, without a timestamp so they are always the same)."""
    text = trade_bill(uow, request) if request.kind == "trade" else fundflow_bill(uow, request)
    return pack(text, request.tar_type)


def pack(text: str, tar_type: str | None) -> BillFile:
    """A CSV as the file served: UTF-8, gzipped (without a timestamp) when asked, with its SHA-1."""
    content = text.encode()
    if tar_type == "GZIP":
        content = gzip.compress(content, mtime=0)
    return BillFile(
        content=content,
        hash_value=hashlib.sha1(content, usedforsecurity=False).hexdigest(),
        gzipped=tar_type == "GZIP",
    )


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def download_token(request: BillRequest, apiv3_key: str, now: dt.datetime) -> str:
    """A token naming the bill, bound to the merchant and the time, signed with its APIv3 key."""
    payload = json.dumps(
        [
            request.kind,
            request.mchid,
            request.bill_date.isoformat(),
            request.type,
            request.tar_type,
            int(now.timestamp()),
        ],
        separators=(",", ":"),
    ).encode()
    mac = hmac.new(apiv3_key.encode(), payload, hashlib.sha256).digest()
    return f"{_b64(payload)}.{_b64(mac)}"


def read_token(token: str, *, mchid: str, apiv3_key: str, now: dt.datetime) -> BillRequest:
    """The bill a token names, if it is this merchant's and fresh; PayError INVALID_REQUEST otherwise."""
    try:
        payload_text, mac_text = token.split(".")
        payload, mac = _unb64(payload_text), _unb64(mac_text)
    except ValueError:
        raise PayError(400, "INVALID_REQUEST", "下载链接无效") from None
    expected = hmac.new(apiv3_key.encode(), payload, hashlib.sha256).digest()
    if not hmac.compare_digest(mac, expected):
        raise PayError(400, "INVALID_REQUEST", "下载链接无效")
    kind, token_mchid, bill_date, bill_type, tar_type, issued = json.loads(payload)
    if token_mchid != mchid:
        raise PayError(400, "INVALID_REQUEST", "下载链接无效")
    if now - dt.datetime.fromtimestamp(issued, dt.UTC) > DOWNLOAD_TTL:
        raise PayError(400, "INVALID_REQUEST", "下载链接已过期")
    return BillRequest(kind, mchid, dt.date.fromisoformat(bill_date), bill_type, tar_type)
