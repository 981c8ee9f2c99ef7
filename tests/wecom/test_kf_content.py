"""What the corp may send besides text — link cards, mini program cards and menus — with WeCom's
limits; how the customer's phone shows them; a menu tap sent back with its id."""

from __future__ import annotations

import io
from typing import Any

from fastapi.testclient import TestClient
from PIL import Image

from tests.web.helpers import csrf_token, sign_up
from tests.wecom.helpers import Corp, add_account, make_corp, upload_image
from tests.wecom.test_kf_conversations import sync, write


def setup(client: TestClient) -> tuple[Corp, str, TestClient, str]:
    corp = make_corp(client)
    kfid = add_account(corp)
    phone = TestClient(client.app)
    sign_up(phone, "小明")
    write(phone, kfid, "在吗")
    external = sync(corp)["msg_list"][-1]["external_userid"]
    return corp, kfid, phone, external


def send(corp: Corp, kfid: str, external: str, msgtype: str, obj: Any) -> dict[str, Any]:
    return corp.post("kf/send_msg", {"touser": external, "open_kfid": kfid, "msgtype": msgtype, msgtype: obj})


def shown(phone: TestClient, kfid: str) -> list[dict[str, Any]]:
    return list(phone.get(f"/kf/{kfid}/changes", params={"since": 0}).json()["messages"])


MENU = {
    "head_content": "您对本次服务是否满意呢？",
    "list": [
        {"type": "click", "click": {"id": "101", "content": "满意"}},
        {"type": "click", "click": {"id": "102", "content": "不满意"}},
        {"type": "view", "view": {"url": "https://example.com/help", "content": "帮助中心"}},
        {"type": "text", "text": {"content": "或者直接留言", "no_newline": 0}},
    ],
    "tail_content": "欢迎再次光临",
}


def test_cards_and_menus_reach_the_phone(client: TestClient) -> None:
    corp, kfid, phone, external = setup(client)
    thumb = upload_image(corp)
    link = {
        "title": "物流查询",
        "desc": "点击查看您的包裹",
        "url": "https://example.com/track",
        "thumb_media_id": thumb,
    }
    assert send(corp, kfid, external, "link", link)["errcode"] == 0
    card = {
        "appid": "wx1234567890abcdef",
        "title": "原子商城",
        "thumb_media_id": thumb,
        "pagepath": "pages/index",
    }
    assert send(corp, kfid, external, "miniprogram", card)["errcode"] == 0
    assert send(corp, kfid, external, "msgmenu", MENU)["errcode"] == 0

    _, got_link, got_card, got_menu = shown(phone, kfid)
    assert got_link["text"] == "[链接] 物流查询"
    assert 'href="https://example.com/track"' in got_link["html"]
    assert got_card["text"] == "[小程序] 原子商城"
    assert 'href="/discover#mp-wx1234567890abcdef"' in got_card["html"]
    assert 'data-menu-id="101"' in got_menu["html"]
    assert "欢迎再次光临" in got_menu["html"]
    picture = phone.get(f"/kf/{kfid}/messages/{got_link['message_id']}/thumb.jpg")
    assert picture.status_code == 200
    assert picture.headers["content-type"] == "image/jpeg"
    assert phone.get(f"/kf/{kfid}/messages/{got_menu['message_id']}/thumb.jpg").status_code == 404
    stranger = TestClient(client.app)
    sign_up(stranger, "路人")
    assert stranger.get(f"/kf/{kfid}/messages/{got_link['message_id']}/thumb.jpg").status_code == 404
    assert "满意" in phone.get(f"/kf/{kfid}").text
    assert "[菜单] 您对本次服务是否满意呢？" in phone.get("/").text  # the chat list's last line

    # A tap on 满意 sends its text with its id, as WeChat does; the corp sees both.
    headers = {"X-CSRF-Token": csrf_token(phone, "/me")}
    tapped = phone.post(
        f"/kf/{kfid}/messages", json={"menu_id": "101", "client_msg_id": "tap-1"}, headers=headers
    )
    assert tapped.status_code == 200
    assert tapped.json()["text"] == "满意"
    assert sync(corp)["msg_list"][-1]["text"] == {"content": "满意", "menu_id": "101"}
    forged = phone.post(f"/kf/{kfid}/messages", json={"menu_id": "999"}, headers=headers)
    assert forged.status_code == 422  # never offered


def test_each_type_is_checked(client: TestClient) -> None:
    corp, kfid, phone, external = setup(client)
    thumb = upload_image(corp)
    link = {"title": "物流", "url": "https://example.com", "thumb_media_id": thumb}
    assert send(corp, kfid, external, "link", {**link, "url": "javascript:alert(1)"})["errcode"] == 40058
    assert send(corp, kfid, external, "link", {**link, "title": "长" * 43})["errcode"] == 40058  # 129 bytes
    assert send(corp, kfid, external, "link", {**link, "thumb_media_id": "nope"})["errcode"] == 40007
    assert send(corp, kfid, external, "link", "not an object")["errcode"] == 40058
    card = {"appid": "wx1", "thumb_media_id": thumb}
    assert send(corp, kfid, external, "miniprogram", card)["errcode"] == 40058  # no pagepath
    items = [{"type": "click", "click": {"id": str(i), "content": f"选项{i}"}} for i in range(11)]
    assert send(corp, kfid, external, "msgmenu", {"list": items})["errcode"] == 95008
    assert send(corp, kfid, external, "msgmenu", {"list": [{"type": "voice"}]})["errcode"] == 95009
    bad_id = {"list": [{"type": "click", "click": {"id": "a b", "content": "x"}}]}
    assert send(corp, kfid, external, "msgmenu", bad_id)["errcode"] == 40058
    assert send(corp, kfid, external, "msgmenu", {})["errcode"] == 40058
    assert send(corp, kfid, external, "location", {"latitude": 0})["errcode"] == 40008
    assert [m["text"] for m in shown(phone, kfid)] == ["在吗"]  # nothing was sent
    assert send(corp, kfid, external, "link", link)["errcode"] == 0  # and the window still has room


def test_pictures_both_ways(client: TestClient) -> None:
    corp, kfid, phone, external = setup(client)
    headers = {"X-CSRF-Token": csrf_token(phone, "/me")}
    png = io.BytesIO()
    Image.new("RGB", (800, 600), (30, 120, 200)).save(png, "PNG")
    files = {"image": ("screenshot.png", png.getvalue(), "image/png")}
    sent = phone.post(f"/kf/{kfid}/images", files=files, data={"client_msg_id": "pic-1"}, headers=headers)
    assert sent.status_code == 200, sent.text
    assert sent.json()["text"] == "[图片]"
    again = phone.post(f"/kf/{kfid}/images", files=files, data={"client_msg_id": "pic-1"}, headers=headers)
    assert again.json()["message_id"] == sent.json()["message_id"]  # a retry, not a second picture
    not_picture = {"image": ("a.png", b"not an image", "image/png")}
    assert phone.post(f"/kf/{kfid}/images", files=not_picture, headers=headers).status_code == 422
    assert phone.post(f"/kf/{kfid}/images", files=files).status_code == 400  # no CSRF token

    item = sync(corp)["msg_list"][-1]
    assert (item["origin"], item["msgtype"]) == (3, "image")
    got = client.get(
        "/qyapi/cgi-bin/media/get", params={"access_token": corp.token, "media_id": item["image"]["media_id"]}
    )
    assert got.headers["content-type"] == "image/jpeg"
    with Image.open(io.BytesIO(got.content)) as image:
        assert image.size == (800, 600)
    missing = client.get("/qyapi/cgi-bin/media/get", params={"access_token": corp.token, "media_id": "nope"})
    assert missing.json()["errcode"] == 40007

    answer = send(corp, kfid, external, "image", {"media_id": upload_image(corp)})
    assert answer["errcode"] == 0
    mine, theirs = shown(phone, kfid)[-2:]
    assert (mine["mine"], theirs["mine"]) == (True, False)
    assert 'class="kf-picture"' in theirs["html"]
    assert phone.get(f"/kf/{kfid}/messages/{theirs['message_id']}/thumb.jpg").status_code == 200
    assert phone.get(f"/kf/{kfid}/messages/{mine['message_id']}/thumb.jpg").status_code == 200
