"""Signed WeChat Pay v3 order create + query over HTTP against one yuanzi server worker.

Prints requests/s, the crypto-bound limit (one RSA-2048 verify + one sign per request, measured in
this run on this machine) and their ratio. Requests are signed before the clock starts, so the
client's own signing does not compete with the server for the CPU.

    .venv/bin/python bench/pay_api.py --orders 1000 --concurrency 8 [--database-url postgresql://…]
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(data_dir: Path, port: int, database_url: str | None) -> subprocess.Popen[bytes]:
    env = dict(os.environ, YUANZI_LOG_LEVEL="warning", YUANZI_DATA_DIR=str(data_dir))
    if database_url:
        env["YUANZI_DATABASE_URL"] = database_url
    server = subprocess.Popen(
        [sys.executable, "-m", "yuanzi", "serve", "--port", str(port), "--host", "127.0.0.1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not start within 60 s")


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) the process has used so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def crypto_cost(rounds: int = 300) -> float:
    """Seconds for one RSA-2048 verify (the request) plus one sign (the response)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = key.public_key()
    message = b"POST\n/v3/pay/transactions/native\n1700000000\nNONCE\n" + b"x" * 300 + b"\n"
    signature = key.sign(message, padding.PKCS1v15(), hashes.SHA256())
    start = time.perf_counter()
    for _ in range(rounds):
        public.verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
        key.sign(message, padding.PKCS1v15(), hashes.SHA256())
    return (time.perf_counter() - start) / rounds


class Signer:
    def __init__(self, merchant: dict[str, Any]) -> None:
        key = serialization.load_pem_private_key(merchant["private_key"].encode(), None)
        assert isinstance(key, rsa.RSAPrivateKey)
        self.key = key
        self.mchid = merchant["mchid"]
        self.serial = merchant["cert_serial_no"]

    def headers(self, method: str, target: str, body: str) -> dict[str, str]:
        timestamp, nonce = str(int(time.time())), uuid.uuid4().hex
        message = f"{method}\n{target}\n{timestamp}\n{nonce}\n{body}\n".encode()
        signature = base64.b64encode(self.key.sign(message, padding.PKCS1v15(), hashes.SHA256())).decode()
        auth = (
            f'WECHATPAY2-SHA256-RSA2048 mchid="{self.mchid}",nonce_str="{nonce}",'
            f'signature="{signature}",timestamp="{timestamp}",serial_no="{self.serial}"'
        )
        return {"Authorization": auth, "Content-Type": "application/json", "Accept": "application/json"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1000, help="orders to create (each also queried)")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--database-url", default=None, help="default: SQLite in a temporary data dir")
    args = parser.parse_args()

    per_request = crypto_cost()
    crypto_limit = 1 / per_request
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = start_server(Path(tmp), port, args.database_url)
        try:
            app = httpx.post(f"{base}/sandbox/apps", json={"type": "miniprogram", "name": "bench"}).json()
            merchant = httpx.post(
                f"{base}/sandbox/merchants", json={"name": "bench", "appid": app["appid"]}
            ).json()
            signer = Signer(merchant)
            run = uuid.uuid4().hex[:8]
            creates, queries = [], []
            for i in range(args.orders):
                no = f"B{run}{i:08d}"
                body = json.dumps(
                    {
                        "appid": app["appid"],
                        "mchid": merchant["mchid"],
                        "description": "bench",
                        "out_trade_no": no,
                        "notify_url": "https://shop.example/notify",
                        "amount": {"total": 1, "currency": "CNY"},
                    }
                )
                path = "/v3/pay/transactions/native"
                creates.append((path, body, signer.headers("POST", path, body)))
                target = f"/v3/pay/transactions/out-trade-no/{no}?mchid={merchant['mchid']}"
                queries.append((target, signer.headers("GET", target, "")))

            def work(i: int, client: httpx.Client) -> None:
                path, body, headers = creates[i]
                assert client.post(base + path, content=body, headers=headers).status_code == 200
                target, headers = queries[i]
                assert client.get(base + target, headers=headers).status_code == 200

            clients = [httpx.Client() for _ in range(args.concurrency)]
            # The floor of the stack itself: the same server and clients on an endpoint that does
            # nothing (no signature, no database).
            health = base + "/healthz"
            start = time.perf_counter()
            with ThreadPoolExecutor(args.concurrency) as pool:
                list(pool.map(lambda i: clients[i % args.concurrency].get(health), range(2 * args.orders)))
            floor_rps = 2 * args.orders / (time.perf_counter() - start)
            cpu_before = cpu_seconds(server.pid)
            start = time.perf_counter()
            with ThreadPoolExecutor(args.concurrency) as pool:
                list(pool.map(lambda i: work(i, clients[i % args.concurrency]), range(args.orders)))
            elapsed = time.perf_counter() - start
            server_cpu = cpu_seconds(server.pid) - cpu_before
            for client in clients:
                client.close()
        finally:
            server.terminate()
            server.wait(timeout=30)

    rps = 2 * args.orders / elapsed
    print(f"backend:              {args.database_url or 'sqlite (data dir)'}")
    print(f"requests:             {2 * args.orders} signed ({args.orders} orders + {args.orders} queries)")
    print(f"crypto per request:   {per_request * 1000:.3f} ms (RSA-2048 verify + sign, measured now)")
    print(f"crypto-bound limit:   {crypto_limit:,.0f} requests/s")
    print(f"measured:             {rps:,.0f} requests/s over one server worker")
    per_request_cpu = server_cpu / (2 * args.orders) * 1000
    print(
        f"server CPU:           {server_cpu / elapsed:.0%} of one core, {per_request_cpu:.2f} ms per request"
    )
    print(f"ratio:                {rps / crypto_limit:.2f} of the crypto-bound limit (target ≥ 0.50)")
    print(f"stack floor:          {floor_rps:,.0f} requests/s on /healthz (no crypto, no database),")
    print(f"                      {floor_rps / crypto_limit:.2f} of the crypto-bound limit")
    print(f"signed / floor:       {rps / floor_rps:.2f}")


if __name__ == "__main__":
    main()
