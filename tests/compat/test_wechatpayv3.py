"""The PyPI wechatpayv3 SDK (2.0.4), unchanged but for its gateway, against a running yuanzi.

Public-key mode is constructed with the key yuanzi issued; certificate mode with a cert_dir holding
the platform certificate, so neither needs the network before the gateway is pointed at yuanzi.
Notifications are received by a real HTTP server and opened with the SDK's own `callback()`.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from wechatpayv3 import WeChatPay, WeChatPayType

from tests.compat.merchant_server import MerchantServer

pytestmark = pytest.mark.compat
BEIJING = dt.timezone(dt.timedelta(hours=8))


def sandbox(base: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    response = httpx.post(base + path, json=body)
    assert response.status_code in (200, 201), response.text
    return dict(response.json())


@pytest.fixture
def merchant(running_server: str) -> dict[str, Any]:
    app = sandbox(running_server, "/sandbox/apps", {"type": "miniprogram", "name": "wechatpayv3 shop"})
    merchant = sandbox(running_server, "/sandbox/merchants", {"name": "SDK Shop", "appid": app["appid"]})
    return merchant | {"app": app}


def public_key_mode(base: str, merchant: dict[str, Any], notify_url: str) -> WeChatPay:
    wxpay = WeChatPay(
        wechatpay_type=WeChatPayType.MINIPROG,
        mchid=merchant["mchid"],
        private_key=merchant["private_key"],
        cert_serial_no=merchant["cert_serial_no"],
        appid=merchant["appid"],
        apiv3_key=merchant["apiv3_key"],
        notify_url=notify_url,
        public_key=merchant["public_key"],
        public_key_id=merchant["public_key_id"],
    )
    wxpay._core._gate_way = base
    return wxpay


def certificate_mode(
    base: str,
    merchant: dict[str, Any],
    notify_url: str,
    cert_dir: Path,
    wechatpay_type: WeChatPayType = WeChatPayType.NATIVE,
) -> WeChatPay:
    cert_dir.mkdir(exist_ok=True)
    (cert_dir / f"{merchant['platform_cert_serial']}.pem").write_text(merchant["platform_certificate"])
    wxpay = WeChatPay(
        wechatpay_type=wechatpay_type,
        mchid=merchant["mchid"],
        private_key=merchant["private_key"],
        cert_serial_no=merchant["cert_serial_no"],
        appid=merchant["appid"],
        apiv3_key=merchant["apiv3_key"],
        notify_url=notify_url,
        cert_dir=str(cert_dir),
    )
    wxpay._core._gate_way = base
    return wxpay


def new_payer(base: str, merchant: dict[str, Any], fen: int) -> tuple[int, str]:
    """A user with `fen` in their wallet, and their openid in the merchant's mini program."""
    user_id = sandbox(base, "/sandbox/users", {"nickname": "SDK payer"})["user_id"]
    sandbox(base, f"/sandbox/users/{user_id}/wallet/topup", {"amount": fen})
    code = sandbox(base, f"/sandbox/users/{user_id}/login", {"appid": merchant["appid"]})["code"]
    params = {
        "appid": merchant["appid"],
        "secret": merchant["app"]["secret"],
        "js_code": code,
        "grant_type": "authorization_code",
    }
    return user_id, str(httpx.get(base + "/sns/jscode2session", params=params).json()["openid"])


def ok(result: tuple[int, Any], status: int = 200) -> dict[str, Any]:
    code, body = result
    assert code == status, body
    return dict(json.loads(body)) if body else {}


@pytest.mark.parametrize("mode", ["public_key", "certificate"])
def test_jsapi_pay_query_notify_refund(
    running_server: str, merchant: dict[str, Any], shop: MerchantServer, mode: str, tmp_path: Path
) -> None:
    wxpay = shop.wxpay = (
        public_key_mode(running_server, merchant, shop.url)
        if mode == "public_key"
        else certificate_mode(running_server, merchant, shop.url, tmp_path / "certs", WeChatPayType.MINIPROG)
    )
    user_id, openid = new_payer(running_server, merchant, 10_000)
    no = uuid.uuid4().hex[:20]
    prepay_id = ok(
        wxpay.pay(description="一杯咖啡", out_trade_no=no, amount={"total": 1_800}, payer={"openid": openid})
    )["prepay_id"]
    assert ok(wxpay.query(out_trade_no=no))["trade_state"] == "NOTPAY"

    paid = sandbox(running_server, f"/sandbox/users/{user_id}/pay", {"prepay_id": prepay_id})
    assert paid["trade_state"] == "SUCCESS"
    callback = shop.wait_for("TRANSACTION.SUCCESS")
    assert callback["resource"]["transaction_id"] == paid["transaction_id"]
    assert callback["resource"]["trade_state"] == "SUCCESS"
    assert callback["resource"]["amount"]["payer_total"] == 1_800
    assert ok(wxpay.query(transaction_id=paid["transaction_id"]))["trade_state"] == "SUCCESS"

    accepted = ok(
        wxpay.refund(
            out_refund_no=f"R{no}",
            amount={"refund": 800, "total": 1_800, "currency": "CNY"},
            transaction_id=paid["transaction_id"],
        )
    )
    assert accepted["status"] == "PROCESSING"
    refunded = shop.wait_for("REFUND.SUCCESS")
    assert refunded["resource"]["refund_status"] == "SUCCESS"
    assert ok(wxpay.query_refund(out_refund_no=f"R{no}"))["status"] == "SUCCESS"
    assert ok(wxpay.query(out_trade_no=no))["trade_state"] == "REFUND"
    balance = httpx.get(f"{running_server}/sandbox/users/{user_id}/wallet").json()["balance"]
    assert balance == 10_000 - 1_800 + 800


def test_native_h5_app_and_close_in_certificate_mode(
    running_server: str, merchant: dict[str, Any], shop: MerchantServer, tmp_path: Path
) -> None:
    wxpay = shop.wxpay = certificate_mode(running_server, merchant, shop.url, tmp_path / "certs")
    user_id, _ = new_payer(running_server, merchant, 1_000)
    native_no, h5_no, app_no = (uuid.uuid4().hex[:20] for _ in range(3))
    code_url = ok(wxpay.pay(description="扫码点单", out_trade_no=native_no, amount={"total": 300}))[
        "code_url"
    ]
    assert code_url.startswith("weixin://wxpay/bizpayurl?pr=")
    h5_url = ok(
        wxpay.pay(
            description="H5",
            out_trade_no=h5_no,
            amount={"total": 200},
            scene_info={"payer_client_ip": "127.0.0.1", "h5_info": {"type": "Wap"}},
            pay_type=WeChatPayType.H5,
        )
    )["h5_url"]
    assert h5_url.startswith(running_server)
    assert ok(
        wxpay.pay(description="APP", out_trade_no=app_no, amount={"total": 100}, pay_type=WeChatPayType.APP)
    )["prepay_id"]

    assert (
        sandbox(running_server, f"/sandbox/users/{user_id}/pay", {"code_url": code_url})["trade_state"]
        == "SUCCESS"
    )
    assert shop.wait_for("TRANSACTION.SUCCESS")["resource"]["out_trade_no"] == native_no
    assert (
        sandbox(running_server, f"/sandbox/users/{user_id}/pay", {"h5_url": h5_url})["trade_state"]
        == "SUCCESS"
    )
    assert shop.wait_for("TRANSACTION.SUCCESS")["resource"]["trade_type"] == "MWEB"

    assert wxpay.close(out_trade_no=app_no)[0] == 204
    assert ok(wxpay.query(out_trade_no=app_no))["trade_state"] == "CLOSED"
    code, body = wxpay.query(out_trade_no="NO-SUCH-ORDER")
    assert (code, json.loads(body)["code"]) == (404, "ORDER_NOT_EXIST")


def test_certificate_mode_follows_a_rotation(
    running_server: str, merchant: dict[str, Any], tmp_path: Path
) -> None:
    wxpay = certificate_mode(running_server, merchant, "https://shop.example/notify", tmp_path / "certs")
    assert wxpay._core.request("/v3/certificates")[0] == 200
    rotated = sandbox(running_server, f"/sandbox/merchants/{merchant['mchid']}/platform-certificates")
    # The next response is signed with a certificate the SDK has not seen: it downloads the list
    # (decrypting it with the APIv3 key), finds the new one and verifies.
    assert ok(wxpay.query(out_trade_no="unknown-order-1"), 404)["code"] == "ORDER_NOT_EXIST"
    assert wxpay._core.request("/v3/certificates")[0] == 200
    assert (tmp_path / "certs" / f"{rotated['serial_no']}.pem").read_text() == rotated["certificate"]


def test_vouchers_stock_create_start_send_query_and_use(
    running_server: str, merchant: dict[str, Any], shop: MerchantServer
) -> None:
    wxpay = shop.wxpay = public_key_mode(running_server, merchant, shop.url)
    assert ok(wxpay.marketing_favor_callback_update(notify_url=shop.url))["notify_url"] == shop.url
    clock = httpx.get(f"{running_server}/sandbox/clock").json()
    begin = dt.datetime.fromtimestamp(clock["timestamp"], BEIJING)
    stock_id = ok(
        wxpay.marketing_favor_stock_create(
            stock_name="新客立减",
            belong_merchant=merchant["mchid"],
            available_begin_time=begin.isoformat(timespec="milliseconds"),
            available_end_time=(begin + dt.timedelta(days=30)).isoformat(timespec="milliseconds"),
            stock_use_rule={"max_coupons": 10, "max_amount": 5_000, "max_coupons_per_user": 1},
            coupon_use_rule={
                "fixed_normal_coupon": {"coupon_amount": 500, "transaction_minimum": 1_000},
                "available_merchants": [merchant["mchid"]],
            },
            out_request_no=uuid.uuid4().hex,
        )
    )["stock_id"]
    ok(wxpay.marketing_favor_stock_start(stock_creator_mchid=merchant["mchid"], stock_id=stock_id))
    user_id, openid = new_payer(running_server, merchant, 2_000)
    coupon_id = ok(
        wxpay.marketing_favor_stock_send(
            stock_id=stock_id,
            openid=openid,
            out_request_no=uuid.uuid4().hex,
            stock_creator_mchid=merchant["mchid"],
        )
    )["coupon_id"]
    listed = ok(wxpay.marketing_favor_user_coupon(openid=openid, stock_id=stock_id))
    assert [c["coupon_id"] for c in listed["data"]] == [coupon_id]
    assert (
        ok(wxpay.marketing_favor_stock_detail(stock_creator_mchid=merchant["mchid"], stock_id=stock_id))[
            "distributed_coupons"
        ]
        == 1
    )

    no = uuid.uuid4().hex[:20]
    prepay_id = ok(
        wxpay.pay(description="满10减5", out_trade_no=no, amount={"total": 1_500}, payer={"openid": openid})
    )["prepay_id"]
    paid = sandbox(
        running_server, f"/sandbox/users/{user_id}/pay", {"prepay_id": prepay_id, "coupon_id": coupon_id}
    )
    assert paid["trade_state"] == "SUCCESS"
    transaction = shop.wait_for("TRANSACTION.SUCCESS")["resource"]
    assert transaction["amount"]["payer_total"] == 1_000
    assert transaction["promotion_detail"][0]["coupon_id"] == coupon_id
    used = shop.wait_for("COUPON.USE")["resource"]
    assert used["coupon_id"] == coupon_id
    assert used["status"] == "USED"
    assert ok(wxpay.marketing_favor_coupon_detail(coupon_id=coupon_id, openid=openid))["status"] == "USED"


def test_trade_bill_and_download_bill(
    running_server: str, merchant: dict[str, Any], shop: MerchantServer
) -> None:
    wxpay = shop.wxpay = public_key_mode(running_server, merchant, shop.url)
    user_id, openid = new_payer(running_server, merchant, 1_000)
    no = uuid.uuid4().hex[:20]
    prepay_id = ok(
        wxpay.pay(description="账单测试", out_trade_no=no, amount={"total": 300}, payer={"openid": openid})
    )["prepay_id"]
    sandbox(running_server, f"/sandbox/users/{user_id}/pay", {"prepay_id": prepay_id})
    clock = httpx.get(f"{running_server}/sandbox/clock").json()
    day = dt.datetime.fromtimestamp(clock["timestamp"], BEIJING).date().isoformat()
    sandbox(running_server, "/sandbox/clock/advance", {"seconds": 86_400})
    answer = ok(wxpay.trade_bill(bill_date=day))
    assert answer["hash_type"] == "SHA1"
    code, content = wxpay.download_bill(answer["download_url"])
    assert code == 200
    assert hashlib.sha1(content, usedforsecurity=False).hexdigest() == answer["hash_value"]
    assert f"`{no}" in gzip.decompress(content).decode()
    flow = ok(wxpay.fundflow_bill(bill_date=day))
    code, content = wxpay.download_bill(flow["download_url"])
    assert code == 200
    assert "`收入" in gzip.decompress(content).decode()


def test_combine_pay_query_and_close(
    running_server: str, merchant: dict[str, Any], shop: MerchantServer
) -> None:
    wxpay = shop.wxpay = public_key_mode(running_server, merchant, shop.url)
    tenant = sandbox(running_server, "/sandbox/merchants", {"name": "Tenant", "appid": merchant["appid"]})
    user_id, _ = new_payer(running_server, merchant, 1_000)
    no = uuid.uuid4().hex[:20]
    sub_orders = [
        {
            "mchid": merchant["mchid"],
            "out_trade_no": f"{no}A",
            "description": "运费",
            "amount": {"total_amount": 100, "currency": "CNY"},
        },
        {
            "mchid": tenant["mchid"],
            "out_trade_no": f"{no}B",
            "description": "茶叶",
            "amount": {"total_amount": 400, "currency": "CNY"},
        },
    ]
    code_url = ok(
        wxpay.combine_pay(combine_out_trade_no=no, sub_orders=sub_orders, pay_type=WeChatPayType.NATIVE)
    )["code_url"]
    assert [s["trade_state"] for s in ok(wxpay.combine_query(combine_out_trade_no=no))["sub_orders"]] == [
        "NOTPAY"
    ] * 2
    assert (
        sandbox(running_server, f"/sandbox/users/{user_id}/pay", {"code_url": code_url})["trade_state"]
        == "SUCCESS"
    )
    resource = shop.wait_for("TRANSACTION.SUCCESS")["resource"]
    assert resource["combine_out_trade_no"] == no
    assert [s["trade_state"] for s in resource["sub_orders"]] == ["SUCCESS"] * 2
    other = uuid.uuid4().hex[:20]
    ok(
        wxpay.combine_pay(
            combine_out_trade_no=other,
            sub_orders=[dict(sub_orders[0], out_trade_no=f"{other}A")],
            pay_type=WeChatPayType.NATIVE,
        )
    )
    code, _ = wxpay.combine_close(
        combine_out_trade_no=other, sub_orders=[{"mchid": merchant["mchid"], "out_trade_no": f"{other}A"}]
    )
    assert code == 204
    assert ok(wxpay.combine_query(combine_out_trade_no=other))["sub_orders"][0]["trade_state"] == "CLOSED"
