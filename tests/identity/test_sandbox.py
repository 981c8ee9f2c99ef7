"""The sandbox's users and apps endpoints: clear errors, nothing changed by bad input."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from tests.identity.helpers import make_app, make_user


def counts(client: TestClient) -> tuple[int, int]:
    return len(client.get("/sandbox/users").json()["users"]), len(client.get("/sandbox/apps").json()["apps"])


def test_app_has_wechat_shaped_credentials(client: TestClient) -> None:
    app = make_app(client, type="official", name="新闻 News")
    assert re.fullmatch(r"wx[0-9a-f]{16}", app["appid"])
    assert re.fullmatch(r"[0-9a-f]{32}", app["secret"])
    assert app["type"] == "official"
    assert app["name"] == "新闻 News"
    listed = client.get("/sandbox/apps").json()["apps"]
    assert [a["appid"] for a in listed] == [app["appid"]]
    assert "secret" not in listed[0]


def test_users_are_created_and_listed(client: TestClient) -> None:
    user_id = make_user(client, "小明")
    assert client.get(f"/sandbox/users/{user_id}").json() == {"user_id": user_id, "nickname": "小明"}
    assert client.get("/sandbox/users/424242").status_code == 404


@pytest.mark.parametrize(
    ("path", "body", "where"),
    [
        ("/sandbox/users", {"nickname": ""}, "nickname"),
        ("/sandbox/users", {"nickname": "x" * 65}, "nickname"),
        ("/sandbox/users", {"nickname": 7}, "nickname"),
        ("/sandbox/users", {}, "nickname"),
        ("/sandbox/users", {"nickname": "ok", "admin": True}, "admin"),
        ("/sandbox/apps", {"type": "game", "name": "x"}, "type"),
        ("/sandbox/apps", {"type": "web", "name": ""}, "name"),
        ("/sandbox/apps", {"type": "web", "name": "x", "developer_id": "1"}, "developer_id"),
    ],
)
def test_bad_bodies_are_422_problems_and_change_nothing(
    client: TestClient, path: str, body: dict[str, object], where: str
) -> None:
    before = counts(client)
    response = client.post(path, json=body)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "invalid_input"
    assert where in problem["detail"]
    assert counts(client) == before


def test_blank_nickname_after_trimming_is_refused(client: TestClient) -> None:
    response = client.post("/sandbox/users", json={"nickname": "   "})
    assert response.status_code == 422
    assert response.json()["detail"] == "nickname must not be empty"
    assert counts(client) == (0, 0)


def test_malformed_json_is_a_problem(client: TestClient) -> None:
    response = client.post("/sandbox/users", content=b"{nope", headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"


def test_unknown_developer_is_404_and_creates_nothing(client: TestClient) -> None:
    response = client.post("/sandbox/apps", json={"type": "web", "name": "x", "developer_id": 999})
    assert response.status_code == 404
    assert response.json()["code"] == "developer_not_found"
    assert counts(client) == (0, 0)


def test_a_mini_program_has_a_description_and_service_keywords(client: TestClient) -> None:
    made = client.post(
        "/sandbox/apps",
        json={
            "type": "miniprogram",
            "name": "街角面包",
            "description": "现烤面包，下单自取",
            "keywords": ["面包", "烘焙", "面包"],
        },
    )
    assert made.status_code == 201, made.text
    app = made.json()
    assert (app["description"], app["keywords"]) == ("现烤面包，下单自取", ["面包", "烘焙"])  # no repeats
    changed = client.put(
        f"/sandbox/apps/{app['appid']}/profile", json={"description": "现烤面包", "keywords": ["早餐"]}
    )
    assert changed.json()["keywords"] == ["早餐"]
    for body, field in (
        ({"description": "长" * 121}, "description"),
        ({"keywords": [str(i) for i in range(11)]}, "keywords"),
        ({"keywords": ["词" * 21]}, "keywords"),
        ({"keywords": [" "]}, "keywords"),
    ):
        refused = client.put(f"/sandbox/apps/{app['appid']}/profile", json=body)
        assert (refused.status_code, refused.json()["field"]) == (422, field), body
    listed = next(a for a in client.get("/sandbox/apps").json()["apps"] if a["appid"] == app["appid"])
    assert (listed["description"], listed["keywords"]) == (
        "现烤面包",
        ["早餐"],
    )  # the refused changed nothing
    assert client.put("/sandbox/apps/wx0000000000000000/profile", json={}).status_code == 404
