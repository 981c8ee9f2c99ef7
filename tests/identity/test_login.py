"""wx.login() codes and /sns/jscode2session, as a mini program backend uses them."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.identity.helpers import login_code, make_app, make_user


def jscode2session(client: TestClient, appid: str, secret: str, code: str) -> dict[str, object]:
    response = client.get(
        "/sns/jscode2session",
        params={"appid": appid, "secret": secret, "js_code": code, "grant_type": "authorization_code"},
    )
    assert response.status_code == 200
    return dict(response.json())


def test_code_exchanges_for_a_stable_openid_and_session(client: TestClient) -> None:
    app = make_app(client)
    user = make_user(client)
    first = jscode2session(client, app["appid"], app["secret"], login_code(client, user, app["appid"]))
    second = jscode2session(client, app["appid"], app["secret"], login_code(client, user, app["appid"]))
    assert "errcode" not in first
    assert first["openid"] == second["openid"]
    assert first["unionid"] == second["unionid"]
    assert first["session_key"] != second["session_key"]


def test_openid_differs_between_apps_and_unionid_follows_the_developer(client: TestClient) -> None:
    one = make_app(client, name="One")
    two = make_app(client, name="Two", developer_id=one["developer_id"])
    other = make_app(client, name="Other developer")
    user = make_user(client)
    s1 = jscode2session(client, one["appid"], one["secret"], login_code(client, user, one["appid"]))
    s2 = jscode2session(client, two["appid"], two["secret"], login_code(client, user, two["appid"]))
    s3 = jscode2session(client, other["appid"], other["secret"], login_code(client, user, other["appid"]))
    assert len({s1["openid"], s2["openid"], s3["openid"]}) == 3
    assert s1["unionid"] == s2["unionid"] != s3["unionid"]


def test_a_code_works_once(client: TestClient) -> None:
    app = make_app(client)
    code = login_code(client, make_user(client), app["appid"])
    jscode2session(client, app["appid"], app["secret"], code)
    again = jscode2session(client, app["appid"], app["secret"], code)
    assert again["errcode"] == 40163
    assert str(again["errmsg"]).startswith("code been used, rid: ")


def test_a_code_expires_after_five_minutes(client: TestClient) -> None:
    app = make_app(client)
    code = login_code(client, make_user(client), app["appid"])
    client.post("/sandbox/clock/advance", json={"seconds": 301})
    assert jscode2session(client, app["appid"], app["secret"], code)["errcode"] == 40029


def test_a_code_is_bound_to_its_app(client: TestClient) -> None:
    one, two = make_app(client, name="One"), make_app(client, name="Two")
    code = login_code(client, make_user(client), one["appid"])
    assert jscode2session(client, two["appid"], two["secret"], code)["errcode"] == 40029
    assert "openid" in jscode2session(client, one["appid"], one["secret"], code)


def test_bad_credentials_and_missing_parameters_get_wechat_errors(client: TestClient) -> None:
    app = make_app(client)
    code = login_code(client, make_user(client), app["appid"])
    cases = [
        ({"secret": app["secret"], "js_code": code}, 41002),
        ({"appid": app["appid"], "js_code": code}, 41004),
        ({"appid": app["appid"], "secret": app["secret"]}, 41008),
        ({"appid": "wx0000000000000000", "secret": app["secret"], "js_code": code}, 40013),
        ({"appid": app["appid"], "secret": "0" * 32, "js_code": code}, 40125),
        ({"appid": app["appid"], "secret": app["secret"], "js_code": code, "grant_type": "password"}, 40002),
        ({"appid": app["appid"], "secret": app["secret"], "js_code": "nope"}, 40029),
    ]
    for params, errcode in cases:
        body = client.get("/sns/jscode2session", params=params).json()
        assert body["errcode"] == errcode, (params, body)
    # None of those consumed the code.
    assert "openid" in jscode2session(client, app["appid"], app["secret"], code)


def test_only_mini_programs_exchange_codes(client: TestClient) -> None:
    web = make_app(client, type="web", name="Site")
    code = login_code(client, make_user(client), web["appid"])
    assert jscode2session(client, web["appid"], web["secret"], code)["errcode"] == 48001


def test_logging_in_to_unknown_user_or_app_is_a_problem(client: TestClient) -> None:
    app = make_app(client)
    missing_user = client.post("/sandbox/users/999/login", json={"appid": app["appid"]})
    assert missing_user.status_code == 404
    assert missing_user.json()["code"] == "user_not_found"
    missing_app = client.post(
        f"/sandbox/users/{make_user(client)}/login", json={"appid": "wx0000000000000000"}
    )
    assert missing_app.status_code == 404
    assert missing_app.json()["code"] == "app_not_found"
