"""/cgi-bin/gettoken, the token check, members, temporary media, and the qyapi host."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.wecom.helpers import QY, make_corp, png, refresh


def advance(client: TestClient, seconds: float) -> None:
    assert client.post("/sandbox/clock/advance", json={"seconds": seconds}).status_code == 200


def test_gettoken_hands_out_the_same_token_until_it_expires(client: TestClient) -> None:
    corp = make_corp(client)
    params = {"corpid": corp.corpid, "corpsecret": corp.secret}
    advance(client, 600)
    again = client.get(f"{QY}/gettoken", params=params).json()
    assert again["access_token"] == corp.token
    assert 7200 - 602 <= again["expires_in"] <= 7200 - 600  # real time passes between calls too
    advance(client, 6600)
    assert corp.get("user/get", userid="nobody")["errcode"] == 42001
    renewed = client.get(f"{QY}/gettoken", params=params).json()
    assert renewed["access_token"] != corp.token
    assert renewed["expires_in"] == 7200


def test_gettoken_refuses_bad_credentials(client: TestClient) -> None:
    corp = make_corp(client)

    def errcode(**params: str) -> int:
        return int(client.get(f"{QY}/gettoken", params=params).json()["errcode"])

    assert errcode(corpsecret=corp.secret) == 41002
    assert errcode(corpid=corp.corpid) == 41004
    assert errcode(corpid="ww0000000000000000", corpsecret=corp.secret) == 40013
    assert errcode(corpid=corp.corpid, corpsecret="x" * 43) == 40001
    other = make_corp(client, "别家公司")
    assert errcode(corpid=corp.corpid, corpsecret=other.secret) == 40001


def test_every_api_checks_the_token(client: TestClient) -> None:
    make_corp(client)
    assert client.get(f"{QY}/user/get", params={"userid": "a"}).json()["errcode"] == 41001
    assert (
        client.get(f"{QY}/user/get", params={"access_token": "x y", "userid": "a"}).json()["errcode"] == 40014
    )
    response = client.get(f"{QY}/user/get", params={"access_token": "a" * 136, "userid": "a"}).json()
    assert response["errcode"] == 40014
    assert response["errmsg"].startswith("invalid access_token, rid: ")


def test_members(client: TestClient) -> None:
    corp = make_corp(client)
    assert corp.post("user/create", {"userid": "zhangsan", "name": "张三"}) == {
        "errcode": 0,
        "errmsg": "created",
    }
    assert corp.post("user/create", {"userid": "zhangsan", "name": "张三"})["errcode"] == 60102
    assert corp.post("user/create", {"userid": "bad id!", "name": "x"})["errcode"] == 40003
    assert corp.post("user/create", {"userid": "lisi", "name": ""})["errcode"] == 60112
    got = corp.get("user/get", userid="zhangsan")
    assert (got["errcode"], got["userid"], got["name"]) == (0, "zhangsan", "张三")
    assert corp.get("user/get", userid="lisi")["errcode"] == 60111
    other = make_corp(client, "别家公司")
    assert other.get("user/get", userid="zhangsan")["errcode"] == 60111  # members belong to one corp


def test_media_upload_keeps_images_three_days(client: TestClient) -> None:
    corp = make_corp(client)

    def upload(content: bytes, type: str = "image") -> dict[str, object]:
        files = {"media": ("a.png", content, "image/png")}
        params = {"access_token": corp.token, "type": type}
        return dict(client.post(f"{QY}/media/upload", params=params, files=files).json())

    uploaded = upload(png())
    assert uploaded["errcode"] == 0
    assert uploaded["type"] == "image"
    assert isinstance(uploaded["created_at"], str)
    assert uploaded["created_at"].isdigit()
    assert upload(b"not an image at all")["errcode"] == 40004
    assert upload(b"abc")["errcode"] == 40009
    assert upload(png(), type="voice")["errcode"] == 40005
    no_file = client.post(f"{QY}/media/upload", params={"access_token": corp.token, "type": "image"})
    assert no_file.json()["errcode"] == 41005
    add = {"name": "客服", "media_id": uploaded["media_id"]}
    assert make_corp(client, "别家公司").post("kf/account/add", add)["errcode"] == 40007  # not theirs
    advance(client, 3 * 86400 + 1)
    refresh(corp)
    assert corp.post("kf/account/add", add)["errcode"] == 40007


def test_the_qyapi_host_is_served_without_the_prefix(client: TestClient) -> None:
    corp = make_corp(client)
    response = client.get(
        "/cgi-bin/user/get",
        params={"access_token": corp.token, "userid": "nobody"},
        headers={"Host": "qyapi.weixin.qq.com"},
    )
    assert response.json()["errcode"] == 60111
    # the same path on api.weixin.qq.com is another dialect's (an official-account API yuanzi lacks)
    assert client.get("/cgi-bin/user/get", params={"access_token": corp.token}).status_code == 404
