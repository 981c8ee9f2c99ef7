"""Live in the console: go live (the stream key once, with the commands), rooms with their
figures, a room's concurrency curve, incentive ledger and sales; start and end."""

from __future__ import annotations

import datetime as dt
import re

from fastapi.testclient import TestClient

from tests.channels.test_feeds import as_user, channel
from tests.identity.helpers import make_user
from tests.web.helpers import csrf_token
from yuanzi.core.runtime import Runtime
from yuanzi.live import figures
from yuanzi.web.live_console import concurrency_chart


def test_go_live_shows_the_key_once_then_start_watch_and_end(
    client: TestClient, app_runtime: Runtime
) -> None:
    owner, creator_id = channel(client, "夜市小吃")
    listing = client.get("/console/live").text
    assert f'<option value="{creator_id}">夜市小吃</option>' in listing
    token = csrf_token(client, "/console/live")
    made = client.post("/console/live", data={"csrf_token": token, "creator_id": creator_id, "title": "烤串"})
    assert made.status_code == 201
    key = re.search(r"live_[A-Za-z0-9_-]{20,}", made.text)
    assert key is not None
    assert "yuanzi live push show.mp4 --room " in made.text
    room_id = int(re.search(r"--room (\d+)", made.text).group(1))  # type: ignore[union-attr]
    assert client.get(f"/api/live/rooms/{room_id}").json()["state"] == "scheduled"
    later = client.get(f"/console/live/{room_id}").text
    assert key.group(0) not in later  # shown once
    assert 'id="start-room"' in later

    started = client.post(
        f"/console/live/{room_id}/start", data={"csrf_token": token}, follow_redirects=False
    )
    assert started.status_code == 303
    assert client.get(f"/api/live/rooms/{room_id}").json()["state"] == "live"
    fan = make_user(client, "吃货")
    client.post(f"/api/live/rooms/{room_id}/enter", json={"source": "share"}, headers=as_user(fan))
    for node, viewers in (("a", 3), ("b", 4)):
        with app_runtime.uow() as uow:
            figures.report_presence(uow=uow, room_id=room_id, node=node, viewers=viewers)
            uow.commit()
    page = client.get(f"/console/live/{room_id}").text
    assert '<span class="num" id="viewers-peak">7</span>' in page
    assert "<polyline" in page
    assert "<td>1</td><td>0</td><td>0</td><td>1</td>" in page  # the incentive ledger: 1 brought, 1 owed
    assert "¥0.00" in client.get("/console/live").text  # the rooms list, with GMV

    client.post(f"/console/live/{room_id}/end", data={"csrf_token": token})
    assert client.get(f"/api/live/rooms/{room_id}").json()["state"] == "ended"
    again = client.post(f"/console/live/{room_id}/start", data={"csrf_token": token})
    assert again.status_code == 409
    assert "this room has ended" in again.text
    assert owner


def test_bad_console_requests_change_nothing(client: TestClient) -> None:
    channel(client, "某频道")
    token = csrf_token(client, "/console/live")
    assert (
        client.post("/console/live", data={"csrf_token": token, "creator_id": "", "title": "x"}).status_code
        == 422
    )
    assert (
        client.post("/console/live", data={"csrf_token": token, "creator_id": "1", "title": ""}).status_code
        == 422
    )
    assert client.post("/console/live", data={"creator_id": "1", "title": "x"}).status_code == 403  # no CSRF
    assert client.get("/console/live/999").status_code == 404
    assert client.post("/console/live/999/start", data={"csrf_token": token}).status_code == 404
    assert client.get("/api/live/rooms").json()["rooms"] == []
    assert "No rooms yet" in client.get("/console/live").text


def test_the_chart_scales_viewers_to_its_box() -> None:
    t = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)
    chart = concurrency_chart([(t, 0), (t + dt.timedelta(minutes=1), 5), (t + dt.timedelta(minutes=2), 10)])
    assert chart["peak"] == 10
    assert chart["points"] == "0.0,160.0 320.0,85.0 640.0,10.0"
    assert concurrency_chart([])["points"] == ""
    assert concurrency_chart([(t, 4)])["points"] == "0.0,10.0 640.0,10.0"
