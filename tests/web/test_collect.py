"""The page a collection code opens: pay its owner any amount from the wallet."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.identity.helpers import make_user
from tests.web.helpers import csrf_token, sign_up


def test_scanning_a_code_and_paying_an_amount(client: TestClient) -> None:
    owner = make_user(client, "老王")
    issued = client.post("/sandbox/collection-codes", json={"name": "老王煎饼", "user_id": owner}).json()
    sign_up(client, "食客")
    client.post("/me/wallet/topup", data={"csrf_token": csrf_token(client, "/me/wallet"), "yuan": "20"})
    page = client.get(f"/collect/{issued['code_id']}")
    assert "老王煎饼" in page.text
    key = re.search(r'name="payment_key" value="([0-9a-f]+)"', page.text)
    assert key is not None
    form = {
        "csrf_token": csrf_token(client, "/me"),
        "yuan": "12.5",
        "remark": "加蛋",
        "payment_key": key.group(1),
    }
    paid = client.post(f"/collect/{issued['code_id']}", data=form)
    assert "支付成功" in paid.text
    assert "7.50" in paid.text
    again = client.post(f"/collect/{issued['code_id']}", data=form)  # the same form sent twice
    assert "7.50" in again.text
    assert client.get(f"/sandbox/users/{owner}/wallet").json()["balance"] == 1_250
    bad = client.post(f"/collect/{issued['code_id']}", data=form | {"yuan": "abc", "payment_key": "k" * 32})
    assert bad.status_code == 422
    short = client.post(f"/collect/{issued['code_id']}", data=form | {"yuan": "100", "payment_key": "z" * 32})
    assert short.status_code == 409
    assert "余额不足" in short.text
