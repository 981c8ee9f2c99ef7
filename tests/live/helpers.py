"""Setting up a shop for a live room: a merchant the room's owner administers, and its products."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.channels.test_feeds import as_user
from tests.identity.helpers import make_app


def shop(client: TestClient, owner: int, name: str) -> str:
    """A merchant account (with a mini program of its own) that `owner` administers; its mchid."""
    app = make_app(client, name=name)
    made = client.post(
        "/sandbox/merchants", json={"name": name, "appid": app["appid"], "admin_user_id": owner}
    )
    assert made.status_code == 201, made.text
    return str(made.json()["mchid"])


def list_product(
    client: TestClient,
    owner: int,
    room_id: int,
    mchid: str,
    title: str,
    price: int,
    notify_url: str = "https://s.example/n",
) -> int:
    """Put a product on the room's shelf through the API; its id."""
    body = {"mchid": mchid, "title": title, "price": price, "notify_url": notify_url}
    made = client.post(f"/api/live/rooms/{room_id}/products", json=body, headers=as_user(owner))
    assert made.status_code == 201, made.text
    return int(made.json()["product_id"])
