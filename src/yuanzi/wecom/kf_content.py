"""What the corp may send a customer (send_msg's message types), checked against WeCom's limits:
text, image, link (图文链接), miniprogram (小程序卡片) and msgmenu (菜单消息). Images and thumbnails
are copied out of the temporary media, which expires, so the customer's screen keeps showing them."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from yuanzi.core.errors import WxError
from yuanzi.core.uow import UnitOfWork
from yuanzi.wecom import media

TEXT_MAX_BYTES = 2048
MENU_ITEMS_MAX = 10
THUMB_SIDE = 320
# Every message type WeCom's send_msg knows; yuanzi sends those in SENDABLE.
MSGTYPES = (
    "text",
    "image",
    "voice",
    "video",
    "file",
    "link",
    "miniprogram",
    "msgmenu",
    "location",
    "ca_link",
)
SENDABLE = ("text", "image", "link", "miniprogram", "msgmenu")
_MENU_ID = re.compile(r"[0-9A-Za-z_\-]{1,64}")


@dataclasses.dataclass(frozen=True)
class Outgoing:
    """A checked message: its type, the object stored (and shown), and its thumbnail, if any."""

    msgtype: str
    content: dict[str, Any]
    picture: bytes | None = None  # a card's thumbnail, or the image itself


def _field(obj: dict[str, Any], name: str, max_bytes: int, *, required: bool = True, where: str) -> str:
    value = obj.get(name)
    if value is None or value == "":
        if required:
            raise WxError(40058, f"{where}.{name} is required")
        return ""
    if not isinstance(value, str):
        raise WxError(47001, "data format error")
    if len(value.encode()) > max_bytes:
        raise WxError(40058, f"{where}.{name} is longer than {max_bytes} bytes")
    return value


def _object(body: dict[str, Any], name: str) -> dict[str, Any]:
    obj = body.get(name)
    if not isinstance(obj, dict):
        raise WxError(40058, f"{name} is required for msgtype {name}")
    return obj


def text(body: dict[str, Any]) -> Outgoing:
    obj = body.get("text")
    content = obj.get("content") if isinstance(obj, dict) else None
    if content is None or content == "":
        raise WxError(44004, "empty content")
    if not isinstance(content, str):
        raise WxError(47001, "data format error")
    if len(content.encode()) > TEXT_MAX_BYTES:
        raise WxError(45002, f"content size out of limit: {TEXT_MAX_BYTES} bytes")
    return Outgoing("text", {"content": content})


def _link(uow: UnitOfWork, corp_id: int, body: dict[str, Any]) -> Outgoing:
    obj = _object(body, "link")
    url = _field(obj, "url", 2048, where="link")
    if not url.startswith(("http://", "https://")):
        raise WxError(40058, "link.url is an http(s) URL")
    content = {
        "title": _field(obj, "title", 128, where="link"),
        "desc": _field(obj, "desc", 512, required=False, where="link"),
        "url": url,
        "thumb_media_id": _field(obj, "thumb_media_id", 128, where="link"),
    }
    return Outgoing("link", content, media.image_at(uow, corp_id, content["thumb_media_id"], THUMB_SIDE))


def _image(uow: UnitOfWork, corp_id: int, body: dict[str, Any]) -> Outgoing:
    obj = _object(body, "image")
    media_id = _field(obj, "media_id", 128, where="image")
    return Outgoing("image", {"media_id": media_id}, media.image(uow, corp_id, media_id))


def _miniprogram(uow: UnitOfWork, corp_id: int, body: dict[str, Any]) -> Outgoing:
    obj = _object(body, "miniprogram")
    content = {
        "appid": _field(obj, "appid", 32, where="miniprogram"),
        "title": _field(obj, "title", 64, required=False, where="miniprogram"),
        "thumb_media_id": _field(obj, "thumb_media_id", 128, where="miniprogram"),
        "pagepath": _field(obj, "pagepath", 1024, where="miniprogram"),
    }
    return Outgoing(
        "miniprogram", content, media.image_at(uow, corp_id, content["thumb_media_id"], THUMB_SIDE)
    )


def _menu_item(item: object) -> dict[str, Any]:
    if not isinstance(item, dict) or item.get("type") not in ("click", "view", "miniprogram", "text"):
        raise WxError(95009, "invalid msgmenu item type: click, view, miniprogram or text")
    kind = item["type"]
    obj = item.get(kind)
    if not isinstance(obj, dict):
        raise WxError(40058, f"msgmenu item of type {kind} needs its {kind} object")
    where = f"msgmenu.list.{kind}"
    if kind == "click":
        menu_id = _field(obj, "id", 64, where=where)
        if not _MENU_ID.fullmatch(menu_id):
            raise WxError(40058, "msgmenu click id is 1–64 of 0-9 A-Z a-z _ -")
        return {"type": kind, kind: {"id": menu_id, "content": _field(obj, "content", 128, where=where)}}
    if kind == "view":
        url = _field(obj, "url", 2048, where=where)
        if not url.startswith(("http://", "https://")):
            raise WxError(40058, "msgmenu view url is an http(s) URL")
        return {"type": kind, kind: {"url": url, "content": _field(obj, "content", 1024, where=where)}}
    if kind == "miniprogram":
        fields = {
            "appid": _field(obj, "appid", 32, where=where),
            "pagepath": _field(obj, "pagepath", 1024, where=where),
            "content": _field(obj, "content", 1024, where=where),
        }
        return {"type": kind, kind: fields}
    no_newline = obj.get("no_newline", 0)
    if no_newline not in (0, 1):
        raise WxError(40058, "msgmenu text no_newline is 0 or 1")
    return {
        "type": kind,
        kind: {"content": _field(obj, "content", 1024, where=where), "no_newline": no_newline},
    }


def _msgmenu(body: dict[str, Any]) -> Outgoing:
    obj = _object(body, "msgmenu")
    items = obj.get("list", [])
    if not isinstance(items, list):
        raise WxError(47001, "data format error")
    if len(items) > MENU_ITEMS_MAX:
        raise WxError(95008, f"msgmenu list has more than {MENU_ITEMS_MAX} items")
    content = {
        "head_content": _field(obj, "head_content", 1024, required=False, where="msgmenu"),
        "list": [_menu_item(item) for item in items],
        "tail_content": _field(obj, "tail_content", 1024, required=False, where="msgmenu"),
    }
    if not content["head_content"] and not content["list"] and not content["tail_content"]:
        raise WxError(40058, "msgmenu is empty")
    return Outgoing("msgmenu", content)


def outgoing(
    uow: UnitOfWork, corp_id: int, body: dict[str, Any], allowed: tuple[str, ...] = SENDABLE
) -> Outgoing:
    """The message `body` asks to send, checked: 40008 for a type WeCom lacks or yuanzi does not
    send yet (said so), then each type's own limits."""
    msgtype = body.get("msgtype")
    if msgtype not in MSGTYPES:
        raise WxError(40008, "invalid message type")
    if msgtype not in allowed:
        raise WxError(40008, f"invalid message type: yuanzi sends {', '.join(allowed)} here")
    if msgtype == "image":
        return _image(uow, corp_id, body)
    if msgtype == "link":
        return _link(uow, corp_id, body)
    if msgtype == "miniprogram":
        return _miniprogram(uow, corp_id, body)
    if msgtype == "msgmenu":
        return _msgmenu(body)
    return text(body)


def menu_offers(content: dict[str, Any], menu_id: str) -> str | None:
    """The text of the click item `menu_id` in a stored msgmenu, if it offers one."""
    for item in content.get("list", []):
        if item.get("type") == "click" and item["click"]["id"] == menu_id:
            return str(item["click"]["content"])
    return None
