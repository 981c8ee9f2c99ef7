"""Two `yuanzi serve` processes on one PostgreSQL database and one NATS server share rooms: a
comment sent to node A reaches a viewer on node B in order, and viewer counts add up."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine
from websockets.sync.client import connect

from tests.core.test_bus_nats import delete_stream, require_nats

pytestmark = pytest.mark.nats


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def nodes(engine: Engine, database_url: str, tmp_path: Path) -> Iterator[list[str]]:
    """Two server processes, as `yuanzi serve` runs in a deployment: PostgreSQL, NATS, the
    PostgreSQL search backend, one shared data dir."""
    if engine.dialect.name != "postgresql":
        pytest.skip("several nodes share a PostgreSQL database (the PostgreSQL pass runs this)")
    require_nats()
    stream = f"YUANZI_TEST_{uuid.uuid4().hex[:10].upper()}"
    env = {
        **os.environ,
        "YUANZI_DATABASE_URL": database_url,
        "YUANZI_DATA_DIR": str(tmp_path / "data"),
        "YUANZI_BUS_URL": f"nats://127.0.0.1:4222?stream={stream}&prefix=yuanzi.test.{stream.lower()}",
        "YUANZI_SEARCH_BACKEND": "postgresql",
        "YUANZI_MIGRATE_ON_START": "false",  # the suite migrated it
        "YUANZI_LOG_LEVEL": "warning",
    }
    ports = [free_port(), free_port()]
    procs = [
        subprocess.Popen([sys.executable, "-m", "yuanzi", "serve", "--port", str(port)], env=env)
        for port in ports
    ]
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        deadline = time.monotonic() + 30
        for base, proc in zip(bases, procs, strict=True):
            while True:
                assert proc.poll() is None, "a node exited during start-up"
                assert time.monotonic() < deadline, "a node did not start within 30 s"
                try:
                    if httpx.get(f"{base}/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
        yield bases
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                pytest.fail("a node did not stop within 20 s of SIGTERM")
        asyncio.run(delete_stream(stream))


def as_user(user_id: int) -> dict[str, str]:
    return {"X-Yuanzi-User": str(user_id)}


def user(base: str, nickname: str) -> int:
    response = httpx.post(f"{base}/sandbox/users", json={"nickname": nickname})
    assert response.status_code == 201, response.text
    return int(response.json()["user_id"])


def frames_until(ws: Any, texts: list[str]) -> list[dict[str, Any]]:
    """Comments a socket receives until it has seen `texts` (or 15 s pass)."""
    seen: list[dict[str, Any]] = []
    deadline = time.monotonic() + 15
    while [e["body"]["text"] for e in seen] != texts:
        assert time.monotonic() < deadline, f"saw {seen}"
        frame = json.loads(ws.recv(timeout=15))
        seen += [e for e in frame["events"] if e["kind"] == "comment"]
    return seen


def test_a_comment_to_one_node_reaches_a_viewer_on_the_other_and_counts_add_up(nodes: list[str]) -> None:
    node_a, node_b = nodes
    owner = user(node_a, "主播")
    httpx.post(f"{node_a}/api/channels/creators", json={"name": "双节点直播"}, headers=as_user(owner))
    room = httpx.post(f"{node_a}/api/live/rooms", json={"title": "两台服务器"}, headers=as_user(owner)).json()
    room_id = room["room_id"]
    httpx.post(f"{node_b}/api/live/rooms/{room_id}/start", headers=as_user(owner))  # either node
    ws_url = "ws://" + node_b.removeprefix("http://") + f"/api/live/rooms/{room_id}/ws"
    other_url = "ws://" + node_a.removeprefix("http://") + f"/api/live/rooms/{room_id}/ws"
    with connect(ws_url) as on_b, connect(other_url) as on_a:
        texts = [f"第{i}条" for i in range(5)]
        speaker = user(node_a, "观众")
        for text in texts:
            sent = httpx.post(
                f"{node_a}/api/live/rooms/{room_id}/comments", json={"text": text}, headers=as_user(speaker)
            )
            assert sent.status_code == 201, sent.text
        got = frames_until(on_b, texts)
        assert [e["seq"] for e in got] == sorted(e["seq"] for e in got)  # in the log's order
        assert frames_until(on_a, texts)[0]["seq"] == got[0]["seq"]

        # Each node counts its own socket; the room's figure is the sum, seen from either node.
        deadline = time.monotonic() + 10
        while httpx.get(f"{node_a}/api/live/rooms/{room_id}/stats").json()["viewers"] != 2:
            assert time.monotonic() < deadline, "viewer counts did not add up"
            time.sleep(0.2)
        assert httpx.get(f"{node_b}/api/live/rooms/{room_id}").json()["viewers_here"] == 1
        assert httpx.get(f"{node_a}/api/live/rooms/{room_id}").json()["viewers_here"] == 1
    # The sockets closed: each node says so, and the room's peak stays.
    deadline = time.monotonic() + 10
    while (stats := httpx.get(f"{node_b}/api/live/rooms/{room_id}/stats").json())["viewers"] != 0:
        assert time.monotonic() < deadline, stats
        time.sleep(0.2)
    assert stats["peak_viewers"] == 2
