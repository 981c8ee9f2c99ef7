"""WeChat Pay v3 bill routes: ask for a trade or fund flow bill, then download it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from yuanzi.core.uow import UnitOfWork
from yuanzi.pay import coupon_flows, statements
from yuanzi.pay.protocol import Caller, Merchant, SignedRoute, in_unit_of_work

router = APIRouter(route_class=SignedRoute)


async def _bill(
    request: Request, merchant: Caller, *, kind: str, bill_date: str, type: str, tar_type: str | None
) -> dict[str, Any]:
    base = str(request.base_url).rstrip("/")

    def work(uow: UnitOfWork) -> dict[str, Any]:
        now = uow.now()
        bill = statements.parse_request(
            kind=kind, mchid=merchant.mchid, bill_date=bill_date, type=type, tar_type=tar_type, now=now
        )
        file = statements.bill_file(uow, bill)
        token = statements.download_token(bill, merchant.apiv3_key, now)
        # The URL starts with the base the client used: the wechatpayv3 SDK strips its gateway
        # from it and requests the rest.
        return {
            "hash_type": "SHA1",
            "hash_value": file.hash_value,
            "download_url": f"{base}/v3/billdownload/file?token={token}",
        }

    return await in_unit_of_work(request, work)


@router.get("/bill/tradebill")
async def trade_bill(
    merchant: Merchant,
    request: Request,
    bill_date: str = "",
    bill_type: str = "ALL",
    tar_type: str | None = None,
) -> dict[str, Any]:
    """The trade bill of a past Beijing day → {hash_type, hash_value, download_url}."""
    return await _bill(
        request, merchant, kind="trade", bill_date=bill_date, type=bill_type, tar_type=tar_type
    )


@router.get("/bill/fundflowbill")
async def fundflow_bill(
    merchant: Merchant,
    request: Request,
    bill_date: str = "",
    account_type: str = "BASIC",
    tar_type: str | None = None,
) -> dict[str, Any]:
    """The fund flow bill of a past Beijing day → {hash_type, hash_value, download_url}."""
    return await _bill(
        request, merchant, kind="fundflow", bill_date=bill_date, type=account_type, tar_type=tar_type
    )


@router.get("/billdownload/file")
async def download(merchant: Merchant, request: Request, token: str = "") -> Response:
    """The bill file a download_url names (valid 30 seconds)."""

    def work(uow: UnitOfWork) -> statements.BillFile:
        bill = statements.read_token(token, mchid=merchant.mchid, apiv3_key=merchant.apiv3_key, now=uow.now())
        if bill.kind in ("useflow", "refundflow"):
            return coupon_flows.flow_file(uow, bill)[0]
        return statements.bill_file(uow, bill)

    file = await in_unit_of_work(request, work)
    media_type = "application/octet-stream" if file.gzipped else "text/plain; charset=utf-8"
    return Response(file.content, media_type=media_type)
