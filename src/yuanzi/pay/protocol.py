"""WeChat Pay v3's signed protocol: every request verified, every response signed.

A request carries `Authorization: WECHATPAY2-SHA256-RSA2048 mchid=…,nonce_str=…,signature=…,
timestamp=…,serial_no=…`, a SHA256-with-RSA signature by the merchant's API key over
`METHOD\\nPATH?QUERY\\nTIMESTAMP\\nNONCE\\nBODY\\n` (the exact bytes sent). A response carries
`Wechatpay-Timestamp/-Nonce/-Serial/-Signature/-Signature-Type` over `TIMESTAMP\\nNONCE\\nBODY\\n`,
signed with the platform public key when the request named it in `Wechatpay-Serial`, else with
the newest platform certificate. See docs/pay.md.

The replay window is measured on the real clock: clients sign with theirs, and moving the sandbox
clock forward (to expire orders) must not lock every SDK out.
"""

from __future__ import annotations

import dataclasses
import re
import secrets
import time
from collections.abc import Callable, Coroutine
from typing import Annotated, Any, TypeVar, cast

from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import Depends, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from sqlalchemy import Connection, Table, delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from yuanzi.core import crypto
from yuanzi.core.db import inserted
from yuanzi.core.http import FastJSONResponse, runtime
from yuanzi.core.observability import current_request_id
from yuanzi.core.runtime import Runtime
from yuanzi.core.uow import UnitOfWork
from yuanzi.pay import keyring
from yuanzi.pay.errors import PayError, invalid_request, param_error, sign_error
from yuanzi.pay.keyring import CERTIFICATE, PUBLIC_KEY, PUBLIC_KEY_ID_PREFIX, wall_now
from yuanzi.pay.models import RequestNonce

_T = TypeVar("_T")
SCHEME = "WECHATPAY2-SHA256-RSA2048"
SIGNATURE_TYPE = SCHEME
REPLAY_WINDOW = 300  # seconds either side of our clock, as wechatpay-axios-plugin checks ours
_AUTH_FIELD = re.compile(r'(\w+)="([^"]*)"')
_AUTH_FIELDS = ("mchid", "nonce_str", "signature", "timestamp", "serial_no")
_FORMAT_ERROR = "Http头Authorization值格式错误,请参考《微信支付商户REST API签名规则》"


@dataclasses.dataclass(frozen=True)
class Caller:
    """The merchant a verified request came from, and the platform key its responses are signed with."""

    mchid: str
    appid: str
    apiv3_key: str
    signing_serial: str
    signing_key: rsa.RSAPrivateKey


def parse_authorization(header: str) -> dict[str, str]:
    """The fields of an Authorization header, or 401 SIGN_ERROR."""
    scheme, _, rest = header.strip().partition(" ")
    if not header.strip():
        raise sign_error(_FORMAT_ERROR, "Authorization is missing", field="authorization", location="header")
    if scheme != SCHEME:
        raise sign_error("Http头Authorization认证类型不正确", f"the scheme must be {SCHEME}")
    fields = dict(_AUTH_FIELD.findall(rest))
    missing = [name for name in _AUTH_FIELDS if not fields.get(name)]
    if missing:
        raise sign_error(_FORMAT_ERROR, f"missing {', '.join(missing)}", field="authorization")
    return fields


def signed_message(method: str, target: str, timestamp: str, nonce: str, body: bytes) -> bytes:
    """The string a merchant signs for a request."""
    return f"{method}\n{target}\n{timestamp}\n{nonce}\n".encode() + body + b"\n"


def _check_signature(
    key: rsa.RSAPublicKey, method: str, target: str, auth: dict[str, str], body: bytes
) -> None:
    message = signed_message(method, target, auth["timestamp"], auth["nonce_str"], body)
    if crypto.rsa_verify(key, message, auth["signature"]):
        return
    # wechatpay-node-v3 signs an empty body without the final newline; the content is the same.
    if not body and crypto.rsa_verify(key, message[:-1], auth["signature"]):
        return
    raise sign_error(
        "错误的签名,验签失败",
        "sign not match",
        field="signature",
        location="authorization",
        sign_information={
            "method": method,
            "url": target,
            "sign_message_length": len(message),
            "truncated_sign_message": message[: len(message) - len(body)].decode(errors="replace"),
        },
    )


def _check_timestamp(value: str) -> None:
    if not value.isdigit():
        raise sign_error(_FORMAT_ERROR, "timestamp is not a number", field="timestamp")
    if abs(time.time() - int(value)) > REPLAY_WINDOW:
        raise sign_error(
            "Http头Authorization中的timestamp已过期,请检查系统时间",
            f"timestamp is more than {REPLAY_WINDOW} seconds from the server's clock",
            field="timestamp",
        )


_INSERT_NONCE = {
    is_pg: insert(cast(Table, RequestNonce.__table__))
    .on_conflict_do_nothing()
    .returning(RequestNonce.seen_at)
    for is_pg, insert in ((False, sqlite_insert), (True, pg_insert))
}
_PRUNE_EVERY = 60.0  # seconds between sweeps of expired nonces (per process)
_last_prune = 0.0


def _record_nonce(session: Session | Connection, mchid: str, nonce: str, timestamp: int) -> None:
    global _last_prune
    now = int(time.time())
    if time.monotonic() - _last_prune > _PRUNE_EVERY:
        _last_prune = time.monotonic()
        session.execute(delete(RequestNonce).where(RequestNonce.seen_at < now - 2 * REPLAY_WINDOW))
    values = {"mchid": mchid, "nonce": nonce[:64], "seen_at": max(now, timestamp)}
    dialect = session.dialect if isinstance(session, Connection) else session.get_bind().dialect
    result = session.execute(_INSERT_NONCE[dialect.name == "postgresql"], values)
    if not inserted(result):
        raise sign_error("nonce_str重复,请求已被处理过", "nonce_str was used before", field="nonce_str")


def _signer(session: Session | Connection, mchid: str, wechatpay_serial: str) -> keyring.Signer:
    if wechatpay_serial:
        named = keyring.signer(session, mchid, wechatpay_serial)
        if named is None:
            what = "公钥ID" if wechatpay_serial.startswith(PUBLIC_KEY_ID_PREFIX) else "平台证书序列号"
            raise invalid_request(f"Wechatpay-Serial中的{what}不正确: {wechatpay_serial}")
        return named
    default = keyring.signer(session, mchid, CERTIFICATE) or keyring.signer(session, mchid, PUBLIC_KEY)
    if default is None:
        raise PayError(500, "SYSTEM_ERROR", "the merchant has no valid platform key")
    return default


def authenticate(
    session: Session | Connection,
    *,
    method: str,
    target: str,
    body: bytes,
    authorization: str,
    wechatpay_serial: str,
) -> Caller:
    """Verify a signed request and remember its nonce; returns the caller, or raises PayError."""
    auth = parse_authorization(authorization)
    _check_timestamp(auth["timestamp"])
    merchant = keyring.merchant(session, auth["mchid"])
    if merchant is None:
        raise sign_error("商户号不存在", "mchid not found", field="mchid", location="authorization")
    api_key = keyring.api_key(session, auth["serial_no"].upper())
    if api_key is None or api_key.mchid != merchant.mchid:
        raise sign_error(
            "商户证书序列号有误", "serial_no not found", field="serial_no", location="authorization"
        )
    if not api_key.not_before <= wall_now() < api_key.not_after:
        raise sign_error("商户证书已过期", "certificate expired", field="serial_no", location="authorization")
    _check_signature(api_key.key, method, target, auth, body)
    signer = _signer(session, merchant.mchid, wechatpay_serial.strip())
    _record_nonce(session, merchant.mchid, auth["nonce_str"], int(auth["timestamp"]))
    keyring.note_signing_mode(session, merchant, signer.kind)
    return Caller(
        mchid=merchant.mchid,
        appid=merchant.appid,
        apiv3_key=merchant.apiv3_key,
        signing_serial=signer.serial_no,
        signing_key=signer.key,
    )


def signature_headers(key: rsa.RSAPrivateKey, serial: str, body: bytes) -> dict[str, str]:
    """The Wechatpay-* headers of a response or callback whose body is `body`."""
    timestamp = str(int(time.time()))
    nonce = secrets.token_hex(16)
    message = f"{timestamp}\n{nonce}\n".encode() + body + b"\n"
    return {
        "Wechatpay-Timestamp": timestamp,
        "Wechatpay-Nonce": nonce,
        "Wechatpay-Serial": serial,
        "Wechatpay-Signature": crypto.rsa_sign(key, message),
        "Wechatpay-Signature-Type": SIGNATURE_TYPE,
    }


def _authenticate_in_own_transaction(rt: Runtime, request: Request, body: bytes) -> Caller:
    # The nonce is committed on its own, so a replay is refused even when the first request failed.
    target = request.scope.get("raw_path", request.url.path.encode()).decode("latin-1")
    query = request.scope.get("query_string", b"").decode("latin-1")
    if query:
        target = f"{target}?{query}"
    # A Core connection, not an ORM session: this runs on every request and needs no objects.
    with rt.engine.begin() as connection:
        return authenticate(
            connection,
            method=request.method,
            target=target,
            body=body,
            authorization=request.headers.get("authorization", ""),
            wechatpay_serial=request.headers.get("wechatpay-serial", ""),
        )


def error_response(error: PayError) -> Response:
    """An error in WeChat Pay's shape (signed by the caller, when there is one)."""
    return FastJSONResponse(error.to_json(), status_code=error.status)


def _validation_error(exc: RequestValidationError) -> PayError:
    first = exc.errors()[0] if exc.errors() else {}
    loc = [str(p) for p in first.get("loc", ()) if p not in ("body", "query", "path")]
    kind = str(first.get("type", ""))
    location = str(first.get("loc", ("body",))[0]) if first.get("loc") else "body"
    if kind == "json_invalid":
        return PayError(
            400, "PARAM_ERROR", "请求体JSON格式错误", {"location": "body", "issue": "invalid JSON"}
        )
    field = ".".join(loc) or location
    return param_error(
        field, first.get("input") if kind != "missing" else None, str(first.get("msg", "")), location
    )


class SignedRoute(APIRoute):
    """A `/v3/` route: the request is verified before the endpoint runs, the response is signed after,
    and errors render in WeChat Pay's shape. Endpoints read the merchant from `caller(request)`."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        endpoint = super().get_route_handler()

        async def signed(request: Request) -> Response:
            body = await request.body()
            try:
                caller = await run_in_threadpool(
                    _authenticate_in_own_transaction, runtime(request), request, body
                )
            except PayError as exc:
                return _with_request_id(error_response(exc))
            request.state.pay_caller = caller
            try:
                response = await endpoint(request)
            except PayError as exc:
                response = error_response(exc)
            except RequestValidationError as exc:
                response = error_response(_validation_error(exc))
            response.headers.update(
                signature_headers(caller.signing_key, caller.signing_serial, bytes(response.body))
            )
            return _with_request_id(response)

        return signed


def _with_request_id(response: Response) -> Response:
    response.headers["Request-ID"] = current_request_id()
    return response


async def caller(request: Request) -> Caller:
    """A dependency: the merchant whose signed request this is."""
    who: Caller = request.state.pay_caller
    return who


Merchant = Annotated[Caller, Depends(caller)]


async def in_unit_of_work(request: Request, work: Callable[[UnitOfWork], _T]) -> _T:
    """Run `work` in a worker thread inside one unit of work (`work` commits if it changes state)."""
    rt = runtime(request)

    def run() -> _T:
        with rt.uow() as uow:
            return work(uow)

    return await run_in_threadpool(run)
