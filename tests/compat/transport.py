"""Send an SDK's api.weixin.qq.com traffic to yuanzi by swapping only its HTTP transport.

wechatpy hard-codes `https://api.weixin.qq.com/`; mount this adapter on the client's
requests session and every call goes to yuanzi instead, path and query unchanged::

    from wechatpy import WeChatClient

    client = WeChatClient(appid, secret)
    client._http.mount("https://api.weixin.qq.com/", YuanziAdapter("http://127.0.0.1:8000"))
    client.wxa.code_to_session(code)
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

from requests import PreparedRequest, Response
from requests.adapters import HTTPAdapter


class YuanziAdapter(HTTPAdapter):
    """A requests transport that sends each request to yuanzi at `base_url` instead."""

    def __init__(self, base_url: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        target = urlsplit(base_url)
        self._scheme, self._netloc = target.scheme, target.netloc
        self._prefix = target.path.rstrip("/")

    def send(self, request: PreparedRequest, *args: Any, **kwargs: Any) -> Response:  # type: ignore[override]
        """Rewrite the request's scheme and host (keeping path and query), then send it."""
        original = urlsplit(request.url or "")
        request.url = urlunsplit(
            (self._scheme, self._netloc, self._prefix + original.path, original.query, original.fragment)
        )
        return super().send(request, *args, **kwargs)
