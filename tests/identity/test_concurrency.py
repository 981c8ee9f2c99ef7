"""Concurrent logins: a code is exchanged once, and a user gets one openid per app."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from yuanzi.core.errors import WxError
from yuanzi.core.runtime import Runtime
from yuanzi.identity import service as identity_service


def run_together(n: int, work: Callable[[int], Any]) -> list[Any]:
    """Run `work(i)` in n threads released at once; returns results or raised WxErrors."""
    barrier = threading.Barrier(n)
    results: list[Any] = [None] * n

    def worker(i: int) -> None:
        barrier.wait()
        try:
            results[i] = work(i)
        except WxError as exc:
            results[i] = exc

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def setup(runtime: Runtime, codes: int) -> tuple[str, str, list[str]]:
    with runtime.uow() as uow:
        new = identity_service.create_app(uow=uow, type="miniprogram", name="Race")
        user = identity_service.create_user(uow=uow, nickname="racer")
        issued = [
            identity_service.issue_login_code(uow=uow, user_id=user.user_id, appid=new.app.appid)
            for _ in range(codes)
        ]
        uow.commit()
    return new.app.appid, new.secret, issued


def exchange(runtime: Runtime, appid: str, secret: str, code: str) -> identity_service.Session:
    with runtime.uow() as uow:
        session = identity_service.code_to_session(uow=uow, appid=appid, secret=secret, js_code=code)
        uow.commit()
        return session


def test_one_code_exchanged_concurrently_succeeds_once(runtime: Runtime) -> None:
    appid, secret, (code,) = setup(runtime, 1)
    results = run_together(6, lambda _: exchange(runtime, appid, secret, code))
    sessions = [r for r in results if isinstance(r, identity_service.Session)]
    errors = [r.errcode for r in results if isinstance(r, WxError)]
    assert len(sessions) == 1
    assert errors == [40163] * 5


def test_first_logins_racing_share_one_openid_and_unionid(runtime: Runtime) -> None:
    appid, secret, codes = setup(runtime, 4)
    results = run_together(4, lambda i: exchange(runtime, appid, secret, codes[i]))
    assert all(isinstance(r, identity_service.Session) for r in results), results
    assert len({r.openid for r in results}) == 1
    assert len({r.unionid for r in results}) == 1
