"""Screens of the web client and the console (server-rendered): the router app.py mounts."""

from __future__ import annotations

from fastapi import APIRouter

from yuanzi.web import (
    assets,
    channels,
    chats,
    client,
    collect,
    console,
    kf,
    live,
    live_console,
    merchant_console,
    search,
    search_console,
    studio,
    wallet,
    wecom_workbench,
)

router = APIRouter(include_in_schema=False)
router.include_router(assets.router)
router.include_router(client.router)
router.include_router(chats.router)
router.include_router(kf.router)
router.include_router(wecom_workbench.router)
router.include_router(console.router)
router.include_router(merchant_console.router)
router.include_router(wallet.router)
router.include_router(collect.router)
router.include_router(channels.router)
router.include_router(studio.router)
router.include_router(live_console.router)
router.include_router(search.router)
router.include_router(search_console.router)
router.include_router(live.router)
