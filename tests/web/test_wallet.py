"""Paying in the client: the wx.requestPayment sheet, H5 and scanned Native orders, the wallet."""

from __future__ import annotations

import base64
import time
import uuid

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from fastapi.testclient import TestClient

from tests.pay.helpers import (
    MerchantKeys,
    call,
    combine_body,
    make_merchant,
    openid_of,
    order_body,
    running_stock,
    send,
)
from tests.web.helpers import csrf_token, sign_up


def request_payment_params(merchant: MerchantKeys, prepay_id: str) -> dict[str, str]:
    """What a merchant backend hands the mini program for wx.requestPayment (paySign over appId…)."""
    app_id, time_stamp, nonce = merchant.data["appid"], str(int(time.time())), uuid.uuid4().hex
    package = f"prepay_id={prepay_id}"
    message = f"{app_id}\n{time_stamp}\n{nonce}\n{package}\n".encode()
    signature = merchant.private_key.sign(message, padding.PKCS1v15(), hashes.SHA256())
    return {
        "appId": app_id,
        "timeStamp": time_stamp,
        "nonceStr": nonce,
        "package": package,
        "signType": "RSA",
        "paySign": base64.b64encode(signature).decode(),
    }


def jsapi_order(
    client: TestClient, merchant: MerchantKeys, user_id: int, total: int, no: str = "WEB0000001"
) -> str:
    body = order_body(merchant, no, total, payer={"openid": openid_of(client, user_id, merchant.app)})
    response = call(client, merchant, "POST", "/v3/pay/transactions/jsapi", body)
    assert response.status_code == 200, response.text
    return str(response.json()["prepay_id"])


def topup(client: TestClient, yuan: str) -> None:
    response = client.post(
        "/me/wallet/topup",
        data={"csrf_token": csrf_token(client, "/me/wallet"), "yuan": yuan},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


def test_the_request_payment_sheet_checks_pay_sign_and_pays(client: TestClient) -> None:
    merchant = make_merchant(client, "咖啡小店")
    user_id = sign_up(client, "小红")
    topup(client, "50")
    prepay_id = jsapi_order(client, merchant, user_id, 1_800)
    params = request_payment_params(merchant, prepay_id)
    sheet = client.get("/pay/request", params=params)
    assert sheet.status_code == 200
    assert "咖啡小店" in sheet.text
    assert "18.00" in sheet.text
    assert 'id="pay-confirm"' in sheet.text
    forged = client.get("/pay/request", params=params | {"paySign": base64.b64encode(b"x" * 256).decode()})
    assert forged.status_code == 400
    assert "paySign" in forged.text
    assert 'id="pay-confirm"' not in forged.text
    paid = client.post("/pay/confirm", data={"csrf_token": csrf_token(client, "/me"), "prepay_id": prepay_id})
    assert paid.status_code == 200
    assert "支付成功" in paid.text
    assert "32.00" in paid.text  # what is left in the wallet
    order = call(
        client, merchant, "GET", f"/v3/pay/transactions/out-trade-no/WEB0000001?mchid={merchant.mchid}"
    )
    assert order.json()["trade_state"] == "SUCCESS"
    wallet = client.get("/me/wallet")
    assert "-18.00" in wallet.text
    assert "+50.00" in wallet.text


def test_a_short_wallet_fails_and_takes_nothing(client: TestClient) -> None:
    merchant = make_merchant(client)
    user_id = sign_up(client)
    topup(client, "1.50")
    prepay_id = jsapi_order(client, merchant, user_id, 200)
    sheet = client.get("/pay/request", params=request_payment_params(merchant, prepay_id))
    assert 'id="pay-short"' in sheet.text
    failed = client.post(
        "/pay/confirm", data={"csrf_token": csrf_token(client, "/me"), "prepay_id": prepay_id}
    )
    assert "余额不足" in failed.text
    assert "1.50" in failed.text


def test_scanning_a_native_code_and_paying_it(client: TestClient) -> None:
    merchant = make_merchant(client, "便利店")
    sign_up(client)
    topup(client, "10")
    code_url = call(
        client, merchant, "POST", "/v3/pay/transactions/native", order_body(merchant, "SCAN000001", 350)
    ).json()["code_url"]
    assert client.get("/scan").status_code == 200
    sheet = client.get("/scan", params={"code_url": code_url})
    assert "便利店" in sheet.text
    assert "3.50" in sheet.text
    paid = client.post("/pay/confirm", data={"csrf_token": csrf_token(client, "/me"), "code_url": code_url})
    assert "支付成功" in paid.text
    again = client.get("/scan", params={"code_url": code_url})
    assert 'id="pay-state"' in again.text
    unknown = client.get("/scan", params={"code_url": "https://example.com/not-a-code"})
    assert unknown.status_code == 422


def test_an_h5_url_opens_the_sheet(client: TestClient) -> None:
    merchant = make_merchant(client)
    sign_up(client)
    scene = {"payer_client_ip": "127.0.0.1", "h5_info": {"type": "Wap"}}
    h5_url = call(
        client,
        merchant,
        "POST",
        "/v3/pay/transactions/h5",
        order_body(merchant, "H5WEB00001", 99, scene_info=scene),
    ).json()["h5_url"]
    sheet = client.get(h5_url)
    assert sheet.status_code == 200
    assert "0.99" in sheet.text


def test_wallet_top_up_validates_the_amount(client: TestClient) -> None:
    sign_up(client)
    for bad in ("", "abc", "-5", "0", "1.234"):
        response = client.post(
            "/me/wallet/topup", data={"csrf_token": csrf_token(client, "/me/wallet"), "yuan": bad}
        )
        assert response.status_code == 422, bad
    assert 'id="wallet-balance"' in client.get("/me/wallet").text
    assert "0.00" in client.get("/me/wallet").text
    forged = client.post("/me/wallet/topup", data={"csrf_token": "nope", "yuan": "5"})
    assert forged.status_code == 403


def test_payment_screens_need_a_signed_in_user(client: TestClient) -> None:
    for path in ("/me/wallet", "/scan", "/pay/h5?prepay_id=wx1"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303, path


def test_the_sheet_offers_usable_vouchers_and_applies_the_chosen_one(client: TestClient) -> None:
    merchant = make_merchant(client, "券店")
    user_id = sign_up(client, "小券")
    topup(client, "20")
    stock_id = running_stock(client, merchant)
    coupon_id = send(
        client, merchant, stock_id, openid_of(client, user_id, merchant.app), "WEBCOUPON1"
    ).json()["coupon_id"]
    prepay_id = jsapi_order(client, merchant, user_id, 1_500)
    sheet = client.get("/pay/request", params=request_payment_params(merchant, prepay_id))
    assert 'id="pay-vouchers"' in sheet.text
    assert coupon_id in sheet.text
    paid = client.post(
        "/pay/confirm",
        data={"csrf_token": csrf_token(client, "/me"), "prepay_id": prepay_id, "coupon_id": coupon_id},
    )
    assert "支付成功" in paid.text
    assert "8.00" in paid.text  # 20.00 − (15.00 − 3.00)
    wallet = client.get("/me/wallet")
    assert "已使用" in wallet.text


def test_a_combined_order_opens_one_sheet_for_all_its_sub_orders(client: TestClient) -> None:
    platform, tenant = make_merchant(client, "平台"), make_merchant(client, "入驻店")
    sign_up(client)
    topup(client, "30")
    code_url = call(
        client, platform, "POST", "/v3/combine-transactions/native", combine_body(platform, tenant)
    ).json()["code_url"]
    sheet = client.get("/scan", params={"code_url": code_url})
    assert "25.00" in sheet.text
    assert "运费 + 茶叶" in sheet.text
    paid = client.post("/pay/confirm", data={"csrf_token": csrf_token(client, "/me"), "code_url": code_url})
    assert "支付成功" in paid.text
    assert "5.00" in paid.text
