"""The sandbox clock, and the sandbox's absence in production mode."""

from __future__ import annotations

import datetime as dt
import time

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from yuanzi.app import create_app
from yuanzi.core.clock import SandboxClock
from yuanzi.core.events import Subscribers
from yuanzi.core.runtime import Runtime
from yuanzi.settings import Mode, Settings


def test_clock_moves_forward_only(client: TestClient) -> None:
    before = client.get("/sandbox/clock").json()
    after = client.post("/sandbox/clock/advance", json={"seconds": 3600}).json()
    assert after["timestamp"] - before["timestamp"] in (3600, 3601)
    assert dt.datetime.fromisoformat(after["now"]).tzinfo is not None
    for bad in ({"seconds": -1}, {"seconds": 0}, {"seconds": "soon"}, {}, {"seconds": 1e12}):
        response = client.post("/sandbox/clock/advance", json=bad)
        assert response.status_code == 422, bad
    assert client.get("/sandbox/clock").json()["timestamp"] - after["timestamp"] in (0, 1)


def test_clock_offset_survives_a_restart(engine: Engine, client: TestClient) -> None:
    client.post("/sandbox/clock/advance", json={"seconds": 86400})
    restarted = SandboxClock(engine)
    restarted.load()
    ahead = restarted.now() - dt.datetime.now(dt.UTC)
    assert dt.timedelta(seconds=86399) < ahead < dt.timedelta(seconds=86401)


def test_production_mode_has_no_sandbox(settings: Settings, engine: Engine) -> None:
    production = settings.model_copy(update={"mode": Mode.PRODUCTION})
    runtime = Runtime(engine=engine, clock=SandboxClock(engine), subscribers=Subscribers(), deliver=False)
    with TestClient(create_app(production, runtime=runtime)) as client:
        assert client.get("/healthz").json() == {"status": "ok", "mode": "production"}
        for method, path in [
            ("POST", "/sandbox/users"),
            ("GET", "/sandbox/clock"),
            ("POST", "/sandbox/clock/advance"),
            ("POST", "/sandbox/apps"),
            ("POST", "/sandbox/users/1/login"),
        ]:
            response = client.request(method, path, json={})
            assert response.status_code == 404, path
            assert response.json()["code"] == "not_found"
        # The WeChat dialect is still served.
        assert client.get("/cgi-bin/token").json()["errcode"] == 41002


def test_a_running_server_follows_the_clock_another_process_moved(
    running_server: str, engine: Engine
) -> None:
    before = httpx.get(f"{running_server}/sandbox/clock").json()["timestamp"]
    elsewhere = SandboxClock(engine)  # another `yuanzi serve` on the same database
    elsewhere.advance(7200)
    deadline = time.monotonic() + 10
    while httpx.get(f"{running_server}/sandbox/clock").json()["timestamp"] - before < 7200:
        assert time.monotonic() < deadline, "the server did not pick up the other process's clock"
        time.sleep(0.2)
