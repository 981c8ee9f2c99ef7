"""Bills: the trade bill and the fund flow bill of a past day, their hash, the 30-second download."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.pay.helpers import MerchantKeys, a_day_of_business, call, make_merchant, today
from yuanzi.core.runtime import Runtime


@pytest.fixture
def merchant(client: TestClient) -> MerchantKeys:
    return make_merchant(client, "账单店")


def bill(client: TestClient, merchant: MerchantKeys, path: str) -> tuple[dict[str, Any], bytes]:
    answer = call(client, merchant, "GET", path)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    url = body["download_url"]
    assert url.startswith("http://testserver/v3/billdownload/file?token=")
    download = call(client, merchant, "GET", url.removeprefix("http://testserver"))
    assert download.status_code == 200
    assert hashlib.sha1(download.content, usedforsecurity=False).hexdigest() == body["hash_value"]
    return body, download.content


def test_the_trade_bill_lists_the_days_payments_and_refunds(
    client: TestClient, merchant: MerchantKeys, app_runtime: Runtime
) -> None:
    day = a_day_of_business(client, merchant, app_runtime)
    body, content = bill(client, merchant, f"/v3/bill/tradebill?bill_date={day}&bill_type=ALL&tar_type=GZIP")
    assert body["hash_type"] == "SHA1"
    lines = gzip.decompress(content).decode().splitlines()
    assert lines[0].startswith("交易时间,公众账号ID,商户号")
    rows = lines[1:-2]
    assert len(rows) == 3
    assert all(field.startswith("`") for field in rows[0].split(","))
    states = [row.split(",")[9] for row in rows]
    assert states == ["`SUCCESS", "`SUCCESS", "`REFUND"]
    assert rows[0].split(",")[6] == "`BILL000001"
    assert rows[0].split(",")[22:24] == ["`0.06", "`0.60%"]
    assert rows[2].split(",")[15:17] == ["`BILLREFUND1", "`5.50"]
    assert lines[-2].startswith("总交易单数")
    # 3 rows; 35.50 paid; 5.50 refunded; fees 0.06 + 0.15 − 0.03 back; 35.50 ordered; 5.50 asked back.
    assert lines[-1] == "`3,`35.50,`5.50,`0.00,`0.18,`35.50,`5.50"
    _, successes = bill(client, merchant, f"/v3/bill/tradebill?bill_date={day}&bill_type=SUCCESS")
    assert len(successes.decode().splitlines()) == 1 + 2 + 2  # not gzipped without tar_type


def test_the_fund_flow_bill_lists_money_in_and_out_with_balances(
    client: TestClient, merchant: MerchantKeys, app_runtime: Runtime
) -> None:
    day = a_day_of_business(client, merchant, app_runtime)
    _, content = bill(
        client, merchant, f"/v3/bill/fundflowbill?bill_date={day}&account_type=BASIC&tar_type=GZIP"
    )
    lines = gzip.decompress(content).decode().splitlines()
    rows = [line.split(",") for line in lines[1:-2]]
    assert [(r[5], r[6], r[7]) for r in rows] == [
        ("`收入", "`9.94", "`9.94"),
        ("`收入", "`25.35", "`35.29"),
        ("`支出", "`5.47", "`29.82"),
    ]
    assert lines[-1] == "`3,`2,`35.29,`1,`5.47"


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [
        ("bill_date=2026-13-01", 400, "PARAM_ERROR"),
        ("bill_date=yesterday", 400, "PARAM_ERROR"),
        ("bill_date={yesterday}&bill_type=EVERYTHING", 400, "PARAM_ERROR"),
        ("bill_date={yesterday}&tar_type=ZIP", 400, "PARAM_ERROR"),
        ("bill_date={today}", 400, "INVALID_REQUEST"),
        ("bill_date={long_ago}", 400, "INVALID_REQUEST"),
        ("bill_date={yesterday}", 400, "NO_STATEMENT_EXIST"),
    ],
)
def test_bad_bill_requests(
    client: TestClient, merchant: MerchantKeys, query: str, status: int, code: str
) -> None:
    now = today(client)
    dates = {"today": now, "yesterday": now - dt.timedelta(days=1), "long_ago": now - dt.timedelta(days=91)}
    answer = call(client, merchant, "GET", "/v3/bill/tradebill?" + query.format(**dates))
    assert (answer.status_code, answer.json()["code"]) == (status, code)


def test_a_download_url_is_the_merchants_own_and_lasts_thirty_seconds(
    client: TestClient, merchant: MerchantKeys, app_runtime: Runtime
) -> None:
    day = a_day_of_business(client, merchant, app_runtime)
    url = call(client, merchant, "GET", f"/v3/bill/tradebill?bill_date={day}").json()["download_url"]
    path = url.removeprefix("http://testserver")
    other = make_merchant(client, "Other")
    stolen = call(client, other, "GET", path)
    assert (stolen.status_code, stolen.json()["code"]) == (400, "INVALID_REQUEST")
    tampered = call(client, merchant, "GET", path[:-3] + "AAA")
    assert (tampered.status_code, tampered.json()["code"]) == (400, "INVALID_REQUEST")
    client.post("/sandbox/clock/advance", json={"seconds": 31})
    late = call(client, merchant, "GET", path)
    assert (late.status_code, late.json()["message"]) == (400, "下载链接已过期")
