"""Customer-service accounts (微信客服): add, update, delete, list, contact links and servicers,
with WeCom's error codes; and how Search finds them."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.wecom.helpers import QY, add_account, make_corp, png, upload_image


def test_add_update_list_and_delete(client: TestClient) -> None:
    corp = make_corp(client)
    first = add_account(corp, "售前咨询")
    second = add_account(corp, "售后服务")
    assert first.startswith("wk")
    assert len(first) == 32
    listed = corp.post("kf/account/list", {"offset": 0, "limit": 100})
    assert [(a["open_kfid"], a["name"], a["manage_privilege"]) for a in listed["account_list"]] == [
        (first, "售前咨询", True),
        (second, "售后服务", True),
    ]
    avatar = client.get(listed["account_list"][0]["avatar"].removeprefix("http://testserver"))
    assert avatar.status_code == 200
    assert avatar.headers["content-type"] == "image/jpeg"
    assert corp.post("kf/account/list", {"offset": 1, "limit": 1})["account_list"][0]["open_kfid"] == second
    assert corp.get("kf/account/list")["account_list"] == listed["account_list"]  # wechatpy 2.0 GETs it
    empty_body = client.post(f"{QY}/kf/account/list", params={"access_token": corp.token}).json()
    assert empty_body["account_list"] == listed["account_list"]

    assert corp.post("kf/account/update", {"open_kfid": first, "name": "售前小助手"}) == {
        "errcode": 0,
        "errmsg": "ok",
    }
    new_avatar = upload_image(corp, png(32, 32))
    assert corp.post("kf/account/update", {"open_kfid": first, "media_id": new_avatar})["errcode"] == 0
    assert corp.post("kf/account/list", {})["account_list"][0]["name"] == "售前小助手"

    assert corp.post("kf/account/del", {"open_kfid": first})["errcode"] == 0
    assert [a["open_kfid"] for a in corp.post("kf/account/list", {})["account_list"]] == [second]
    assert corp.post("kf/account/del", {"open_kfid": first})["errcode"] == 95004
    assert corp.post("kf/account/update", {"open_kfid": first, "name": "x"})["errcode"] == 95004
    assert corp.post("kf/account/del", {"open_kfid": "not an id!"})["errcode"] == 95000
    assert client.get(f"/kf/{first}/avatar.jpg").status_code == 404


def test_bad_input_changes_nothing(client: TestClient) -> None:
    corp = make_corp(client)
    media_id = upload_image(corp)
    assert corp.post("kf/account/add", {"name": "一" * 17, "media_id": media_id})["errcode"] == 95006
    assert corp.post("kf/account/add", {"name": "", "media_id": media_id})["errcode"] == 95006
    assert corp.post("kf/account/add", {"name": "客服"})["errcode"] == 40007
    assert corp.post("kf/account/add", {"name": "客服", "media_id": "no-such-media"})["errcode"] == 40007
    assert corp.post("kf/account/list", {"limit": 101})["errcode"] == 40058
    assert corp.post("kf/account/list", {"offset": -1})["errcode"] == 40058
    assert corp.post("kf/account/list", {"limit": "10"})["errcode"] == 47001
    assert corp.post("kf/account/list", {})["account_list"] == []
    account = add_account(corp)
    assert corp.post("kf/account/update", {"open_kfid": account})["errcode"] == 40058
    assert corp.post("kf/account/update", {"open_kfid": account, "name": "一" * 17})["errcode"] == 95006
    other = make_corp(client, "别家公司")
    assert other.post("kf/account/del", {"open_kfid": account})["errcode"] == 95004  # not theirs
    assert corp.post("kf/account/list", {})["account_list"][0]["name"] == "原子商城客服"
    raw = client.post(f"{QY}/kf/account/add", params={"access_token": corp.token}, content=b"{not json")
    assert raw.json()["errcode"] == 47001


def test_contact_links_open_the_conversation_on_the_phone(client: TestClient) -> None:
    corp = make_corp(client)
    account = add_account(corp)
    way = corp.post("kf/add_contact_way", {"open_kfid": account, "scene": "spring_sale-1"})
    assert way == {"errcode": 0, "errmsg": "ok", "url": f"http://testserver/kf/{account}?scene=spring_sale-1"}
    assert corp.post("kf/add_contact_way", {"open_kfid": account})["url"] == f"http://testserver/kf/{account}"
    assert corp.post("kf/add_contact_way", {"open_kfid": account, "scene": "春季"})["errcode"] == 40058
    assert corp.post("kf/add_contact_way", {"open_kfid": account, "scene": "a" * 33})["errcode"] == 40058
    assert corp.post("kf/add_contact_way", {"open_kfid": "wk-nope", "scene": "x"})["errcode"] == 95004


def test_servicers(client: TestClient) -> None:
    corp = make_corp(client)
    account = add_account(corp)
    for userid, name in (("zhangsan", "张三"), ("lisi", "李四")):
        corp.post("user/create", {"userid": userid, "name": name})
    added = corp.post(
        "kf/servicer/add", {"open_kfid": account, "userid_list": ["zhangsan", "nobody", "lisi"]}
    )
    assert [(r["userid"], r["errcode"]) for r in added["result_list"]] == [
        ("zhangsan", 0),
        ("nobody", 60111),
        ("lisi", 0),
    ]
    assert corp.post("kf/servicer/add", {"open_kfid": account, "userid_list": ["zhangsan"]})["errcode"] == 0

    def servicers() -> list[Any]:
        return [s["userid"] for s in corp.get("kf/servicer/list", open_kfid=account)["servicer_list"]]

    assert servicers() == ["zhangsan", "lisi"]
    removed = corp.post("kf/servicer/del", {"open_kfid": account, "userid_list": ["zhangsan"]})
    assert removed["result_list"] == [{"userid": "zhangsan", "errcode": 0, "errmsg": "success"}]
    assert servicers() == ["lisi"]
    assert corp.post("kf/servicer/add", {"open_kfid": account, "userid_list": []})["errcode"] == 40058
    many = [f"u{i}" for i in range(101)]
    assert corp.post("kf/servicer/add", {"open_kfid": account, "userid_list": many})["errcode"] == 40058
    assert corp.get("kf/servicer/list", open_kfid="wk-nope")["errcode"] == 95004


def found(client: TestClient, q: str) -> list[tuple[str, str, str]]:
    results = client.get("/api/search", params={"q": q}).json()["results"]
    plain = [(r["kind"], r["title_html"].replace("<em>", "").replace("</em>", ""), r["url"]) for r in results]
    return [hit for hit in plain if hit[0] == "service"]


def test_search_finds_accounts_by_name_pinyin_and_corp(client: TestClient, indexed: Any) -> None:
    corp = make_corp(client, "原子商城")
    account = add_account(corp, "售后服务")
    indexed()
    for query in ("售后", "shouhou", "shfw", "原子商城"):
        assert found(client, query) == [("service", "售后服务", f"/kf/{account}")], query
    corp.post("kf/account/update", {"open_kfid": account, "name": "退换货客服"})
    indexed()
    assert found(client, "售后") == []
    assert found(client, "退换货") == [("service", "退换货客服", f"/kf/{account}")]
    corp.post("kf/account/del", {"open_kfid": account})
    indexed()
    assert found(client, "退换货") == []
    assert found(client, "原子商城") == []
