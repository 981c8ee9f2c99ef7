"""A payment made in the browser client reaches the merchant's server as a notification the
wechatpayv3 SDK verifies — the whole path, against a running yuanzi."""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest
from playwright.sync_api import Browser, expect
from wechatpayv3 import WeChatPay, WeChatPayType

from tests.compat.merchant_server import MerchantServer, shop
from tests.e2e.screens import DESKTOP, PHONE, screenshot

pytestmark = pytest.mark.e2e
__all__ = ["shop"]


def post(base: str, path: str, body: dict[str, object]) -> dict[str, str]:
    response = httpx.post(base + path, json=body)
    assert response.status_code in (200, 201), response.text
    return dict(response.json())


def test_a_browser_payment_notifies_the_merchant(
    browser: Browser, running_server: str, shop: MerchantServer, tmp_path: Path, artifacts: Path
) -> None:
    base = running_server
    app = post(base, "/sandbox/apps", {"type": "miniprogram", "name": "咖啡小店"})
    merchant = post(base, "/sandbox/merchants", {"name": "咖啡小店", "appid": app["appid"]})
    wxpay = shop.wxpay = WeChatPay(
        wechatpay_type=WeChatPayType.MINIPROG,
        mchid=merchant["mchid"],
        private_key=merchant["private_key"],
        cert_serial_no=merchant["cert_serial_no"],
        appid=app["appid"],
        apiv3_key=merchant["apiv3_key"],
        notify_url=shop.url,
        public_key=merchant["public_key"],
        public_key_id=merchant["public_key_id"],
    )
    wxpay._core._gate_way = base

    page = browser.new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    page.goto(base + "/")
    page.get_by_label("新用户昵称").fill("小红")
    page.get_by_role("button", name="创建并登录").click()
    page.goto(base + "/me")
    user_id = page.locator("#user-id").inner_text()
    page.locator("#me-wallet").get_by_role("link").click()
    page.get_by_label("充值").fill("50")
    page.get_by_role("button", name="充值 Top up").click()
    expect(page.locator("#wallet-balance")).to_contain_text("50.00")

    # The mini program's backend: openid from the login code, then a JSAPI order, then the
    # parameters for wx.requestPayment, signed with the SDK's own sign().
    code = post(base, f"/sandbox/users/{user_id}/login", {"appid": app["appid"]})["code"]
    openid = httpx.get(
        f"{base}/sns/jscode2session",
        params={
            "appid": app["appid"],
            "secret": app["secret"],
            "js_code": code,
            "grant_type": "authorization_code",
        },
    ).json()["openid"]
    out_trade_no = uuid.uuid4().hex[:24]
    status, body = wxpay.pay(
        description="拿铁 Latte", out_trade_no=out_trade_no, amount={"total": 1_800}, payer={"openid": openid}
    )
    assert status == 200, body
    package = "prepay_id=" + httpx.Response(200, content=body).json()["prepay_id"]
    time_stamp, nonce = str(int(time.time())), uuid.uuid4().hex
    params = {
        "appId": app["appid"],
        "timeStamp": time_stamp,
        "nonceStr": nonce,
        "package": package,
        "signType": "RSA",
        "paySign": wxpay.sign([app["appid"], time_stamp, nonce, package]),
    }

    page.goto(f"{base}/pay/request?{urlencode(params)}")
    expect(page.locator("#payee")).to_have_text("咖啡小店")
    expect(page.locator("#pay-amount")).to_contain_text("18.00")
    screenshot(page, "phone-pay-sheet.png", tmp_path, artifacts)
    page.locator("#pay-confirm").click()
    expect(page.locator("#pay-status")).to_contain_text("支付成功")
    expect(page.locator("#wallet-balance")).to_have_text("32.00")
    transaction_id = page.locator("#transaction-id").inner_text()
    screenshot(page, "phone-pay-done.png", tmp_path, artifacts)

    callback = shop.wait_for("TRANSACTION.SUCCESS")
    assert callback["resource"]["transaction_id"] == transaction_id
    console = browser.new_page(viewport=DESKTOP)
    console.goto(f"{base}/console/merchants/{merchant['mchid']}")
    expect(console.locator("#orders")).to_contain_text(out_trade_no)
    expect(console.locator("#notifications")).to_contain_text("DELIVERED")
    screenshot(console, "console-merchant.png", tmp_path, artifacts)
    assert callback["resource"]["out_trade_no"] == out_trade_no
    assert callback["resource"]["payer"]["openid"] == openid
    assert callback["resource"]["amount"]["payer_total"] == 1_800
