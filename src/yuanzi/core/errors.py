"""The errors components raise; app.py renders each in its dialect's shape.

- `WxError`: api.weixin.qq.com / qyapi dialect, `{"errcode", "errmsg"}` with HTTP 200.
- `Problem`: yuanzi's own `/api/` and `/sandbox/`, RFC 9457 problem JSON.
"""

from __future__ import annotations

from typing import Any


class YuanziError(Exception):
    """Base of every error yuanzi renders to a client."""


class WxError(YuanziError):
    """An error in WeChat's `{"errcode", "errmsg"}` shape; errmsg gets `, rid: …` appended."""

    def __init__(self, errcode: int, errmsg: str) -> None:
        super().__init__(f"{errcode} {errmsg}")
        self.errcode = errcode
        self.errmsg = errmsg


class Problem(YuanziError):
    """An RFC 9457 problem: `code` is a stable machine-readable name, `detail` says what to fix."""

    def __init__(
        self, status: int, code: str, detail: str, *, title: str | None = None, **extra: Any
    ) -> None:
        super().__init__(f"{status} {code}: {detail}")
        self.status = status
        self.code = code
        self.detail = detail
        self.title = title or code.replace("_", " ").capitalize()
        self.extra = extra

    def to_json(self, instance: str) -> dict[str, Any]:
        """The problem document."""
        return {
            "type": f"https://yuanzi.dev/problems/{self.code}",
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "code": self.code,
            "instance": instance,
            **self.extra,
        }


class NotFound(Problem):
    """The thing named does not exist (or is not yours to see)."""

    def __init__(self, what: str, key: object) -> None:
        super().__init__(404, f"{what}_not_found", f"no {what.replace('_', ' ')} {key!r}")


class InvalidInput(Problem):
    """The request is malformed; nothing was changed."""

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(422, "invalid_input", detail, **extra)
