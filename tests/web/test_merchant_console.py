"""The merchant console: open a merchant, see its orders, refunds, notifications, stocks and codes."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.identity.helpers import make_app, make_user
from tests.pay.helpers import a_day_of_business, call, make_merchant, order_body, running_stock
from tests.web.helpers import csrf_token
from yuanzi.core.runtime import Runtime


def test_opening_a_merchant_shows_its_keys_once(client: TestClient) -> None:
    app = make_app(client, name="小店 App")
    token = csrf_token(client, "/console/merchants")
    created = client.post(
        "/console/merchants", data={"csrf_token": token, "name": "小店", "appid": app["appid"]}
    )
    assert created.status_code == 201
    assert "BEGIN PRIVATE KEY" in created.text
    mchid = re.search(r'id="new-mchid">(\d+)<', created.text)
    assert mchid is not None
    listing = client.get("/console/merchants")
    assert mchid.group(1) in listing.text
    assert "BEGIN PRIVATE KEY" not in listing.text
    bad = client.post(
        "/console/merchants", data={"csrf_token": token, "name": "x", "appid": "wx0000000000000000"}
    )
    assert bad.status_code == 404
    assert 'id="merchant-error"' in bad.text


def test_a_merchants_page_lists_its_business(client: TestClient) -> None:
    merchant = make_merchant(client, "面馆")
    call(client, merchant, "POST", "/v3/pay/transactions/native", order_body(merchant, "NOODLE0001", 1_800))
    code_url = call(
        client, merchant, "POST", "/v3/pay/transactions/native", order_body(merchant, "NOODLE0002", 2_200)
    ).json()["code_url"]
    user = make_user(client)
    client.post(f"/sandbox/users/{user}/wallet/topup", json={"amount": 5_000})
    client.post(f"/sandbox/users/{user}/pay", json={"code_url": code_url})
    refund = {"out_trade_no": "NOODLE0002", "out_refund_no": "NR1", "amount": {"refund": 200, "total": 2_200}}
    call(client, merchant, "POST", "/v3/refund/domestic/refunds", refund)
    running_stock(client, merchant)
    token = csrf_token(client, f"/console/merchants/{merchant.mchid}")
    issued = client.post(
        f"/console/merchants/{merchant.mchid}/codes",
        data={"csrf_token": token, "name": "面馆收款"},
        follow_redirects=False,
    )
    assert issued.status_code == 303
    page = client.get(f"/console/merchants/{merchant.mchid}").text
    for expected in (
        "NOODLE0001",
        "NOTPAY",
        "NOODLE0002",
        "SUCCESS",
        "NR1",
        "PROCESSING",
        "TRANSACTION.SUCCESS",
        "满10减3",
        "面馆收款",
    ):
        assert expected in page, expected
    notification_id = client.get(f"/sandbox/merchants/{merchant.mchid}/notifications").json()[
        "notifications"
    ][0]["id"]
    replayed = client.post(
        f"/console/notifications/{notification_id}/replay", data={"csrf_token": token}, follow_redirects=False
    )
    assert replayed.status_code == 303
    assert client.get(f"/console/merchants/{merchant.mchid}").status_code == 200
    assert client.get("/console/merchants/1900000000").status_code == 404


def test_bills_download_from_the_console(client: TestClient, app_runtime: Runtime) -> None:
    merchant = make_merchant(client, "账单店")
    day = a_day_of_business(client, merchant, app_runtime)
    trade = client.get(f"/console/merchants/{merchant.mchid}/bills/trade", params={"bill_date": day})
    assert trade.status_code == 200
    assert trade.headers["content-type"].startswith("text/csv")
    assert "`BILL000001" in trade.text
    flow = client.get(f"/console/merchants/{merchant.mchid}/bills/fundflow", params={"bill_date": day})
    assert "`收入" in flow.text
    future = client.get(
        f"/console/merchants/{merchant.mchid}/bills/trade", params={"bill_date": "2999-01-01"}
    )
    assert future.status_code == 400
    assert 'id="bill-error"' in future.text
