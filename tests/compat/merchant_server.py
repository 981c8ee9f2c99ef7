"""A merchant's notify_url for tests: a real HTTP server that hands each callback to the
wechatpayv3 SDK's own `callback()` (signature check and decryption)."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from wechatpayv3 import WeChatPay


class MerchantServer:
    """The merchant's notify_url: a real HTTP server that hands each callback to the SDK."""

    def __init__(self) -> None:
        self.wxpay: WeChatPay | None = None
        self.received: list[dict[str, Any] | None] = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                assert outer.wxpay is not None
                outer.received.append(outer.wxpay.callback(self.headers, body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/notify"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, event_type: str, timeout: float = 15) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for callback in self.received:
                assert callback is not None, "the SDK could not verify or decrypt a callback"
                if callback["event_type"] == event_type:
                    self.received.remove(callback)
                    return callback
            time.sleep(0.05)
        raise AssertionError(f"no {event_type} callback within {timeout} s")


@pytest.fixture
def shop() -> Iterator[MerchantServer]:
    """A merchant server; set `shop.wxpay` to the SDK client that should open the callbacks."""
    server = MerchantServer()
    yield server
    server.server.shutdown()
