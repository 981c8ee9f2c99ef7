"""WeChat Pay v3 routes (`/v3/…`): every one verified and signed by `SignedRoute`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from yuanzi.core import crypto
from yuanzi.core.http import unit_of_work
from yuanzi.core.uow import UnitOfWork
from yuanzi.pay import merchants
from yuanzi.pay.protocol import Caller, SignedRoute, caller
from yuanzi.pay.wire import rfc3339

router = APIRouter(prefix="/v3", tags=["pay: WeChat Pay v3"], route_class=SignedRoute)
UoW = Annotated[UnitOfWork, Depends(unit_of_work)]
Merchant = Annotated[Caller, Depends(caller)]


@router.get("/certificates")
def certificates(uow: UoW, merchant: Merchant) -> dict[str, Any]:
    """The merchant's valid platform certificates, each encrypted with its APIv3 key."""
    data = []
    for cert in merchants.platform_certificates(uow, merchant.mchid):
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
