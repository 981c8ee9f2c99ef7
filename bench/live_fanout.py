"""Live fan-out: comments reaching many viewers' WebSockets, yuanzi against a bare broadcaster.

Both servers run as processes of their own on 127.0.0.1; the viewers and the publisher run here,
in one asyncio loop, and time each comment from just before it is sent to its arrival at each
viewer (one clock). Measured in the same run:

- yuanzi: `yuanzi serve` (SQLite in a temporary data dir). The room's owner comments over HTTP
  (the owner is exempt from rate limits); each comment is committed to the room log, read by the
  hub once per frame (every 250 ms) for all viewers, and sent in that frame.
- the baseline: the `websockets` library alone, a server that broadcasts each message it gets
  from the publisher to every viewer at once — no database, no frames, nothing kept.

It prints deliveries and frames per second, the latency percentiles, and the server's memory per
connection (its RSS after the viewers connected, less before) for each, and the ratios. Neither
side compresses (yuanzi serve turns per-message deflate off for rooms). yuanzi's
latency is bounded below by its frame (the log is read 4 times a second); the cost buys
durability, resume after a reconnect and one read per room per frame whatever the viewer count.

    .venv/bin/python bench/live_fanout.py [--viewers 200 --rate 10 --seconds 10]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import websockets

BROADCASTER = """
import asyncio, sys
import websockets

viewers = set()

async def handler(ws):
    if ws.request.path == "/publish":
        async for message in ws:
            websockets.broadcast(viewers, message)
    else:
        viewers.add(ws)
        try:
            await ws.wait_closed()
        finally:
            viewers.discard(ws)

async def main():
    async with websockets.serve(handler, "127.0.0.1", int(sys.argv[1]), max_queue=None, compression=None):
        await asyncio.Future()

asyncio.run(main())
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def rss_kib(pid: int) -> int:
    """A process's resident memory (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def wait_for_port(port: int, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while True:
        assert proc.poll() is None, "the server exited"
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.1)


class Viewers:
    """N WebSocket viewers recording when each comment text arrives."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.arrivals: list[dict[str, float]] = [{} for _ in range(count)]
        self.tasks: list[asyncio.Task[None]] = []
        self.frames = 0

    async def connect(self, url: str) -> None:
        sockets = []
        for i in range(self.count):
            ws = await websockets.connect(url, max_queue=None, compression=None, open_timeout=60)
            sockets.append(ws)
            self.tasks.append(asyncio.create_task(self._read(ws, self.arrivals[i])))

    async def _read(self, ws: Any, arrivals: dict[str, float]) -> None:
        try:
            async for message in ws:
                now = time.perf_counter()
                self.frames += 1
                for event in json.loads(message)["events"]:
                    text = (event.get("body") or {}).get("text", "")
                    if text.startswith("c"):
                        arrivals.setdefault(text, now)
        except websockets.ConnectionClosed:
            pass

    async def close(self) -> None:
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)


async def publish(send: Any, rate: float, seconds: float) -> dict[str, float]:
    """Send `rate` comments a second for `seconds`; when each was sent."""
    sent: dict[str, float] = {}
    start = time.perf_counter()
    for i in range(int(rate * seconds)):
        await asyncio.sleep(max(0.0, start + i / rate - time.perf_counter()))
        text = f"c{i}"
        sent[text] = time.perf_counter()
        await send(text)
    return sent


def summarise(
    name: str, viewers: Viewers, sent: dict[str, float], seconds: float, memory_kib: int
) -> dict[str, Any]:
    latencies = [
        (arrivals[text] - at) * 1000
        for arrivals in viewers.arrivals
        for text, at in sent.items()
        if text in arrivals
    ]
    expected = len(sent) * viewers.count
    latencies.sort()
    return {
        "name": name,
        "delivered": len(latencies),
        "expected": expected,
        "per_s": len(latencies) / seconds,
        "frames_per_s": viewers.frames / seconds,
        "kib_per_connection": memory_kib / viewers.count,
        "p50": statistics.median(latencies) if latencies else float("nan"),
        "p99": latencies[int(len(latencies) * 0.99) - 1] if latencies else float("nan"),
    }


async def run_yuanzi(viewer_count: int, rate: float, seconds: float) -> dict[str, Any]:
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "YUANZI_DATA_DIR": str(Path(tmp) / "data"),
            "YUANZI_LOG_LEVEL": "warning",
            "YUANZI_LIVE_COMMENTS_PER_VIEWER_SECOND": "1000",  # measure fan-out, not sampling
        }
        proc = subprocess.Popen([sys.executable, "-m", "yuanzi", "serve", "--port", str(port)], env=env)
        try:
            wait_for_port(port, proc)
            base = f"http://127.0.0.1:{port}"
            async with httpx.AsyncClient(base_url=base, timeout=30) as http:
                owner = (await http.post("/sandbox/users", json={"nickname": "压测主播"})).json()["user_id"]
                headers = {"X-Yuanzi-User": str(owner)}
                await http.post("/api/channels/creators", json={"name": "压测频道"}, headers=headers)
                room = (await http.post("/api/live/rooms", json={"title": "压测"}, headers=headers)).json()
                await http.post(f"/api/live/rooms/{room['room_id']}/start", headers=headers)
                viewers = Viewers(viewer_count)
                before = rss_kib(proc.pid)
                await viewers.connect(f"ws://127.0.0.1:{port}/api/live/rooms/{room['room_id']}/ws")
                await asyncio.sleep(1)
                memory = rss_kib(proc.pid) - before

                async def send(text: str) -> None:
                    response = await http.post(
                        f"/api/live/rooms/{room['room_id']}/comments", json={"text": text}, headers=headers
                    )
                    response.raise_for_status()

                sent = await publish(send, rate, seconds)
                await asyncio.sleep(2)  # the last frames
                await viewers.close()
                return summarise("yuanzi (log + hub frames)", viewers, sent, seconds, memory)
        finally:
            proc.terminate()
            proc.wait(timeout=30)


async def run_bare(viewer_count: int, rate: float, seconds: float) -> dict[str, Any]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-c", BROADCASTER, str(port)])
    try:
        wait_for_port(port, proc)
        viewers = Viewers(viewer_count)
        before = rss_kib(proc.pid)
        await viewers.connect(f"ws://127.0.0.1:{port}/view")
        await asyncio.sleep(1)
        memory = rss_kib(proc.pid) - before
        async with websockets.connect(f"ws://127.0.0.1:{port}/publish") as publisher:

            async def send(text: str) -> None:
                await publisher.send(json.dumps({"events": [{"kind": "comment", "body": {"text": text}}]}))

            sent = await publish(send, rate, seconds)
            await asyncio.sleep(2)
        await viewers.close()
        return summarise("bare websockets broadcast", viewers, sent, seconds, memory)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--viewers", type=int, default=200)
    parser.add_argument("--rate", type=float, default=10.0, help="comments a second")
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    print(f"{args.viewers} viewers, {args.rate:g} comments/s for {args.seconds:g} s, on 127.0.0.1\n")
    bare = asyncio.run(run_bare(args.viewers, args.rate, args.seconds))
    ours = asyncio.run(run_yuanzi(args.viewers, args.rate, args.seconds))
    print(
        f"{'':28} {'delivered':>16} {'per s':>9} {'frames/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'KiB/conn':>9}"
    )
    for row in (bare, ours):
        print(
            f"{row['name']:28} {row['delivered']:>7}/{row['expected']:<8} {row['per_s']:>9.0f} "
            f"{row['frames_per_s']:>9.0f} {row['p50']:>8.1f} {row['p99']:>8.1f} "
            f"{row['kib_per_connection']:>9.1f}"
        )
    print(
        f"\nyuanzi / bare: latency p50 ×{ours['p50'] / bare['p50']:.1f}, "
        f"p99 ×{ours['p99'] / bare['p99']:.1f}; "
        f"deliveries {ours['delivered'] / max(1, bare['delivered']):.2f}× as many; "
        f"memory per connection ×{ours['kib_per_connection'] / max(0.1, bare['kib_per_connection']):.1f}"
    )


if __name__ == "__main__":
    main()
