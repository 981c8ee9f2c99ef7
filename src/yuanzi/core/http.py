"""HTTP plumbing shared by every component's routes: the runtime, units of work, JSON bodies,
and rendering `WxError` / `Problem` in their dialects."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

import orjson
from fastapi import Depends, FastAPI, Header, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from yuanzi.core.errors import Problem, WxError
from yuanzi.core.observability import current_request_id
from yuanzi.core.runtime import Runtime
from yuanzi.core.uow import UnitOfWork

# Paths served in the api.weixin.qq.com / qyapi dialects, whose errors are {"errcode", "errmsg"}.
WX_PREFIXES = ("/sns/", "/cgi-bin/", "/wxa/", "/datacube/", "/qyapi/")
# WeChat Pay v3 (api.mch.weixin.qq.com): errors are {"code", "message"} with the HTTP status. Pay's
# own routes render theirs (signed); this covers what no route answers (unknown path, method).
PAY_V3_PREFIX = "/v3/"
PAY_V3_CODES = {404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED", 413: "PARAM_ERROR"}
MAX_JSON_BODY = 1 << 20


class FastJSONResponse(JSONResponse):
    """JSON rendered by orjson (UTF-8, compact), the default response class."""

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


def runtime(request: Request) -> Runtime:
    """The runtime of the app serving `request`."""
    rt: Runtime = request.app.state.runtime
    return rt


def unit_of_work(request: Request) -> Iterator[UnitOfWork]:
    """A FastAPI dependency: a unit of work the endpoint commits; rolled back if it does not."""
    with runtime(request).uow() as uow:
        yield uow


def read_unit_of_work(request: Request) -> Iterator[UnitOfWork]:
    """A FastAPI dependency for endpoints that only read: a read-only unit of work."""
    with runtime(request).read_uow() as uow:
        yield uow


def acting_user(request: Request, x_yuanzi_user: Annotated[str | None, Header()] = None) -> int:
    """The user a `/api/` request acts as (sandbox: the X-Yuanzi-User header); production
    sign-in for the REST API is not built yet."""
    if not request.app.state.settings.is_sandbox:
        raise Problem(401, "sign_in_required", "this API needs a signed-in user; not available yet")
    if not x_yuanzi_user or not x_yuanzi_user.isdigit():
        raise Problem(401, "sign_in_required", "send X-Yuanzi-User: <user_id> to act as a sandbox user")
    return int(x_yuanzi_user)


def maybe_acting_user(request: Request, x_yuanzi_user: Annotated[str | None, Header()] = None) -> int | None:
    """The acting user if the request names one (sandbox), else None: for endpoints anyone may call."""
    if request.app.state.settings.is_sandbox and x_yuanzi_user and x_yuanzi_user.isdigit():
        return int(x_yuanzi_user)
    return None


UoW = Annotated[UnitOfWork, Depends(unit_of_work)]
ReadUoW = Annotated[UnitOfWork, Depends(read_unit_of_work)]
User = Annotated[int, Depends(acting_user)]
MaybeUser = Annotated[int | None, Depends(maybe_acting_user)]


def parse_wx_json(body: bytes) -> dict[str, Any]:
    """A WeChat-dialect JSON object body (sent with or without Content-Type), or 44002 / 47001."""
    if not body.strip():
        raise WxError(44002, "empty post data")
    if len(body) > MAX_JSON_BODY:
        raise WxError(47001, "data format error")
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise WxError(47001, "data format error") from None
    if not isinstance(data, dict):
        raise WxError(47001, "data format error")
    return data


async def wx_json_body(request: Request) -> dict[str, Any]:
    """A FastAPI dependency: the request's WeChat-dialect JSON object body."""
    return parse_wx_json(await request.body())


def wx_error_response(errcode: int, errmsg: str) -> JSONResponse:
    """WeChat's error shape: HTTP 200, errmsg suffixed with the request's rid."""
    return FastJSONResponse({"errcode": errcode, "errmsg": f"{errmsg}, rid: {current_request_id()}"})


def _is_wx_path(path: str) -> bool:
    return path.startswith(WX_PREFIXES)


def _problem_response(problem: Problem, request: Request) -> JSONResponse:
    return FastJSONResponse(
        problem.to_json(request.url.path), status_code=problem.status, media_type="application/problem+json"
    )


def install_error_handlers(app: FastAPI) -> None:
    """Render errors in the shape of the dialect the request spoke."""

    async def on_wx_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, WxError)
        return wx_error_response(exc.errcode, exc.errmsg)

    async def on_problem(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, Problem)
        return _problem_response(exc, request)

    async def on_validation(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        if _is_wx_path(request.url.path):
            return wx_error_response(47001, "data format error")
        errors = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
            for e in exc.errors()
        ]
        first = errors[0] if errors else {"loc": [], "msg": "invalid request"}
        where = ".".join(str(p) for p in first["loc"] if p != "body") or "request"
        problem = Problem(422, "invalid_input", f"{where}: {first['msg']}", errors=errors)
        return _problem_response(problem, request)

    async def on_http(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        if exc.status_code == 405 and _is_wx_path(request.url.path):
            return wx_error_response(43002, "require POST method")
        if request.url.path.startswith(PAY_V3_PREFIX):
            code = PAY_V3_CODES.get(
                exc.status_code, "SYSTEM_ERROR" if exc.status_code >= 500 else "INVALID_REQUEST"
            )
            message = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
            return FastJSONResponse({"code": code, "message": message}, status_code=exc.status_code)
        code = {404: "not_found", 405: "method_not_allowed", 413: "payload_too_large"}.get(
            exc.status_code, "http_error"
        )
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        return _problem_response(Problem(exc.status_code, code, detail), request)

    app.add_exception_handler(WxError, on_wx_error)
    app.add_exception_handler(Problem, on_problem)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)


# Hosts whose dialect yuanzi serves under a path prefix (DESIGN.md, "Dialects and hosts"): a
# request to that host (a hosts-file entry and yuanzi's CA) is served as if sent to the prefix.
HOST_PREFIXES = {"qyapi.weixin.qq.com": "/qyapi"}


class HostDialectMiddleware:
    """Serves a request sent to a WeChat host (`Host: qyapi.weixin.qq.com`) from the routes under
    that dialect's prefix, so an SDK works unchanged behind a hosts-file entry."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            host = dict(scope.get("headers", ())).get(b"host", b"").decode("latin-1").split(":")[0].lower()
            prefix = HOST_PREFIXES.get(host)
            path: str = scope.get("path", "")
            if prefix and not path.startswith(prefix + "/"):
                raw = scope.get("raw_path") or path.encode()
                scope = {**scope, "path": prefix + path, "raw_path": prefix.encode() + raw}
        await self.app(scope, receive, send)


class BodyLimitMiddleware:
    """Refuses request bodies over `max_bytes` with 413 before an endpoint reads them; paths that
    take uploads get their own limit (`uploads`: path prefix → bytes)."""

    def __init__(
        self, app: ASGIApp, max_bytes: int = MAX_JSON_BODY, uploads: dict[str, int] | None = None
    ) -> None:
        self.app = app
        self.default_max = max_bytes
        self.uploads = uploads or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        limit = next((n for prefix, n in self.uploads.items() if path.startswith(prefix)), self.default_max)
        declared = dict(scope.get("headers", ())).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._refuse(scope, send, limit)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise StarletteHTTPException(413, f"request body over {limit} bytes")
            return message

        await self.app(scope, counted, send)

    async def _refuse(self, scope: Scope, send: Send, limit: int) -> None:
        detail = f"request body over {limit} bytes"
        path = scope.get("path", "")
        if _is_wx_path(path):
            response: JSONResponse = wx_error_response(47001, "data format error")
        elif path.startswith(PAY_V3_PREFIX):
            response = FastJSONResponse({"code": "PARAM_ERROR", "message": detail}, status_code=413)
        else:
            response = FastJSONResponse(
                Problem(413, "payload_too_large", detail).to_json(path),
                status_code=413,
                media_type="application/problem+json",
            )

        async def no_body() -> Message:
            return {"type": "http.request", "body": b"", "more_body": False}

        await response(scope, no_body, send)
