"""Identifiers in the shapes WeChat uses, from the OS's CSPRNG."""

from __future__ import annotations

import base64
import secrets
import string

_ALNUM = string.ascii_letters + string.digits
_URLSAFE = _ALNUM + "-_"


def random_string(length: int, alphabet: str = _ALNUM) -> str:
    """A random string of `length` characters from `alphabet`."""
    return "".join(secrets.choice(alphabet) for _ in range(length))


def appid() -> str:
    """`wx` + 16 lowercase hex, like a real AppID."""
    return "wx" + secrets.token_hex(8)


def app_secret() -> str:
    """32 lowercase hex, like a real AppSecret."""
    return secrets.token_hex(16)


def openid() -> str:
    """28 characters starting with `o`, like a real OpenID."""
    return "o" + random_string(27, _URLSAFE)


def unionid() -> str:
    """28 characters starting with `o`, like a real UnionID."""
    return "o" + random_string(27, _URLSAFE)


def login_code() -> str:
    """32 characters, like a `wx.login()` code."""
    return random_string(32)


def access_token() -> str:
    """An opaque 136-character token, the length WeChat's access_tokens have."""
    return random_string(136, _URLSAFE)


def session_key() -> str:
    """Base64 of 16 random bytes, like a session_key."""
    return base64.b64encode(secrets.token_bytes(16)).decode()


def rid() -> str:
    """A request id in WeChat's errmsg form: three groups of 8 hex."""
    return "-".join(secrets.token_hex(4) for _ in range(3))


def corpid() -> str:
    """`ww` + 16 lowercase hex, like a real WeCom CorpID."""
    return "ww" + secrets.token_hex(8)


def corp_secret() -> str:
    """43 URL-safe characters, like a WeCom app Secret."""
    return random_string(43, _URLSAFE)


def open_kfid() -> str:
    """`wk` + 30 URL-safe characters, like a customer-service account's open_kfid."""
    return "wk" + random_string(30, _URLSAFE)


def external_userid() -> str:
    """`wm` + 30 URL-safe characters, like a WeChat user's external_userid in one corp."""
    return "wm" + random_string(30, _URLSAFE)


def media_id() -> str:
    """64 URL-safe characters, like a WeCom temporary media_id."""
    return random_string(64, _URLSAFE)


def kf_msgid() -> str:
    """A customer-service message id (WeCom's are opaque strings of this length)."""
    return random_string(32, _URLSAFE)
