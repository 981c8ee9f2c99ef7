"""RTMP ingest through a real nginx with the RTMP module, configured by `yuanzi live nginx-config`:
a publisher with the room's stream key goes live, one with a wrong key is refused, and the HLS
nginx writes is the room's video and, after publishing stops, its replay."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.live.test_video import extinf, hls, scheduled_room, segments
from yuanzi.channels.synthetic import make_clip
from yuanzi.live import service as live_service
from yuanzi.live import video
from yuanzi.settings import Settings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def nginx(settings: Settings, live_server: str, tmp_path: Path) -> Iterator[str]:
    """nginx running the generated config, calling back `live_server`; yields its RTMP base URL."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not os.path.exists(binary) or not os.path.exists(video.RTMP_MODULE):
        if os.environ.get("CI"):
            pytest.fail("nginx with the RTMP module is missing: run scripts/install-system-deps")
        pytest.skip("nginx and libnginx-mod-rtmp are not installed (scripts/install-system-deps)")
    port = free_port()
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        live_service.nginx_config(
            data_dir=settings.data_dir, callback_base=live_server, rtmp_listen=f"127.0.0.1:{port}"
        )
    )
    log = settings.data_dir / "live" / "nginx" / "error.log"
    proc = subprocess.Popen([binary, "-c", str(conf), "-e", str(log), "-g", "daemon off;"])
    try:
        wait_for(lambda: _accepts(port), f"nginx did not listen: {_tail(log)}")
        yield f"rtmp://127.0.0.1:{port}/live"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _accepts(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _tail(log: Path) -> str:
    return log.read_text()[-2000:] if log.exists() else "(no log)"


def publish(clip: Path, url: str, *, fast: bool) -> subprocess.CompletedProcess[str]:
    """`yuanzi live push --rtmp`, in a process of its own as OBS would be (PyAV holds the GIL
    while it waits for nginx, which waits for the server in this process)."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "yuanzi",
            "live",
            "push",
            str(clip),
            "--rtmp",
            url,
            *(["--fast"] if fast else []),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "COLUMNS": "200"},
    )


def wait_for(condition: Callable[[], bool], message: str, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, message
        time.sleep(0.1)


def test_a_publisher_with_the_stream_key_goes_live_and_leaves_a_replay(
    client: TestClient, nginx: str, tmp_path: Path, settings: Settings
) -> None:
    settings.live_stream_grace_seconds = 0  # the room ends as soon as publishing stops
    _, room = scheduled_room(client)
    room_id = room["room_id"]
    clip = make_clip(tmp_path / "obs.mp4", seconds=4.0, fps=10)

    refused = publish(clip, f"{nginx}/live_not_the_key", fast=True)
    assert refused.returncode == 1, refused.stderr
    assert client.get(f"/api/live/rooms/{room_id}").json()["state"] == "scheduled"

    published = publish(clip, f"{nginx}/{room['stream_key']}", fast=False)  # paced, as OBS sends
    assert published.returncode == 0, published.stderr
    assert "Streamed 4.0 s" in published.stderr

    def ended() -> bool:
        return bool(client.get(f"/api/live/rooms/{room_id}").json()["state"] == "ended")

    wait_for(ended, "on_publish_done did not end the room")
    replay = hls(client, room_id)
    assert replay.status_code == 200, replay.text
    assert video.ENDLIST in replay.text
    names = segments(replay.text)
    assert sum(extinf(replay.text)) > 3.0, replay.text  # the whole stream, not only its start
    assert hls(client, room_id, names[0]).content[0] == 0x47
    assert room["stream_key"] not in str(list(video.hls_root(client.app.state.settings.data_dir).rglob("*")))
