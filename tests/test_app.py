"""What every deployment serves: health, metrics, OpenAPI, request ids, unknown paths."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient


def test_healthz(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok", "mode": "sandbox"}


def test_every_response_carries_a_request_id(client: TestClient) -> None:
    response = client.get("/healthz")
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}", response.headers["x-request-id"])
    echoed = client.get("/healthz", headers={"X-Request-ID": "trace-123"})
    assert echoed.headers["x-request-id"] == "trace-123"
    hostile = client.get("/healthz", headers={"X-Request-ID": "bad id\twith spaces"})
    assert hostile.headers["x-request-id"] != "bad id\twith spaces"


def test_wechat_errors_carry_the_request_id_as_rid(client: TestClient) -> None:
    response = client.get("/cgi-bin/token")
    assert response.status_code == 200
    assert response.json()["errmsg"] == f"appid missing, rid: {response.headers['x-request-id']}"


def test_metrics_count_requests_by_route(client: TestClient) -> None:
    client.get("/healthz")
    body = client.get("/metrics").text
    assert re.search(r'yuanzi_http_requests_total\{method="GET",route="/healthz",status="200"\} \d', body)
    assert "yuanzi_http_request_duration_seconds_bucket" in body


def test_openapi_lists_the_wechat_and_sandbox_routes(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/sns/jscode2session", "/cgi-bin/token", "/cgi-bin/stable_token", "/sandbox/users"):
        assert path in paths
    assert client.get("/docs").status_code == 200


def test_unknown_path_is_a_404_problem(client: TestClient) -> None:
    response = client.get("/api/nothing/here")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_oversize_bodies_are_refused_before_parsing(client: TestClient) -> None:
    big = b'{"nickname": "' + b"x" * (1 << 20) + b'"}'
    response = client.post("/sandbox/users", content=big, headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"
    wx = client.post("/cgi-bin/stable_token", content=big)
    assert wx.status_code == 200
    assert wx.json()["errcode"] == 47001
    assert client.get("/sandbox/users").json()["users"] == []
