"""Collection codes (收款码): issued to merchants and people, paid any amount, totals kept."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.identity.helpers import make_user
from tests.pay.helpers import make_merchant
from yuanzi.core.runtime import Runtime
from yuanzi.pay import ledger


def code(client: TestClient, **owner: Any) -> dict[str, Any]:
    response = client.post("/sandbox/collection-codes", json={"name": "老王煎饼", **owner})
    assert response.status_code == 201, response.text
    return dict(response.json())


def topped_up(client: TestClient, fen: int) -> int:
    user_id = make_user(client, "buyer")
    client.post(f"/sandbox/users/{user_id}/wallet/topup", json={"amount": fen})
    return user_id


def pay(client: TestClient, code_id: str, user_id: int, amount: int, **extra: Any) -> Any:
    return client.post(
        f"/sandbox/collection-codes/{code_id}/pay", json={"user_id": user_id, "amount": amount, **extra}
    )


def test_a_merchant_code_collects_into_the_merchants_balance(
    client: TestClient, app_runtime: Runtime
) -> None:
    merchant = make_merchant(client)
    issued = code(client, mchid=merchant.mchid)
    assert issued["url"] == f"http://testserver/collect/{issued['code_id']}"
    assert issued["png_url"].endswith(".png")
    buyer = topped_up(client, 2_000)
    paid = pay(client, issued["code_id"], buyer, 1_250, remark="两个煎饼")
    assert paid.status_code == 200, paid.text
    assert paid.json()["balance"] == 750
    pay(client, issued["code_id"], buyer, 500)
    totals = client.get(f"/sandbox/collection-codes/{issued['code_id']}").json()
    assert (totals["payments"], totals["collected"]) == (2, 1_750)
    assert (
        client.get(f"/sandbox/merchants/{merchant.mchid}/balance").json()["pending"] == 1_750 - 8 - 3
    )  # 0.6%
    with app_runtime.uow() as uow:
        assert ledger.check_books(uow.session).ok


def test_a_personal_code_pays_into_the_persons_wallet_without_a_fee(client: TestClient) -> None:
    owner = make_user(client, "老王")
    issued = code(client, user_id=owner)
    buyer = topped_up(client, 1_000)
    assert pay(client, issued["code_id"], buyer, 999).status_code == 200
    assert client.get(f"/sandbox/users/{owner}/wallet").json()["balance"] == 999
    own = pay(client, issued["code_id"], owner, 1)
    assert (own.status_code, own.json()["code"]) == (409, "own_code")


def test_a_double_submit_pays_once(client: TestClient) -> None:
    issued = code(client, user_id=make_user(client, "owner"))
    buyer = topped_up(client, 1_000)
    first = pay(client, issued["code_id"], buyer, 300, idempotency_key="form-key-0001").json()
    again = pay(client, issued["code_id"], buyer, 300, idempotency_key="form-key-0001").json()
    assert again["replayed"] is True
    assert again["collection_id"] == first["collection_id"]
    assert again["balance"] == 700


@pytest.mark.parametrize("amount", [0, -1, 5_000_001, "5"])
def test_bad_amounts_and_short_wallets_change_nothing(client: TestClient, amount: Any) -> None:
    issued = code(client, user_id=make_user(client, "owner"))
    buyer = topped_up(client, 100)
    assert pay(client, issued["code_id"], buyer, amount).status_code == 422
    short = pay(client, issued["code_id"], buyer, 101)
    assert (short.status_code, short.json()["code"]) == (409, "insufficient_balance")
    assert client.get(f"/sandbox/users/{buyer}/wallet").json()["balance"] == 100
    assert client.get(f"/sandbox/collection-codes/{issued['code_id']}").json()["payments"] == 0


def test_a_code_has_exactly_one_owner(client: TestClient) -> None:
    merchant = make_merchant(client)
    user_id = make_user(client)
    both = client.post(
        "/sandbox/collection-codes", json={"name": "x", "mchid": merchant.mchid, "user_id": user_id}
    )
    assert both.status_code == 422
    assert client.post("/sandbox/collection-codes", json={"name": "x"}).status_code == 422
    ghost = client.post("/sandbox/collection-codes", json={"name": "x", "mchid": "1900000000"})
    assert (ghost.status_code, ghost.json()["code"]) == (404, "merchant_not_found")


def test_the_code_is_served_as_png_and_svg(client: TestClient) -> None:
    issued = code(client, user_id=make_user(client))
    png = client.get(f"/collect/{issued['code_id']}.png")
    assert png.headers["content-type"] == "image/png"
    assert png.content.startswith(b"\x89PNG\r\n\x1a\n")
    svg = client.get(f"/collect/{issued['code_id']}.svg")
    assert svg.headers["content-type"] == "image/svg+xml"
    assert svg.text.startswith("<svg")
    assert client.get("/collect/nope.png").status_code == 404
