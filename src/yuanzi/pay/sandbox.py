"""Pay's sandbox controls: open merchants and manage their keys without WeChat's paperwork."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field, StrictStr

from yuanzi.core.http import unit_of_work
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


class PublicKeyBody(Strict):
    public_key: StrictStr = Field(min_length=1, max_length=4096)


def _merchant_json(merchant: pay_service.MerchantInfo) -> dict[str, Any]:
    return {"mchid": merchant.mchid, "name": merchant.name, "appid": merchant.appid}


@router.post("/merchants", status_code=201)
def create_merchant(body: NewMerchantBody, uow: UoW) -> dict[str, str]:
    """Open a merchant account; its private key and APIv3 key are shown only here."""
    new = pay_service.create_merchant(uow=uow, name=body.name, appid=body.appid)
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
