"""The signed protocol: requests verified exactly, responses signed, errors in WeChat Pay's shape."""

from __future__ import annotations

import time

from cryptography.hazmat.primitives import serialization
from fastapi.testclient import TestClient

from tests.pay.helpers import (
    authorization,
    call,
    make_merchant,
    platform_public_key,
    verify_response,
    wechatpay_public_key,
)
from yuanzi.core import crypto


def test_a_signed_request_gets_a_response_signed_with_the_platform_certificate(client: TestClient) -> None:
    merchant = make_merchant(client)
    response = call(client, merchant, "GET", "/v3/certificates")
    assert response.status_code == 200, response.text
    headers = response.headers
    assert headers["Wechatpay-Serial"] == merchant.data["platform_cert_serial"]
    assert headers["Wechatpay-Signature-Type"] == "WECHATPAY2-SHA256-RSA2048"
    assert headers["Request-ID"]
    assert abs(int(headers["Wechatpay-Timestamp"]) - time.time()) < 5
    assert verify_response(response, platform_public_key(merchant))
    assert not verify_response(response, wechatpay_public_key(merchant))


def test_certificates_are_encrypted_with_the_apiv3_key(client: TestClient) -> None:
    merchant = make_merchant(client)
    [entry] = call(client, merchant, "GET", "/v3/certificates").json()["data"]
    assert entry["serial_no"] == merchant.data["platform_cert_serial"]
    assert entry["effective_time"].endswith("+08:00")
    assert entry["expire_time"].endswith("+08:00")
    sealed = entry["encrypt_certificate"]
    assert sealed["algorithm"] == "AEAD_AES_256_GCM"
    assert sealed["associated_data"] == "certificate"
    assert len(sealed["nonce"]) == 12
    pem = crypto.aead_decrypt(merchant.apiv3_key, sealed["nonce"], "certificate", sealed["ciphertext"])
    assert pem == merchant.data["platform_certificate"]


def test_public_key_mode_signs_with_the_key_the_request_names(client: TestClient) -> None:
    merchant = make_merchant(client)
    key_id = merchant.data["public_key_id"]
    assert key_id.startswith("PUB_KEY_ID_")
    assert len(key_id) == len("PUB_KEY_ID_") + 32
    response = call(client, merchant, "GET", "/v3/certificates", headers={"Wechatpay-Serial": key_id})
    assert response.status_code == 200
    assert response.headers["Wechatpay-Serial"] == key_id
    assert verify_response(response, wechatpay_public_key(merchant))


def test_an_unknown_wechatpay_serial_is_an_invalid_request(client: TestClient) -> None:
    merchant = make_merchant(client)
    other = make_merchant(client, "Other Shop")
    response = call(
        client, merchant, "GET", "/v3/certificates", headers={"Wechatpay-Serial": other.data["public_key_id"]}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "INVALID_REQUEST"


def test_a_wrong_signature_is_sign_error_with_what_was_expected(client: TestClient) -> None:
    merchant = make_merchant(client)
    other = make_merchant(client, "Other Shop")
    response = call(client, merchant, "GET", "/v3/certificates", key=other.private_key)
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "SIGN_ERROR"
    assert body["detail"]["detail"]["issue"] == "sign not match"
    assert body["detail"]["sign_information"]["url"] == "/v3/certificates"
    assert "Wechatpay-Signature" not in response.headers
    assert response.headers["Request-ID"]


def test_the_signature_covers_the_query_string(client: TestClient) -> None:
    merchant = make_merchant(client)
    header = authorization(merchant, "GET", "/v3/certificates", "")
    response = client.get("/v3/certificates?extra=1", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json()["code"] == "SIGN_ERROR"


def test_missing_or_malformed_authorization_is_sign_error(client: TestClient) -> None:
    merchant = make_merchant(client)
    assert client.get("/v3/certificates").json()["code"] == "SIGN_ERROR"
    good = authorization(merchant, "GET", "/v3/certificates", "")
    for header in (good.replace("WECHATPAY2-SHA256-RSA2048", "Bearer"), good.replace("nonce_str=", "nonce=")):
        response = client.get("/v3/certificates", headers={"Authorization": header})
        assert response.status_code == 401, header
        assert response.json()["code"] == "SIGN_ERROR"


def test_timestamps_outside_five_minutes_are_refused(client: TestClient) -> None:
    merchant = make_merchant(client)
    for skew in (-301, 301):
        response = call(client, merchant, "GET", "/v3/certificates", timestamp=int(time.time()) + skew)
        assert response.status_code == 401
        assert response.json()["detail"]["field"] == "timestamp"
    assert (
        call(client, merchant, "GET", "/v3/certificates", timestamp=int(time.time()) - 250).status_code == 200
    )


def test_a_nonce_is_accepted_once(client: TestClient) -> None:
    merchant = make_merchant(client)
    header = authorization(merchant, "GET", "/v3/certificates", "", nonce="REPLAYED0001")
    assert client.get("/v3/certificates", headers={"Authorization": header}).status_code == 200
    replay = client.get("/v3/certificates", headers={"Authorization": header})
    assert replay.status_code == 401
    assert replay.json()["detail"]["field"] == "nonce_str"
    other = make_merchant(client, "Other Shop")
    # Nonces are per merchant: another merchant may happen to pick the same one.
    assert call(client, other, "GET", "/v3/certificates", nonce="REPLAYED0001").status_code == 200


def test_a_certificate_serial_of_another_merchant_is_refused(client: TestClient) -> None:
    merchant = make_merchant(client)
    other = make_merchant(client, "Other Shop")
    response = call(
        client, merchant, "GET", "/v3/certificates", key=other.private_key, serial_no=other.serial_no
    )
    assert response.status_code == 401
    assert response.json()["detail"]["field"] == "serial_no"


def test_an_unknown_mchid_is_refused(client: TestClient) -> None:
    merchant = make_merchant(client)
    header = authorization(merchant, "GET", "/v3/certificates", "").replace(merchant.mchid, "1900000000")
    response = client.get("/v3/certificates", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json()["detail"]["field"] == "mchid"


def test_a_rotated_certificate_signs_from_then_on_and_both_are_listed(client: TestClient) -> None:
    merchant = make_merchant(client)
    rotated = client.post(f"/sandbox/merchants/{merchant.mchid}/platform-certificates")
    assert rotated.status_code == 201
    new_serial = rotated.json()["serial_no"]
    response = call(client, merchant, "GET", "/v3/certificates")
    assert response.headers["Wechatpay-Serial"] == new_serial
    serials = [entry["serial_no"] for entry in response.json()["data"]]
    assert serials == [new_serial, merchant.data["platform_cert_serial"]]
    # A client that still only knows the old certificate can ask for it by name.
    old = call(
        client,
        merchant,
        "GET",
        "/v3/certificates",
        headers={"Wechatpay-Serial": merchant.data["platform_cert_serial"]},
    )
    assert old.headers["Wechatpay-Serial"] == merchant.data["platform_cert_serial"]
    assert verify_response(old, platform_public_key(merchant))


def test_a_merchant_may_register_its_own_key(client: TestClient) -> None:
    merchant = make_merchant(client)
    own = crypto.generate_rsa_key()
    pem = (
        own.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    registered = client.post(
        f"/sandbox/merchants/{merchant.mchid}/api-certificates", json={"public_key": pem}
    )
    assert registered.status_code == 201
    serial = registered.json()["cert_serial_no"]
    assert call(client, merchant, "GET", "/v3/certificates", key=own, serial_no=serial).status_code == 200
    bad = client.post(f"/sandbox/merchants/{merchant.mchid}/api-certificates", json={"public_key": "nope"})
    assert bad.status_code == 422


def test_new_merchants_get_wechat_shaped_credentials(client: TestClient) -> None:
    merchant = make_merchant(client)
    data = merchant.data
    assert data["mchid"].isdigit()
    assert len(data["mchid"]) == 10
    assert len(data["apiv3_key"]) == 32
    assert len(data["cert_serial_no"]) == 40
    assert data["cert_serial_no"] == data["cert_serial_no"].upper()
    assert data["private_key"].startswith("-----BEGIN PRIVATE KEY-----")
    assert data["public_key"].startswith("-----BEGIN PUBLIC KEY-----")
    listed = client.get("/sandbox/merchants").json()["merchants"]
    assert [m["mchid"] for m in listed] == [data["mchid"]]
    assert "private_key" not in client.get(f"/sandbox/merchants/{data['mchid']}").json()


def test_a_merchant_needs_an_existing_app(client: TestClient) -> None:
    response = client.post("/sandbox/merchants", json={"name": "Shop", "appid": "wx0000000000000000"})
    assert response.status_code == 404
    assert response.json()["code"] == "app_not_found"
    assert client.post("/sandbox/merchants", json={"name": "Shop"}).status_code == 422
    assert client.get("/sandbox/merchants").json()["merchants"] == []


def test_unknown_v3_paths_and_methods_answer_in_wechat_pays_shape(client: TestClient) -> None:
    missing = client.get("/v3/no/such/api")
    assert missing.status_code == 404
    assert missing.json()["code"] == "NOT_FOUND"
    wrong_method = client.delete("/v3/certificates")
    assert wrong_method.status_code == 405
    assert wrong_method.json()["code"] == "METHOD_NOT_ALLOWED"
    huge = client.post("/v3/pay/transactions/native", content=b"x" * (1 << 20 + 1))
    assert huge.status_code == 413
    assert huge.json()["code"] == "PARAM_ERROR"
