"""A corp with a token, and calls in WeCom's dialect (/qyapi/cgi-bin/…)."""

from __future__ import annotations

import dataclasses
import io
from typing import Any

from fastapi.testclient import TestClient
from PIL import Image

QY = "/qyapi/cgi-bin"


@dataclasses.dataclass
class Corp:
    client: TestClient
    corpid: str
    secret: str
    token: str

    def get(self, path: str, **params: Any) -> dict[str, Any]:
        response = self.client.get(f"{QY}/{path}", params={"access_token": self.token, **params})
        assert response.status_code == 200, response.text
        return dict(response.json())

    def post(self, path: str, body: dict[str, Any], **params: Any) -> dict[str, Any]:
        response = self.client.post(f"{QY}/{path}", params={"access_token": self.token, **params}, json=body)
        assert response.status_code == 200, response.text
        return dict(response.json())


def png(width: int = 64, height: int = 64) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (7, 193, 96)).save(out, "PNG")
    return out.getvalue()


def make_corp(client: TestClient, name: str = "原子商城") -> Corp:
    created = client.post("/sandbox/wecom/corps", json={"name": name})
    assert created.status_code == 201, created.text
    corp = created.json()
    grant = client.get(
        f"{QY}/gettoken", params={"corpid": corp["corpid"], "corpsecret": corp["secret"]}
    ).json()
    assert grant["errcode"] == 0, grant
    return Corp(client, corp["corpid"], corp["secret"], grant["access_token"])


def refresh(corp: Corp) -> None:
    """A new token for the corp (after the sandbox clock passed the old one's expiry)."""
    params = {"corpid": corp.corpid, "corpsecret": corp.secret}
    corp.token = corp.client.get(f"{QY}/gettoken", params=params).json()["access_token"]


def upload_image(corp: Corp, content: bytes | None = None) -> str:
    response = corp.client.post(
        f"{QY}/media/upload",
        params={"access_token": corp.token, "type": "image"},
        files={"media": ("avatar.png", content or png(), "image/png")},
    )
    body = response.json()
    assert body["errcode"] == 0, body
    return str(body["media_id"])


def add_account(corp: Corp, name: str = "原子商城客服") -> str:
    added = corp.post("kf/account/add", {"name": name, "media_id": upload_image(corp)})
    assert added["errcode"] == 0, added
    return str(added["open_kfid"])
