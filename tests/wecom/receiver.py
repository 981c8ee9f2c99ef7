"""A corp's callback server (接收消息服务器) in a thread: answers WeCom's URL check and records the
callbacks it is sent, verifying and decrypting them; it can be told to fail."""

from __future__ import annotations

import contextlib
import dataclasses
import http.server
import re
import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

from yuanzi.wecom import msgcrypt

TOKEN = "yuanziToken42"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"


@dataclasses.dataclass
class Receiver:
    url: str
    corpid: str
    received: list[str] = dataclasses.field(default_factory=list)
    fail_next: int = 0
    echo_wrong: bool = False

    def tokens(self) -> list[str]:
        return [m.group(1) for xml in self.received if (m := re.search(r"<Token><!\[CDATA\[(.*?)\]\]>", xml))]


def _handler(receiver: Receiver) -> type[http.server.BaseHTTPRequestHandler]:
    key = msgcrypt.aes_key(AES_KEY)

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _query(self) -> dict[str, str]:
            return {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}

        def _answer(self, status: int, text: str) -> None:
            body = text.encode()
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            q = self._query()
            expected = msgcrypt.signature(TOKEN, q["timestamp"], q["nonce"], q["echostr"])
            if q["msg_signature"] != expected:
                self._answer(403, "bad signature")
                return
            echo, receive_id = msgcrypt.decrypt(key, q["echostr"])
            assert receive_id == receiver.corpid
            self._answer(200, "wrong" if receiver.echo_wrong else echo)

        def do_POST(self) -> None:
            q = self._query()
            envelope = self.rfile.read(int(self.headers["Content-Length"])).decode()
            match = re.search(r"<Encrypt><!\[CDATA\[(.*?)\]\]></Encrypt>", envelope)
            assert match is not None
            encrypted = match.group(1)
            if q["msg_signature"] != msgcrypt.signature(TOKEN, q["timestamp"], q["nonce"], encrypted):
                self._answer(403, "bad signature")
                return
            if receiver.fail_next > 0:
                receiver.fail_next -= 1
                self._answer(500, "busy")
                return
            message, receive_id = msgcrypt.decrypt(key, encrypted)
            assert receive_id == receiver.corpid
            receiver.received.append(message)
            self._answer(200, "success")

    return Handler


@contextlib.contextmanager
def receiving(corpid: str) -> Iterator[Receiver]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.BaseHTTPRequestHandler)
    receiver = Receiver(url=f"http://127.0.0.1:{server.server_address[1]}/wecom/callback", corpid=corpid)
    server.RequestHandlerClass = _handler(receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
