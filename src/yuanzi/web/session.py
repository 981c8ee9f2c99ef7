"""Signed cookies for the web client: who is signed in (`current_user`), and the CSRF token forms
carry.

Both are HMAC-SHA256 under one secret key kept in `<data_dir>/web-secret.key` (32 random bytes,
mode 600), created on first use. The session cookie holds `<user_id>.<mac>`; the CSRF check is a
signed double submit: a random nonce in an HttpOnly cookie, and in every form the MAC of that nonce.
"""

from __future__ import annotations

import base64
import hmac
import secrets
import threading
from hashlib import sha256
from pathlib import Path

from fastapi import Request, Response

from yuanzi.core import keyfile
from yuanzi.core.errors import NotFound
from yuanzi.core.uow import UnitOfWork
from yuanzi.identity import service as identity_service
from yuanzi.settings import Settings

SESSION_COOKIE = "yuanzi_session"
CSRF_COOKIE = "yuanzi_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
KEY_FILE = "web-secret.key"
SESSION_MAX_AGE = 30 * 24 * 3600

_key_lock = threading.Lock()


class CsrfRejected(Exception):
    """A form arrived without the token of the browser's CSRF cookie."""


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def load_or_create_key(data_dir: Path) -> bytes:
    """The web secret key in `data_dir`, created (mode 600) if missing; safe if processes race."""
    return keyfile.load_or_create_key(data_dir / KEY_FILE)


def secret_key(request: Request) -> bytes:
    """The app's web secret key, read once per app."""
    state = request.app.state
    key: bytes | None = getattr(state, "web_secret_key", None)
    if key is None:
        with _key_lock:
            key = getattr(state, "web_secret_key", None)
            if key is None:
                key = load_or_create_key(_settings(request).data_dir)
                state.web_secret_key = key
    return key


def _mac(key: bytes, purpose: str, value: str) -> str:
    digest = hmac.new(key, f"{purpose}:{value}".encode(), sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def sign_user(key: bytes, user_id: int) -> str:
    """The session cookie value for `user_id`."""
    return f"{user_id}.{_mac(key, 'session', str(user_id))}"


def verify_user(key: bytes, value: str) -> int | None:
    """The user id a session cookie value names, or None if it is malformed or its MAC is wrong."""
    user_part, _, mac = value.partition(".")
    if not user_part.isascii() or not user_part.isdigit() or len(user_part) > 18:
        return None
    if not hmac.compare_digest(mac, _mac(key, "session", user_part)):
        return None
    return int(user_part)


def signed_in_user_id(request: Request) -> int | None:
    """The user id of the verified session cookie, or None (absent, tampered, not sandbox mode)."""
    if not _settings(request).is_sandbox:
        return None
    value = request.cookies.get(SESSION_COOKIE)
    if not value:
        return None
    return verify_user(secret_key(request), value)


def _set_cookie(request: Request, response: Response, name: str, value: str, max_age: int | None) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )


def set_session(request: Request, response: Response, user_id: int) -> None:
    """Sign `user_id` in on `response`."""
    _set_cookie(request, response, SESSION_COOKIE, sign_user(secret_key(request), user_id), SESSION_MAX_AGE)


def clear_session(request: Request, response: Response) -> None:
    """Sign out on `response`."""
    response.delete_cookie(
        SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=request.url.scheme == "https"
    )


def _csrf_nonce(request: Request) -> str:
    """The browser's CSRF nonce, or a new one that `attach_csrf_cookie` will set."""
    nonce = request.cookies.get(CSRF_COOKIE, "")
    if len(nonce) == 43 and nonce.isascii():
        return nonce
    fresh: str | None = getattr(request.state, "new_csrf_nonce", None)
    if fresh is None:
        fresh = secrets.token_urlsafe(32)
        request.state.new_csrf_nonce = fresh
    return fresh


def csrf_token(request: Request) -> str:
    """The token this browser's forms must send back."""
    return _csrf_nonce(request) + "." + _mac(secret_key(request), "csrf", _csrf_nonce(request))


def attach_csrf_cookie(request: Request, response: Response) -> None:
    """Set the CSRF nonce cookie if this request minted one."""
    fresh: str | None = getattr(request.state, "new_csrf_nonce", None)
    if fresh is not None:
        _set_cookie(request, response, CSRF_COOKIE, fresh, None)


def check_csrf(request: Request, submitted: str) -> None:
    """Raise CsrfRejected unless `submitted` (form field or header) matches the CSRF cookie."""
    token = submitted or request.headers.get(CSRF_HEADER, "")
    nonce = request.cookies.get(CSRF_COOKIE, "")
    expected = nonce + "." + _mac(secret_key(request), "csrf", nonce)
    if not nonce or not hmac.compare_digest(token.encode(), expected.encode()):
        raise CsrfRejected


def current_user(request: Request, uow: UnitOfWork) -> identity_service.UserInfo | None:
    """The signed-in user; a cookie naming a user who no longer exists is dropped."""
    user_id = signed_in_user_id(request)
    if user_id is None:
        if request.cookies.get(SESSION_COOKIE):
            request.state.drop_session = True
        return None
    try:
        return identity_service.get_user(uow=uow, user_id=user_id)
    except NotFound:
        request.state.drop_session = True
        return None
