"""Callbacks to the corp's server: the URL check when it is set, and kf_msg_or_event — encrypted,
signed, retried three times — whose token lets sync_msg in for ten minutes."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.wecom.helpers import Corp, add_account, make_corp, refresh
from tests.wecom.receiver import AES_KEY, TOKEN, receiving
from tests.wecom.test_kf_conversations import customer, write
from yuanzi.core.runtime import Runtime
from yuanzi.wecom import callbacks


def set_callback(client: TestClient, corp: Corp, url: str, **overrides: str) -> dict[str, object]:
    agentid = 1000002
    body = {"url": url, "token": TOKEN, "encoding_aes_key": AES_KEY, **overrides}
    response = client.put(f"/sandbox/wecom/corps/{corp.corpid}/apps/{agentid}/callback", json=body)
    return {"status": response.status_code, **response.json()}


def deliver(runtime: Runtime) -> int:
    return callbacks.deliver_due(runtime.plain_uow)


def advance(client: TestClient, seconds: float) -> None:
    assert client.post("/sandbox/clock/advance", json={"seconds": seconds}).status_code == 200


def test_a_customer_message_calls_the_corp_back_with_a_sync_token(
    client: TestClient, app_runtime: Runtime
) -> None:
    corp = make_corp(client)
    kfid = add_account(corp)
    with receiving(corp.corpid) as receiver:
        assert set_callback(client, corp, receiver.url) == {
            "status": 200,
            "url": receiver.url,
            "verified": True,
        }
        ming = customer(client, "小明")
        write(ming, kfid, "在吗")
        write(ming, kfid, "想问个问题")  # rides on the callback still waiting to go
        assert deliver(app_runtime) == 1
        assert len(receiver.received) == 1
        xml = receiver.received[0]
        assert "<Event><![CDATA[kf_msg_or_event]]></Event>" in xml
        assert f"<OpenKfId><![CDATA[{kfid}]]></OpenKfId>" in xml
        assert f"<ToUserName><![CDATA[{corp.corpid}]]></ToUserName>" in xml
        token = receiver.tokens()[0]
        synced = corp.post("kf/sync_msg", {"token": token, "cursor": ""})
        assert [m["text"]["content"] for m in synced["msg_list"]] == ["在吗", "想问个问题"]
        assert deliver(app_runtime) == 0  # delivered once

        write(ming, kfid, "还在吗")
        assert deliver(app_runtime) == 1
        assert len(set(receiver.tokens())) == 2  # a new callback, a new token

        advance(client, 601)
        refresh(corp)
        assert corp.post("kf/sync_msg", {"token": token})["errcode"] == 95007  # ten minutes passed
        assert corp.post("kf/sync_msg", {"token": "not-a-token"})["errcode"] == 95007
        other = make_corp(client, "别家公司")
        fresh = receiver.tokens()[-1]
        assert other.post("kf/sync_msg", {"token": fresh})["errcode"] == 95007  # not theirs
        assert corp.post("kf/sync_msg", {})["errcode"] == 0  # without a token: served all the same


def test_a_failing_server_gets_three_retries(client: TestClient, app_runtime: Runtime) -> None:
    corp = make_corp(client)
    kfid = add_account(corp)
    with receiving(corp.corpid) as receiver:
        set_callback(client, corp, receiver.url)
        receiver.fail_next = 2
        write(customer(client, "小明"), kfid, "在吗")
        for _ in range(3):
            assert deliver(app_runtime) == 1
            advance(client, 5)
        assert len(receiver.received) == 1  # the third attempt got through
        log = client.get(f"/sandbox/wecom/corps/{corp.corpid}/callbacks").json()["callbacks"]
        assert [(c["attempts"], c["delivered"], c["pending"]) for c in log] == [(3, True, False)]

        receiver.fail_next = 10
        write(customer(client, "小红"), kfid, "你好")
        attempts = 0
        while deliver(app_runtime):
            attempts += 1
            advance(client, 5)
        assert attempts == 4  # the first try and three retries, then WeCom gives up
        log = client.get(f"/sandbox/wecom/corps/{corp.corpid}/callbacks").json()["callbacks"]
        assert (log[0]["attempts"], log[0]["delivered"], log[0]["pending"]) == (4, False, False)
        assert log[0]["last_result"] == "500: busy"


def test_the_url_is_checked_before_it_is_kept(client: TestClient, app_runtime: Runtime) -> None:
    corp = make_corp(client)
    kfid = add_account(corp)
    with receiving(corp.corpid) as receiver:
        receiver.echo_wrong = True
        refused = set_callback(client, corp, receiver.url)
        assert (refused["status"], refused["code"]) == (422, "callback_unverified")
        assert set_callback(client, corp, "ftp://example.com/x")["status"] == 422
        assert set_callback(client, corp, receiver.url, token="bad token!")["status"] == 422
        assert set_callback(client, corp, receiver.url, encoding_aes_key="short")["status"] == 422
        assert (
            client.put(
                f"/sandbox/wecom/corps/{corp.corpid}/apps/9/callback",
                json={"url": receiver.url, "token": TOKEN, "encoding_aes_key": AES_KEY},
            ).status_code
            == 404
        )
        write(customer(client, "小明"), kfid, "在吗")
        assert deliver(app_runtime) == 0  # no URL was kept: nothing to call
        assert receiver.received == []


def test_entering_by_a_link_calls_back_too(client: TestClient, app_runtime: Runtime) -> None:
    corp = make_corp(client)
    kfid = add_account(corp)
    with receiving(corp.corpid) as receiver:
        set_callback(client, corp, receiver.url)
        user = client.post("/sandbox/users", json={"nickname": "小明"}).json()["user_id"]
        entered = client.post(f"/sandbox/wecom/kf/{kfid}/enter", json={"user_id": user, "scene": "qr"})
        assert entered.status_code == 204
        assert deliver(app_runtime) == 1
        synced = corp.post("kf/sync_msg", {"token": receiver.tokens()[0]})
        assert synced["msg_list"][0]["event"]["scene"] == "qr"


def test_done_callbacks_are_forgotten_after_a_day(client: TestClient, app_runtime: Runtime) -> None:
    corp = make_corp(client)
    kfid = add_account(corp)
    with receiving(corp.corpid) as receiver:
        set_callback(client, corp, receiver.url)
        write(customer(client, "小明"), kfid, "在吗")
        assert deliver(app_runtime) == 1
        receiver.fail_next = 1
        write(customer(client, "小红"), kfid, "你好")
        assert deliver(app_runtime) == 1  # failed once: still pending
    assert callbacks.prune(app_runtime.plain_uow) == 0  # nothing is a day old yet
    advance(client, 86400 + 1)
    assert callbacks.prune(app_runtime.plain_uow) == 1  # the delivered one; the pending one stays
    log = client.get(f"/sandbox/wecom/corps/{corp.corpid}/callbacks").json()["callbacks"]
    assert [(c["pending"], c["attempts"]) for c in log] == [(True, 1)]
