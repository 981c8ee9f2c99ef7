"""create_app(settings): one ASGI app with every component's routes, the web client and /metrics."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy import Engine

import yuanzi
from yuanzi import components, sandbox
from yuanzi.channels import routes as channels_routes
from yuanzi.channels import service as channels_service
from yuanzi.chats import routes as chats_routes
from yuanzi.core import migrate
from yuanzi.core.clock import Clock, SandboxClock, SystemClock
from yuanzi.core.db import create_db_engine
from yuanzi.core.events import Subscribers
from yuanzi.core.http import (
    BodyLimitMiddleware,
    FastJSONResponse,
    HostDialectMiddleware,
    install_error_handlers,
)
from yuanzi.core.observability import RequestContextMiddleware, metrics
from yuanzi.core.runtime import Runtime
from yuanzi.core.worker import Worker
from yuanzi.identity import sandbox as identity_sandbox
from yuanzi.identity import wx as identity_wx
from yuanzi.live import commerce_routes as live_commerce_routes
from yuanzi.live import routes as live_routes
from yuanzi.live import video_routes as live_video_routes
from yuanzi.pay import sandbox as pay_sandbox
from yuanzi.pay import wx as pay_wx
from yuanzi.search import routes as search_routes
from yuanzi.settings import Settings
from yuanzi.web import views as web_views
from yuanzi.wecom import sandbox as wecom_sandbox
from yuanzi.wecom import service as wecom_service
from yuanzi.wecom import wx as wecom_wx


def build_runtime(
    settings: Settings,
    *,
    engine: Engine | None = None,
    clock: Clock | None = None,
    subscribers: Subscribers | None = None,
    deliver: bool = True,
) -> Runtime:
    """The runtime for `settings`: engine, clock, the components' subscribers and the bus."""
    if engine is None:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        engine = create_db_engine(settings.sqlalchemy_url)
    if clock is None:
        clock = SandboxClock(engine) if settings.is_sandbox else SystemClock()
    return Runtime(
        engine=engine,
        clock=clock,
        subscribers=subscribers if subscribers is not None else components.subscribers(),
        bus_url=settings.bus_url,
        dispatch_interval=settings.dispatch_interval,
        deliver=deliver,
    )


def sandbox_clock_follower(clock: SandboxClock) -> Worker:
    """Every second, pick up the offset another process sharing the database moved the sandbox
    clock to (`/sandbox/clock/advance` on another node)."""

    def follow() -> int:
        clock.load()
        return 0

    return Worker("sandbox-clock", follow, interval=1.0, on_commit=False)


def create_app(settings: Settings | None = None, *, runtime: Runtime | None = None) -> FastAPI:
    """The yuanzi ASGI application."""
    settings = settings or Settings()
    rt = runtime or build_runtime(settings)
    for worker in components.workers(rt.plain_uow, settings):
        rt.add_worker(worker)
    if isinstance(rt.clock, SandboxClock):
        rt.add_worker(sandbox_clock_follower(rt.clock))

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if settings.migrate_on_start:
            await asyncio.to_thread(migrate.upgrade, rt.engine)
        if isinstance(rt.clock, SandboxClock):
            await asyncio.to_thread(rt.clock.load)
        await rt.start()
        try:
            yield
        finally:
            await rt.stop()

    app = FastAPI(
        title="yuanzi (原子)",
        version=yuanzi.__version__,
        description="The WeChat ecosystem's atomic components, open and self-hostable.",
        default_response_class=FastJSONResponse,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.runtime = rt
    install_error_handlers(app)
    app.add_middleware(
        BodyLimitMiddleware,
        uploads={
            "/api/channels/posts": channels_service.MAX_UPLOAD + (1 << 20),
            "/channels/new": channels_service.MAX_UPLOAD + (1 << 20),
            "/console/channels/": channels_service.MAX_UPLOAD + (1 << 20),
            "/console/live": 8 << 20,  # the go-live form's cover photo
            "/qyapi/cgi-bin/media/upload": wecom_service.UPLOAD_MAX,
            "/kf/": wecom_service.UPLOAD_MAX,  # a customer's picture
        },
    )
    app.add_middleware(RequestContextMiddleware)
    app.add_middleware(HostDialectMiddleware)

    @app.get("/healthz", tags=["operations"])
    def healthz() -> dict[str, str]:
        """200 once the server accepts requests."""
        return {"status": "ok", "mode": settings.mode.value}

    app.add_route("/metrics", metrics, include_in_schema=False)
    app.include_router(identity_wx.router)
    app.include_router(pay_wx.router)
    app.include_router(wecom_wx.router)
    app.include_router(channels_routes.router)
    app.include_router(chats_routes.router)
    app.include_router(search_routes.router)
    app.include_router(live_routes.router)
    app.include_router(live_commerce_routes.router)
    app.include_router(live_video_routes.router)
    app.include_router(web_views.router)
    if settings.is_sandbox:
        app.include_router(sandbox.router)
        app.include_router(identity_sandbox.router)
        app.include_router(pay_sandbox.router)
        app.include_router(wecom_sandbox.router)
    return app
