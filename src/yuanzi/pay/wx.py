"""WeChat Pay v3 routes (`/v3/…`): every one verified and signed by `SignedRoute`.

Endpoints are `async` and do their database work in one worker-thread hop (`in_unit_of_work`):
a sync endpoint with sync dependencies would take a thread hop for each of them.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from yuanzi.core import crypto
from yuanzi.pay import merchants, wx_combine, wx_coupons, wx_orders, wx_refunds, wx_statements
from yuanzi.pay.protocol import Merchant, SignedRoute, in_unit_of_work
from yuanzi.pay.wire import rfc3339

router = APIRouter(prefix="/v3", tags=["pay: WeChat Pay v3"], route_class=SignedRoute)


@router.get("/certificates")
async def certificates(merchant: Merchant, request: Request) -> dict[str, Any]:
    """The merchant's valid platform certificates, each encrypted with its APIv3 key."""
    data = []
    for cert in await in_unit_of_work(
        request, lambda uow: merchants.platform_certificates(uow, merchant.mchid)
    ):
        nonce = crypto.nonce(12)
        data.append(
            {
                "serial_no": cert.serial_no,
                "effective_time": rfc3339(cert.not_before),
                "expire_time": rfc3339(cert.not_after),
                "encrypt_certificate": {
                    "algorithm": "AEAD_AES_256_GCM",
                    "nonce": nonce,
                    "associated_data": "certificate",
                    "ciphertext": crypto.aead_encrypt(
                        merchant.apiv3_key.encode(), nonce, "certificate", cert.certificate_pem
                    ),
                },
            }
        )
    return {"data": data}


router.include_router(wx_orders.router)
router.include_router(wx_refunds.router)
router.include_router(wx_coupons.router)
router.include_router(wx_statements.router)
router.include_router(wx_combine.router)
