"""The operator console: overview, apps and users, and forms that change nothing on bad input."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.identity.helpers import make_app, make_user
from tests.web.helpers import count, csrf_token


def test_the_console_shows_counts_and_tables(client: TestClient) -> None:
    mini = make_app(client, name="Coffee Shop")
    make_app(client, type="official", name="News")
    make_user(client, "Alice")
    response = client.get("/console")
    assert response.status_code == 200
    text = response.text
    assert '<span class="num" id="count-users">1</span>' in text
    assert '<span class="num" id="count-apps">2</span>' in text
    assert '<span class="num" id="count-miniprograms">1</span>' in text
    assert f'<td class="mono">{mini["appid"]}</td>' in text
    assert f'<td class="mono">{mini["developer_id"]}</td>' in text
    assert "Coffee Shop" in text
    assert "Alice" in text
    for label in ("概览", "Overview", "应用", "Apps", "用户", "Users", "创建应用", "Create app"):
        assert label in text
    assert mini["secret"] not in text


def test_creating_an_app_shows_its_secret_once(client: TestClient) -> None:
    token = csrf_token(client)
    response = client.post("/console/apps", data={"csrf_token": token, "type": "miniprogram", "name": "Shop"})
    assert response.status_code == 201
    assert response.headers["cache-control"] == "no-store"
    assert "it is shown only once" in response.text
    apps = client.get("/sandbox/apps").json()["apps"]
    assert [(a["name"], a["type"]) for a in apps] == [("Shop", "miniprogram")]
    appid = apps[0]["appid"]
    assert f'<dd class="mono" id="new-appid">{appid}</dd>' in response.text
    secret = response.text.split('<dd class="mono" id="new-secret">', 1)[1].split(" ", 1)[0]
    assert len(secret) == 32
    token_response = client.get(
        "/cgi-bin/token", params={"grant_type": "client_credential", "appid": appid, "secret": secret}
    )
    assert "access_token" in token_response.json()
    again = client.get("/console")
    assert appid in again.text
    assert secret not in again.text
    assert "shown only once" not in again.text


def test_an_app_can_join_an_existing_developer_account(client: TestClient) -> None:
    first = make_app(client, name="First")
    token = csrf_token(client)
    data = {
        "csrf_token": token,
        "type": "official",
        "name": "Second",
        "developer_id": str(first["developer_id"]),
    }
    assert client.post("/console/apps", data=data).status_code == 201
    developers = {a["name"]: a["developer_id"] for a in client.get("/sandbox/apps").json()["apps"]}
    assert developers == {"First": first["developer_id"], "Second": first["developer_id"]}


@pytest.mark.parametrize(
    ("form", "status", "message"),
    [
        ({"type": "miniprogram", "name": ""}, 422, "name must not be empty"),
        ({"type": "miniprogram", "name": "  "}, 422, "name must not be empty"),
        ({"type": "miniprogram", "name": "n" * 65}, 422, "name is longer than 64 characters"),
        ({"type": "game", "name": "Shop"}, 422, "type must be one of miniprogram, official, mobile, web"),
        ({"name": "Shop"}, 422, "type must be one of"),
        ({"type": "web", "name": "Shop", "developer_id": "abc"}, 422, "Developer id must be a whole number"),
        ({"type": "web", "name": "Shop", "developer_id": "-1"}, 422, "Developer id must be a whole number"),
        ({"type": "web", "name": "Shop", "developer_id": "999"}, 404, "no developer 999"),
    ],
)
def test_bad_app_input_shows_an_inline_error_and_creates_nothing(
    client: TestClient, form: dict[str, str], status: int, message: str
) -> None:
    make_app(client, name="Existing")
    token = csrf_token(client)
    response = client.post("/console/apps", data={"csrf_token": token, **form})
    assert response.status_code == status
    assert '<p class="error" role="alert" id="app-error">' in response.text
    assert message in response.text
    assert "shown only once" not in response.text
    assert count(client, "apps") == 1
    assert '<span class="num" id="count-apps">1</span>' in response.text
    if form.get("name", "").strip():
        assert f'name="name" value="{form["name"]}"' in response.text  # what was typed is kept


def test_creating_a_user_redirects_to_the_console_saying_so(client: TestClient) -> None:
    token = csrf_token(client)
    response = client.post(
        "/console/users", data={"csrf_token": token, "nickname": "Alice"}, follow_redirects=False
    )
    assert response.status_code == 303
    users = client.get("/sandbox/users").json()["users"]
    assert [u["nickname"] for u in users] == ["Alice"]
    assert response.headers["location"] == f"/console?created_user={users[0]['user_id']}#users"
    page = client.get(response.headers["location"])
    assert f"Alice (ID {users[0]['user_id']})" in page.text
    assert '<span class="num" id="count-users">1</span>' in page.text


@pytest.mark.parametrize(
    ("nickname", "message"),
    [("", "nickname must not be empty"), ("n" * 65, "nickname is longer than 64 characters")],
)
def test_bad_user_input_shows_an_inline_error_and_creates_nobody(
    client: TestClient, nickname: str, message: str
) -> None:
    make_user(client, "Existing")
    response = client.post("/console/users", data={"csrf_token": csrf_token(client), "nickname": nickname})
    assert response.status_code == 422
    assert f'<p class="error" role="alert" id="user-error">{message}</p>' in response.text
    assert count(client, "users") == 1


@pytest.mark.parametrize(
    ("path", "form"),
    [("/console/apps", {"type": "miniprogram", "name": "Shop"}), ("/console/users", {"nickname": "Alice"})],
)
def test_console_forms_without_the_csrf_token_are_refused(
    client: TestClient, path: str, form: dict[str, str]
) -> None:
    csrf_token(client)
    response = client.post(path, data={**form, "csrf_token": "forged"})
    assert response.status_code == 403
    assert "表单已过期" in response.text
    assert count(client, "apps") == 0
    assert count(client, "users") == 0


def test_the_console_is_present_in_production_with_a_warning(
    production_client: TestClient, client: TestClient
) -> None:
    response = production_client.get("/console")
    assert response.status_code == 200
    assert "生产 Production" in response.text
    assert "This console has no sign-in yet" in response.text
    token = csrf_token(production_client)
    created = production_client.post(
        "/console/apps", data={"csrf_token": token, "type": "web", "name": "Site"}
    )
    assert created.status_code == 201
    assert count(client, "apps") == 1


@pytest.mark.parametrize("created_user", ["abc", "999", "-1", "9" * 40])
def test_a_bad_created_user_parameter_is_ignored(client: TestClient, created_user: str) -> None:
    response = client.get("/console", params={"created_user": created_user})
    assert response.status_code == 200
    assert "User created" not in response.text
