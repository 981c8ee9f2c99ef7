"""What the payer sees before paying: the order behind a prepay_id or a Native code_url, and the
check `wx.requestPayment` makes on its parameters (paySign by the merchant's API key over
`appId\\ntimeStamp\\nnonceStr\\npackage\\n`)."""

from __future__ import annotations

import dataclasses

from sqlalchemy import select

from yuanzi.core import crypto
from yuanzi.core.errors import InvalidInput, NotFound, Problem
from yuanzi.core.uow import UnitOfWork
from yuanzi.pay import combine, keyring
from yuanzi.pay.models import CombineOrder, Merchant, MerchantKey, Transaction
from yuanzi.pay.payments import CODE_URL_PREFIX
from yuanzi.pay.transactions import TradeState, current_state


@dataclasses.dataclass(frozen=True)
class OrderSheet:
    """The payment sheet: who is paid, for what, how much, and whether it can still be paid."""

    mchid: str
    merchant_name: str
    appid: str
    description: str
    out_trade_no: str
    total: int
    trade_state: TradeState
    trade_type: str
    prepay_id: str
    code_url: str
    payer_openid: str | None
    combined: bool = False  # a combined payment: several sub-orders, no vouchers

    @property
    def payable(self) -> bool:
        """Whether confirming the sheet can still pay the order."""
        return self.trade_state in (TradeState.NOTPAY, TradeState.PAYERROR)


def _sheet(uow: UnitOfWork, row: Transaction) -> OrderSheet:
    merchant = uow.session.get(Merchant, row.mchid)
    assert merchant is not None
    return OrderSheet(
        mchid=row.mchid,
        merchant_name=merchant.name,
        appid=row.appid,
        description=row.description,
        out_trade_no=row.out_trade_no,
        total=row.total,
        trade_state=current_state(row, uow.now()),
        trade_type=row.trade_type,
        prepay_id=row.prepay_id,
        code_url=CODE_URL_PREFIX + row.code_url_token,
        payer_openid=row.payer_openid,
    )


def order_sheet(*, uow: UnitOfWork, prepay_id: str | None = None, code_url: str | None = None) -> OrderSheet:
    """The order behind a prepay_id or a Native code_url, or NotFound."""
    if code_url is not None:
        code_url = code_url.strip()
        if not code_url.startswith(CODE_URL_PREFIX):
            raise InvalidInput(
                "not a WeChat Pay code: it should start with " + CODE_URL_PREFIX, field="code_url"
            )
        query = select(Transaction).where(
            Transaction.code_url_token == code_url.removeprefix(CODE_URL_PREFIX)
        )
    else:
        query = select(Transaction).where(Transaction.prepay_id == (prepay_id or ""))
    row = uow.session.scalar(query)
    if row is None or row.combine_pk is not None:
        token = code_url.removeprefix(CODE_URL_PREFIX) if code_url is not None else None
        combined = combine.lookup(uow, prepay_id=prepay_id, code_url_token=token)
        if combined is None:
            raise NotFound("order", prepay_id or code_url)
        return _combined_sheet(uow, combined)
    return _sheet(uow, row)


def _combined_sheet(uow: UnitOfWork, combined: CombineOrder) -> OrderSheet:
    subs = list(
        uow.session.scalars(
            select(Transaction).where(Transaction.combine_pk == combined.id).order_by(Transaction.id)
        )
    )
    merchant = uow.session.get(Merchant, combined.combine_mchid)
    assert merchant is not None
    states = {current_state(sub, uow.now()) for sub in subs}
    return OrderSheet(
        mchid=combined.combine_mchid,
        merchant_name=merchant.name,
        appid=combined.combine_appid,
        description=" + ".join(sub.description for sub in subs),
        out_trade_no=combined.combine_out_trade_no,
        total=sum(sub.total for sub in subs),
        trade_state=states.pop() if len(states) == 1 else TradeState.SUCCESS,
        trade_type=combined.trade_type,
        prepay_id=combined.prepay_id,
        code_url=CODE_URL_PREFIX + combined.code_url_token,
        payer_openid=combined.payer_openid,
        combined=True,
    )


def verify_payment_request(
    *,
    uow: UnitOfWork,
    app_id: str,
    time_stamp: str,
    nonce_str: str,
    package: str,
    sign_type: str,
    pay_sign: str,
) -> OrderSheet:
    """Check `wx.requestPayment`'s parameters as WeChat does; returns the order's sheet."""
    if sign_type != "RSA":
        raise Problem(400, "invalid_sign_type", "signType must be RSA for WeChat Pay v3")
    if not package.startswith("prepay_id="):
        raise Problem(400, "invalid_package", "package must be prepay_id=…")
    sheet = order_sheet(uow=uow, prepay_id=package.removeprefix("prepay_id="))
    if app_id != sheet.appid:
        raise Problem(400, "appid_mismatch", "appId is not the app the order was placed for")
    message = f"{app_id}\n{time_stamp}\n{nonce_str}\n{package}\n".encode()
    keys = uow.session.scalars(
        select(MerchantKey.public_key_pem).where(
            MerchantKey.mchid == sheet.mchid, MerchantKey.revoked_at.is_(None)
        )
    )
    if not any(crypto.rsa_verify(keyring.public_key(pem), message, pay_sign) for pem in keys):
        raise Problem(400, "invalid_pay_sign", "paySign is not the merchant's signature of these parameters")
    return sheet
