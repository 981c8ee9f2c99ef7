"""A minimal, independent WeChat Pay v3 client for tests: it signs requests the way the spec (and
the SDKs) do, and checks response signatures, without using yuanzi's own protocol code."""

from __future__ import annotations

import base64
import datetime as dt
import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509 import load_pem_x509_certificate
from fastapi.testclient import TestClient

from tests.identity.helpers import login_code, make_app, make_user
from yuanzi.core.runtime import Runtime
from yuanzi.pay import refunds


@dataclass
class MerchantKeys:
    """What POST /sandbox/merchants returned."""

    data: dict[str, Any]
    app: dict[str, Any] = field(default_factory=dict)
    mchid: str = field(init=False)
    serial_no: str = field(init=False)
    private_key: rsa.RSAPrivateKey = field(init=False)

    def __post_init__(self) -> None:
        self.mchid = self.data["mchid"]
        self.serial_no = self.data["cert_serial_no"]
        key = serialization.load_pem_private_key(self.data["private_key"].encode(), None)
        assert isinstance(key, rsa.RSAPrivateKey)
        self.private_key = key

    @property
    def apiv3_key(self) -> bytes:
        return str(self.data["apiv3_key"]).encode()


def make_merchant(client: TestClient, name: str = "Test Shop", appid: str | None = None) -> MerchantKeys:
    """A merchant (and, unless `appid` is given, a mini program for it) through the sandbox API."""
    app = make_app(client, name=f"{name} app") if appid is None else {"appid": appid}
    response = client.post("/sandbox/merchants", json={"name": name, "appid": app["appid"]})
    assert response.status_code == 201, response.text
    return MerchantKeys(response.json(), app)


def openid_of(client: TestClient, user_id: int, app: dict[str, Any]) -> str:
    """The openid `user_id` has in `app`, obtained the way a mini program backend gets it."""
    code = login_code(client, user_id, app["appid"])
    params = {
        "appid": app["appid"],
        "secret": app["secret"],
        "js_code": code,
        "grant_type": "authorization_code",
    }
    return str(client.get("/sns/jscode2session", params=params).json()["openid"])


def order_body(merchant: MerchantKeys, out_trade_no: str, total: int = 100, **extra: Any) -> dict[str, Any]:
    """A valid order for `merchant`."""
    return {
        "appid": merchant.data["appid"],
        "mchid": merchant.mchid,
        "description": "Image形象店-深圳腾大-QQ公仔",
        "out_trade_no": out_trade_no,
        "notify_url": "https://shop.example/notify",
        "amount": {"total": total, "currency": "CNY"},
        **extra,
    }


def sign(key: rsa.RSAPrivateKey, message: str) -> str:
    return base64.b64encode(key.sign(message.encode(), padding.PKCS1v15(), hashes.SHA256())).decode()


def authorization(
    merchant: MerchantKeys,
    method: str,
    target: str,
    body: str,
    *,
    timestamp: int | None = None,
    nonce: str | None = None,
    key: rsa.RSAPrivateKey | None = None,
    serial_no: str | None = None,
) -> str:
    """The Authorization header for a request."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    nonce = nonce or uuid.uuid4().hex.upper()
    signature = sign(key or merchant.private_key, f"{method}\n{target}\n{ts}\n{nonce}\n{body}\n")
    return (
        f'WECHATPAY2-SHA256-RSA2048 mchid="{merchant.mchid}",nonce_str="{nonce}",'
        f'signature="{signature}",timestamp="{ts}",serial_no="{serial_no or merchant.serial_no}"'
    )


def call(
    client: TestClient,
    merchant: MerchantKeys,
    method: str,
    target: str,
    payload: dict[str, Any] | None = None,
    *,
    headers: dict[str, str] | None = None,
    **auth: Any,
) -> httpx.Response:
    """A signed request, sent as the SDKs send it."""
    body = json.dumps(payload) if payload is not None else ""
    all_headers = {
        "Authorization": authorization(merchant, method, target, body, **auth),
        "Content-Type": "application/json",
        "Accept": "application/json",
        **(headers or {}),
    }
    return client.request(method, target, content=body.encode(), headers=all_headers)


def verify_response(response: httpx.Response, public_key: rsa.RSAPublicKey) -> bool:
    """True when the response's Wechatpay-Signature checks out under `public_key`."""
    h = response.headers
    message = f"{h['Wechatpay-Timestamp']}\n{h['Wechatpay-Nonce']}\n{response.text}\n".encode()
    try:
        public_key.verify(
            base64.b64decode(h["Wechatpay-Signature"]), message, padding.PKCS1v15(), hashes.SHA256()
        )
    except Exception:
        return False
    return True


def platform_public_key(merchant: MerchantKeys) -> rsa.RSAPublicKey:
    """The public key of the platform certificate yuanzi gave the merchant."""
    key = load_pem_x509_certificate(merchant.data["platform_certificate"].encode()).public_key()
    assert isinstance(key, rsa.RSAPublicKey)
    return key


def wechatpay_public_key(merchant: MerchantKeys) -> rsa.RSAPublicKey:
    """The platform public key (微信支付公钥) yuanzi gave the merchant."""
    key = serialization.load_pem_public_key(merchant.data["public_key"].encode())
    assert isinstance(key, rsa.RSAPublicKey)
    return key


# Vouchers

BEIJING = dt.timezone(dt.timedelta(hours=8))


def now(client: TestClient) -> dt.datetime:
    return dt.datetime.fromtimestamp(client.get("/sandbox/clock").json()["timestamp"], BEIJING)


def stock_body(
    client: TestClient, merchant: MerchantKeys, no: str = "STOCK0001", **change: Any
) -> dict[str, Any]:
    start = now(client)
    body: dict[str, Any] = {
        "stock_name": "满10减3",
        "belong_merchant": merchant.mchid,
        "available_begin_time": start.isoformat(),
        "available_end_time": (start + dt.timedelta(days=7)).isoformat(),
        "stock_use_rule": {"max_coupons": 3, "max_amount": 900, "max_coupons_per_user": 2},
        "coupon_use_rule": {"fixed_normal_coupon": {"coupon_amount": 300, "transaction_minimum": 1_000}},
        "no_cash": False,
        "stock_type": "NORMAL",
        "out_request_no": no,
    }
    return body | change


def running_stock(client: TestClient, merchant: MerchantKeys, **change: Any) -> str:
    created = call(
        client, merchant, "POST", "/v3/marketing/favor/coupon-stocks", stock_body(client, merchant, **change)
    )
    assert created.status_code == 200, created.text
    stock_id = str(created.json()["stock_id"])
    started = call(
        client,
        merchant,
        "POST",
        f"/v3/marketing/favor/stocks/{stock_id}/start",
        {"stock_creator_mchid": merchant.mchid},
    )
    assert started.status_code == 200, started.text
    return stock_id


def send(client: TestClient, merchant: MerchantKeys, stock_id: str, openid: str, no: str) -> Any:
    body = {
        "stock_id": stock_id,
        "out_request_no": no,
        "appid": merchant.data["appid"],
        "stock_creator_mchid": merchant.mchid,
    }
    return call(client, merchant, "POST", f"/v3/marketing/favor/users/{openid}/coupons", body)


# Bills


def today(client: TestClient) -> dt.date:
    return dt.datetime.fromtimestamp(client.get("/sandbox/clock").json()["timestamp"], BEIJING).date()


def a_day_of_business(client: TestClient, merchant: MerchantKeys, app_runtime: Runtime) -> str:
    """Two payments and a refund today; then the clock moves to tomorrow. Returns today's date."""
    user = make_user(client)
    client.post(f"/sandbox/users/{user}/wallet/topup", json={"amount": 10_000})
    for no, total in (("BILL000001", 1_000), ("BILL000002", 2_550)):
        code_url = call(
            client, merchant, "POST", "/v3/pay/transactions/native", order_body(merchant, no, total)
        ).json()["code_url"]
        assert (
            client.post(f"/sandbox/users/{user}/pay", json={"code_url": code_url}).json()["trade_state"]
            == "SUCCESS"
        )
    refund = {
        "out_trade_no": "BILL000002",
        "out_refund_no": "BILLREFUND1",
        "amount": {"refund": 550, "total": 2_550},
    }
    call(client, merchant, "POST", "/v3/refund/domestic/refunds", refund)
    refunds.process_due(app_runtime.plain_uow)
    day = today(client).isoformat()
    client.post("/sandbox/clock/advance", json={"seconds": 86_400})
    return day


# Combined payment


def combine_body(
    platform: MerchantKeys, tenant: MerchantKeys, no: str = "COMBINE001", **extra: Any
) -> dict[str, Any]:
    return {
        "combine_appid": platform.data["appid"],
        "combine_mchid": platform.mchid,
        "combine_out_trade_no": no,
        "notify_url": "https://platform.example/notify",
        "sub_orders": [
            {
                "mchid": platform.mchid,
                "out_trade_no": f"{no}-A",
                "description": "运费",
                "amount": {"total_amount": 500},
            },
            {
                "mchid": tenant.mchid,
                "out_trade_no": f"{no}-B",
                "description": "茶叶",
                "attach": "x",
                "amount": {"total_amount": 2_000},
            },
        ],
    } | extra
