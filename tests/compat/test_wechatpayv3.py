"""The PyPI wechatpayv3 SDK (2.0.4), unchanged but for its gateway, against a live yuanzi.

Public-key mode is constructed with the key yuanzi issued; certificate mode with a cert_dir holding
the platform certificate, so neither needs the network before the gateway is pointed at yuanzi.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from wechatpayv3 import WeChatPay, WeChatPayType

pytestmark = pytest.mark.compat


def sandbox(base: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    response = httpx.post(base + path, json=body)
    assert response.status_code in (200, 201), response.text
    return dict(response.json())


@pytest.fixture
def merchant(live_server: str) -> dict[str, Any]:
    app = sandbox(live_server, "/sandbox/apps", {"type": "miniprogram", "name": "wechatpayv3 shop"})
    return sandbox(live_server, "/sandbox/merchants", {"name": "SDK Shop", "appid": app["appid"]})


def public_key_mode(base: str, merchant: dict[str, Any]) -> WeChatPay:
    wxpay = WeChatPay(
        wechatpay_type=WeChatPayType.MINIPROG,
        mchid=merchant["mchid"],
        private_key=merchant["private_key"],
        cert_serial_no=merchant["cert_serial_no"],
        appid=merchant["appid"],
        apiv3_key=merchant["apiv3_key"],
        notify_url=base + "/notify",
        public_key=merchant["public_key"],
        public_key_id=merchant["public_key_id"],
    )
    wxpay._core._gate_way = base
    return wxpay


def certificate_mode(base: str, merchant: dict[str, Any], cert_dir: Path) -> WeChatPay:
    cert_dir.mkdir(exist_ok=True)
    (cert_dir / f"{merchant['platform_cert_serial']}.pem").write_text(merchant["platform_certificate"])
    wxpay = WeChatPay(
        wechatpay_type=WeChatPayType.NATIVE,
        mchid=merchant["mchid"],
        private_key=merchant["private_key"],
        cert_serial_no=merchant["cert_serial_no"],
        appid=merchant["appid"],
        apiv3_key=merchant["apiv3_key"],
        notify_url=base + "/notify",
        cert_dir=str(cert_dir),
    )
    wxpay._core._gate_way = base
    return wxpay


def test_public_key_mode_verifies_yuanzis_responses(live_server: str, merchant: dict[str, Any]) -> None:
    wxpay = public_key_mode(live_server, merchant)
    code, body = wxpay._core.request("/v3/certificates")
    assert code == 200
    assert json.loads(body)["data"][0]["serial_no"] == merchant["platform_cert_serial"]


def test_certificate_mode_follows_a_rotation(
    live_server: str, merchant: dict[str, Any], tmp_path: Path
) -> None:
    wxpay = certificate_mode(live_server, merchant, tmp_path / "certs")
    assert wxpay._core.request("/v3/certificates")[0] == 200
    rotated = sandbox(live_server, f"/sandbox/merchants/{merchant['mchid']}/platform-certificates")
    # The next response is signed with a certificate the SDK has not seen: it downloads the list
    # (decrypting it with the APIv3 key), finds the new one and verifies.
    assert wxpay._core.request("/v3/certificates")[0] == 200
    assert (tmp_path / "certs" / f"{rotated['serial_no']}.pem").read_text() == rotated["certificate"]
