"""Pay's sandbox controls: open merchants and manage their keys without WeChat's paperwork."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr

from yuanzi.core.http import runtime, unit_of_work
from yuanzi.core.uow import UnitOfWork
from yuanzi.pay import service as pay_service
from yuanzi.pay.wire import rfc3339

router = APIRouter(prefix="/sandbox", tags=["sandbox: pay"])
UoW = Annotated[UnitOfWork, Depends(unit_of_work)]


class Strict(BaseModel):
    """Request bodies: unknown fields are errors; fields use strict types."""

    model_config = ConfigDict(extra="forbid")


class NewMerchantBody(Strict):
    name: StrictStr = Field(min_length=1, max_length=64)
    appid: StrictStr = Field(min_length=1, max_length=32)
    fee_rate_ppm: StrictInt = Field(default=6000, ge=0, le=100_000)
    admin_user_id: StrictInt | None = None


class PublicKeyBody(Strict):
    public_key: StrictStr = Field(min_length=1, max_length=4096)


def _merchant_json(merchant: pay_service.MerchantInfo) -> dict[str, Any]:
    return {
        "mchid": merchant.mchid,
        "name": merchant.name,
        "appid": merchant.appid,
        "fee_rate_ppm": merchant.fee_rate_ppm,
    }


@router.post("/merchants", status_code=201)
def create_merchant(body: NewMerchantBody, uow: UoW) -> dict[str, Any]:
    """Open a merchant account; its private key and APIv3 key are shown only here."""
    new = pay_service.create_merchant(
        uow=uow,
        name=body.name,
        appid=body.appid,
        fee_rate_ppm=body.fee_rate_ppm,
        admin_user_id=body.admin_user_id,
    )
    uow.commit()
    return new.to_json()


@router.get("/merchants")
def list_merchants(uow: UoW, limit: int = 100, offset: int = 0) -> dict[str, Any]:
    """Merchants, oldest first."""
    rows = pay_service.list_merchants(uow=uow, limit=min(max(limit, 1), 500), offset=max(offset, 0))
    return {"merchants": [_merchant_json(m) for m in rows]}


@router.get("/merchants/{mchid}")
def get_merchant(mchid: str, uow: UoW) -> dict[str, Any]:
    """One merchant."""
    return _merchant_json(pay_service.get_merchant(uow=uow, mchid=mchid))


@router.post("/merchants/{mchid}/api-certificates", status_code=201)
def register_api_key(mchid: str, body: PublicKeyBody, uow: UoW) -> dict[str, str]:
    """Issue an API certificate for a public key the merchant generated itself."""
    serial, pem = pay_service.register_api_key(uow=uow, mchid=mchid, public_key_pem=body.public_key)
    uow.commit()
    return {"cert_serial_no": serial, "certificate": pem}


@router.post("/merchants/{mchid}/platform-certificates", status_code=201)
def rotate_platform_certificate(mchid: str, uow: UoW) -> dict[str, str]:
    """Rotate the platform certificate: responses are signed with the new one from now on."""
    cert = pay_service.rotate_platform_certificate(uow=uow, mchid=mchid)
    uow.commit()
    return {
        "serial_no": cert.serial_no,
        "certificate": cert.certificate_pem,
        "effective_time": rfc3339(cert.not_before),
        "expire_time": rfc3339(cert.not_after),
    }


class TopupBody(Strict):
    amount: StrictInt


class PayBody(Strict):
    prepay_id: StrictStr | None = Field(default=None, max_length=64)
    code_url: StrictStr | None = Field(default=None, max_length=128)
    h5_url: StrictStr | None = Field(default=None, max_length=512)
    coupon_id: StrictStr | None = Field(default=None, max_length=32)


class FailNextBody(Strict):
    count: StrictInt = Field(default=1, ge=0, le=100)


@router.get("/users/{user_id}/wallet")
def wallet(user_id: int, uow: UoW) -> dict[str, Any]:
    """The user's wallet balance (fen) and vouchers."""
    return {
        "balance": pay_service.wallet_balance(uow=uow, user_id=user_id),
        "coupons": pay_service.user_coupons(uow=uow, user_id=user_id),
    }


@router.post("/users/{user_id}/wallet/topup")
def topup(user_id: int, body: TopupBody, uow: UoW) -> dict[str, int]:
    """Add money to the user's wallet from outside the platform."""
    balance = pay_service.topup(uow=uow, user_id=user_id, amount=body.amount)
    uow.commit()
    return {"balance": balance}


@router.post("/users/{user_id}/pay")
def pay(user_id: int, body: PayBody, uow: UoW) -> dict[str, Any]:
    """Act as the user confirming payment of an order (prepay_id, Native code_url or H5 h5_url)."""
    result = pay_service.pay(
        uow=uow,
        user_id=user_id,
        prepay_id=body.prepay_id,
        code_url=body.code_url,
        h5_url=body.h5_url,
        coupon_id=body.coupon_id,
    )
    uow.commit()
    answer: dict[str, Any] = {
        "trade_state": result.trade_state.value,
        "mchid": result.mchid,
        "out_trade_no": result.out_trade_no,
        "total": result.total,
        "transaction_id": result.transaction_id,
    }
    if result.err_code:
        answer |= {"err_code": result.err_code, "err_code_des": result.err_code_des}
    return answer


def _notification_json(n: pay_service.NotificationInfo) -> dict[str, Any]:
    return {
        "id": n.id,
        "event_type": n.event_type,
        "subject": n.subject,
        "notify_url": n.notify_url,
        "state": n.state,
        "created_at": rfc3339(n.created_at),
        "next_attempt_at": rfc3339(n.next_attempt_at) if n.next_attempt_at else None,
        "delivered_at": rfc3339(n.delivered_at) if n.delivered_at else None,
        "attempts": [
            {
                "attempted_at": rfc3339(a.attempted_at),
                "status_code": a.status_code,
                "outcome": a.outcome,
                "detail": a.detail,
            }
            for a in n.attempts
        ],
    }


@router.get("/merchants/{mchid}/notifications")
def notifications(mchid: str, uow: UoW, limit: int = 50) -> dict[str, Any]:
    """The merchant's notifications, newest first, with every delivery attempt."""
    pay_service.get_merchant(uow=uow, mchid=mchid)
    rows = pay_service.list_notifications(uow=uow, mchid=mchid, limit=min(max(limit, 1), 200))
    return {"notifications": [_notification_json(n) for n in rows]}


@router.post("/merchants/{mchid}/notifications/fail-next")
def fail_next(mchid: str, body: FailNextBody, uow: UoW) -> dict[str, int]:
    """Make the merchant's next `count` notification deliveries fail (they are retried as usual)."""
    count = pay_service.fail_next_notifications(uow=uow, mchid=mchid, count=body.count)
    uow.commit()
    return {"fail_next": count}


@router.post("/notifications/{notification_id}/replay")
def replay(notification_id: str, uow: UoW, request: Request) -> dict[str, Any]:
    """Deliver a notification again now."""
    pay_service.replay_notification(uow=uow, notification_id=notification_id)
    uow.commit()
    runtime(request).wake()
    return _notification_json(pay_service.get_notification(uow=uow, notification_id=notification_id))


class WithdrawBody(Strict):
    amount: StrictInt


@router.get("/merchants/{mchid}/balance")
def merchant_balance(mchid: str, uow: UoW) -> dict[str, int]:
    """The merchant's pending (unsettled) and available funds, in fen."""
    held = pay_service.merchant_balance(uow=uow, mchid=mchid)
    return {"pending": held.pending, "available": held.available}


@router.post("/merchants/{mchid}/balance/withdraw")
def withdraw(mchid: str, body: WithdrawBody, uow: UoW) -> dict[str, int]:
    """Take money out of the merchant's balance (e.g. to make a later refund ABNORMAL)."""
    held = pay_service.withdraw(uow=uow, mchid=mchid, amount=body.amount)
    uow.commit()
    return {"pending": held.pending, "available": held.available}


class NewCodeBody(Strict):
    name: StrictStr = Field(min_length=1, max_length=64)
    mchid: StrictStr | None = Field(default=None, max_length=32)
    user_id: StrictInt | None = None


class CodePaymentBody(Strict):
    user_id: StrictInt
    amount: StrictInt
    remark: StrictStr | None = Field(default=None, max_length=64)
    idempotency_key: StrictStr | None = Field(default=None, min_length=8, max_length=64)


def _code_json(request: Request, code: pay_service.CodeInfo) -> dict[str, Any]:
    url = f"{str(request.base_url).rstrip('/')}/collect/{code.code_id}"
    return {
        "code_id": code.code_id,
        "name": code.name,
        "mchid": code.owner_mchid,
        "user_id": code.owner_user_id,
        "url": url,
        "png_url": url + ".png",
        "svg_url": url + ".svg",
        "payments": code.payments,
        "collected": code.collected,
    }


@router.post("/collection-codes", status_code=201)
def create_collection_code(body: NewCodeBody, uow: UoW, request: Request) -> dict[str, Any]:
    """Issue a collection code (收款码) to a merchant (mchid) or a person (user_id)."""
    code = pay_service.create_code(uow=uow, name=body.name, mchid=body.mchid, user_id=body.user_id)
    uow.commit()
    return _code_json(request, code)


@router.get("/collection-codes/{code_id}")
def collection_code(code_id: str, uow: UoW, request: Request) -> dict[str, Any]:
    """A code with the number of payments and the amount collected."""
    return _code_json(request, pay_service.get_code(uow=uow, code_id=code_id))


@router.post("/collection-codes/{code_id}/pay")
def pay_collection_code(code_id: str, body: CodePaymentBody, uow: UoW) -> dict[str, Any]:
    """Act as a user who scanned the code and paid `amount` fen."""
    result = pay_service.pay_code(
        uow=uow,
        code_id=code_id,
        user_id=body.user_id,
        amount=body.amount,
        remark=body.remark,
        idempotency_key=body.idempotency_key or uuid.uuid4().hex,
    )
    uow.commit()
    return {
        "collection_id": result.collection_id,
        "amount": result.amount,
        "payee": result.payee,
        "replayed": result.replayed,
        "balance": pay_service.wallet_balance(uow=uow, user_id=body.user_id),
    }
