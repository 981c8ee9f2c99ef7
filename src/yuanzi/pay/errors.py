"""Pay's error: WeChat Pay v3's `{"code", "message", "detail"}` body with its HTTP status."""

from __future__ import annotations

from typing import Any

from yuanzi.core.errors import YuanziError


class PayError(YuanziError):
    """An error in WeChat Pay v3's shape; rendered (and signed) by pay's own routes."""

    def __init__(self, status: int, code: str, message: str, detail: dict[str, Any] | None = None) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.detail = detail

    def to_json(self) -> dict[str, Any]:
        """The response body."""
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.detail is not None:
            body["detail"] = self.detail
        return body


def param_error(field: str, value: Any, issue: str, location: str = "body") -> PayError:
    """400 PARAM_ERROR naming the field, as WeChat reports a bad parameter."""
    return PayError(
        400,
        "PARAM_ERROR",
        f"{field}: {issue}",
        {"field": field, "value": value, "issue": issue, "location": location},
    )


def invalid_request(message: str) -> PayError:
    """400 INVALID_REQUEST: the request is well-formed but not acceptable in this state."""
    return PayError(400, "INVALID_REQUEST", message)


def sign_error(message: str, issue: str | None = None, **detail: Any) -> PayError:
    """401 SIGN_ERROR: the request's Authorization does not check out."""
    body = {"detail": {"issue": issue}, **detail} if issue else None
    return PayError(401, "SIGN_ERROR", message, body)
