"""TRANSACTION.SUCCESS notifications: encrypted, signed, retried on WeChat's schedule by the clock."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from fastapi.testclient import TestClient

from tests.identity.helpers import make_user
from tests.pay.helpers import (
    MerchantKeys,
    call,
    make_merchant,
    order_body,
    platform_public_key,
    wechatpay_public_key,
)
from yuanzi.core import crypto
from yuanzi.core.runtime import Runtime
from yuanzi.pay import notifications
from yuanzi.pay.notifications import PostResult


class Receiver:
    """A fake merchant server: records what it is sent and answers with the next status."""

    def __init__(self, *statuses: int) -> None:
        self.statuses = list(statuses)
        self.received: list[tuple[str, bytes, dict[str, str]]] = []

    def __call__(self, url: str, body: bytes, headers: dict[str, str]) -> PostResult:
        self.received.append((url, body, headers))
        status = self.statuses.pop(0) if self.statuses else 200
        return PostResult(status, "" if status < 300 else '{"code":"FAIL","message":"失败"}')


@pytest.fixture
def merchant(client: TestClient) -> MerchantKeys:
    return make_merchant(client)


def paid_order(client: TestClient, merchant: MerchantKeys, no: str = "NOTIFY0001", **headers: str) -> str:
    body = order_body(merchant, no, 880)
    code_url = call(client, merchant, "POST", "/v3/pay/transactions/native", body, headers=headers).json()[
        "code_url"
    ]
    user = make_user(client, "Payer")
    client.post(f"/sandbox/users/{user}/wallet/topup", json={"amount": 880})
    paid = client.post(f"/sandbox/users/{user}/pay", json={"code_url": code_url}).json()
    assert paid["trade_state"] == "SUCCESS"
    return str(paid["transaction_id"])


def deliver(app_runtime: Runtime, receiver: Receiver) -> int:
    return notifications.deliver_due(app_runtime.plain_uow, receiver)


def advance(client: TestClient, seconds: float) -> None:
    assert client.post("/sandbox/clock/advance", json={"seconds": seconds}).status_code == 200


def log(client: TestClient, merchant: MerchantKeys) -> list[dict[str, Any]]:
    return list(client.get(f"/sandbox/merchants/{merchant.mchid}/notifications").json()["notifications"])


def verifies(key: rsa.RSAPublicKey, body: bytes, headers: dict[str, str]) -> bool:
    message = f"{headers['Wechatpay-Timestamp']}\n{headers['Wechatpay-Nonce']}\n".encode() + body + b"\n"
    try:
        key.verify(
            base64.b64decode(headers["Wechatpay-Signature"]), message, padding.PKCS1v15(), hashes.SHA256()
        )
    except Exception:
        return False
    return True


def test_a_payment_notifies_the_merchant_with_an_encrypted_signed_resource(
    client: TestClient, merchant: MerchantKeys, app_runtime: Runtime
) -> None:
    transaction_id = paid_order(client, merchant)
    receiver = Receiver(200)
    assert deliver(app_runtime, receiver) == 1
    [(url, body, headers)] = receiver.received
    assert url == "https://shop.example/notify"
    assert headers["Wechatpay-Signature-Type"] == "WECHATPAY2-SHA256-RSA2048"
    # The merchant's requests were answered in certificate mode, so the callback is signed that way.
    assert headers["Wechatpay-Serial"] == merchant.data["platform_cert_serial"]
    assert verifies(platform_public_key(merchant), body, headers)
    envelope = json.loads(body)
    assert envelope["event_type"] == "TRANSACTION.SUCCESS"
    assert envelope["resource_type"] == "encrypt-resource"
    assert envelope["summary"] == "支付成功"
    resource = envelope["resource"]
    assert resource["algorithm"] == "AEAD_AES_256_GCM"
    assert resource["original_type"] == "transaction"
    plain = crypto.aead_decrypt(
        merchant.apiv3_key, resource["nonce"], resource["associated_data"], resource["ciphertext"]
    )
    transaction = json.loads(plain)
    assert transaction["transaction_id"] == transaction_id
    assert transaction["trade_state"] == "SUCCESS"
    assert transaction["out_trade_no"] == "NOTIFY0001"
    assert transaction["amount"]["payer_total"] == 880
    [entry] = log(client, merchant)
    assert entry["state"] == "DELIVERED"
    assert [a["status_code"] for a in entry["attempts"]] == [200]
    assert deliver(app_runtime, receiver) == 0


def test_public_key_merchants_get_callbacks_signed_with_the_public_key(
    client: TestClient, merchant: MerchantKeys, app_runtime: Runtime
) -> None:
    paid_order(client, merchant, **{"Wechatpay-Serial": merchant.data["public_key_id"]})
    receiver = Receiver(200)
    deliver(app_runtime, receiver)
    [(_, body, headers)] = receiver.received
    assert headers["Wechatpay-Serial"] == merchant.data["public_key_id"]
    assert verifies(wechatpay_public_key(merchant), body, headers)


def test_failures_are_retried_on_wechats_schedule_then_given_up(
    client: TestClient, merchant: MerchantKeys, app_runtime: Runtime
) -> None:
    paid_order(client, merchant)
    receiver = Receiver(*([500] * 16))
    assert deliver(app_runtime, receiver) == 1
    for wait in notifications.RETRY_SCHEDULE:
        advance(client, wait.total_seconds() - 1)
        assert deliver(app_runtime, receiver) == 0, "retried early"
        advance(client, 1)
        assert deliver(app_runtime, receiver) == 1
    [entry] = log(client, merchant)
    assert entry["state"] == "FAILED"
    assert len(entry["attempts"]) == 16
    assert entry["next_attempt_at"] is None
    assert sum(w.total_seconds() for w in notifications.RETRY_SCHEDULE) == 24 * 3600 + 4 * 60


def test_the_retry_after_a_failure_can_succeed(
    client: TestClient, merchant: MerchantKeys, app_runtime: Runtime
) -> None:
    paid_order(client, merchant)
    receiver = Receiver(503, 204)
    deliver(app_runtime, receiver)
    advance(client, 15)
    deliver(app_runtime, receiver)
    [entry] = log(client, merchant)
    assert entry["state"] == "DELIVERED"
    assert [(a["status_code"], a["outcome"]) for a in entry["attempts"]] == [
        (503, "failed"),
        (204, "delivered"),
    ]
    # Every attempt is signed afresh: the merchant's replay window is measured from its clock.
    assert receiver.received[0][1] == receiver.received[1][1]
    assert receiver.received[0][2]["Wechatpay-Nonce"] != receiver.received[1][2]["Wechatpay-Nonce"]


def test_sandbox_can_fail_the_next_delivery_and_replay_one(
    client: TestClient, merchant: MerchantKeys, app_runtime: Runtime
) -> None:
    assert (
        client.post(
            f"/sandbox/merchants/{merchant.mchid}/notifications/fail-next", json={"count": 1}
        ).status_code
        == 200
    )
    paid_order(client, merchant)
    receiver = Receiver()
    deliver(app_runtime, receiver)
    assert receiver.received == []
    [entry] = log(client, merchant)
    assert entry["attempts"][0]["detail"] == "sandbox: failure injected"
    advance(client, 15)
    deliver(app_runtime, receiver)
    assert len(receiver.received) == 1
    replayed = client.post(f"/sandbox/notifications/{entry['id']}/replay")
    assert replayed.json()["state"] == "PENDING"
    deliver(app_runtime, receiver)
    assert len(receiver.received) == 2
    assert log(client, merchant)[0]["state"] == "DELIVERED"
    assert client.post("/sandbox/notifications/nope/replay").json()["code"] == "notification_not_found"


def test_pending_notifications_survive_a_restart(
    client: TestClient, merchant: MerchantKeys, app_runtime: Runtime
) -> None:
    paid_order(client, merchant)
    restarted = Runtime(
        engine=app_runtime.engine, clock=app_runtime.clock, subscribers=app_runtime.subscribers, deliver=False
    )
    receiver = Receiver(200)
    assert notifications.deliver_due(restarted.plain_uow, receiver) == 1
    assert log(client, merchant)[0]["state"] == "DELIVERED"
