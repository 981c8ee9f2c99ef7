"""Live video: a file streamed into a room as HLS, the replay, and nginx-rtmp's callbacks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.channels.test_feeds import as_user, channel
from tests.live.test_rooms import events
from yuanzi.channels.synthetic import make_clip
from yuanzi.core.errors import InvalidInput
from yuanzi.core.runtime import Runtime
from yuanzi.live import service as live_service
from yuanzi.live import streams, video
from yuanzi.settings import Settings

MPEGURL = "application/vnd.apple.mpegurl"


def scheduled_room(client: TestClient, title: str = "推流测试") -> tuple[int, dict[str, Any]]:
    owner, _ = channel(client, f"主播{title}")
    created = client.post("/api/live/rooms", json={"title": title}, headers=as_user(owner))
    assert created.status_code == 201, created.text
    return owner, created.json()


def hls(client: TestClient, room_id: int, name: str = "index.m3u8") -> Any:
    return client.get(f"/api/live/rooms/{room_id}/hls/{name}")


def segments(playlist: str) -> list[str]:
    return [line for line in playlist.splitlines() if line and not line.startswith("#")]


def extinf(playlist: str) -> list[float]:
    """The segments' durations."""
    return [float(line[8:].split(",")[0]) for line in playlist.splitlines() if line.startswith("#EXTINF:")]


def test_a_pushed_file_goes_live_and_stays_as_the_replay(
    client: TestClient, app_runtime: Runtime, settings: Settings, tmp_path: Path
) -> None:
    _, room = scheduled_room(client)
    room_id = room["room_id"]
    assert hls(client, room_id).json()["code"] == "video_not_found"  # nothing streamed yet
    clip = make_clip(tmp_path / "show.mp4", seconds=5.0, fps=10)
    seconds = live_service.stream_file(
        app_runtime.plain_uow, settings.data_dir, room_id=room_id, source=clip, realtime=False
    )
    assert seconds == pytest.approx(5.0, abs=0.2)
    assert client.get(f"/api/live/rooms/{room_id}").json()["state"] == "ended"
    texts = [e["body"]["text"] for e in events(client, room_id)]
    assert texts == ["直播开始 Live", "直播结束 Ended"]
    replay = hls(client, room_id)
    assert replay.status_code == 200
    assert replay.headers["content-type"] == MPEGURL
    assert video.ENDLIST in replay.text
    names = segments(replay.text)
    assert len(names) >= 2  # 2-second segments of a 5-second file
    assert sum(extinf(replay.text)) == pytest.approx(5.0, abs=0.3)
    first = hls(client, room_id, names[0])
    assert first.status_code == 200
    assert first.headers["content-type"] == "video/mp2t"
    assert first.content[0] == 0x47  # an MPEG-TS sync byte


def test_a_file_that_is_not_a_video_changes_nothing(
    client: TestClient, app_runtime: Runtime, settings: Settings, tmp_path: Path
) -> None:
    _, room = scheduled_room(client)
    junk = tmp_path / "notes.mp4"
    junk.write_text("not a video")
    with pytest.raises(InvalidInput):
        live_service.stream_file(
            app_runtime.plain_uow, settings.data_dir, room_id=room["room_id"], source=junk, realtime=False
        )
    assert client.get(f"/api/live/rooms/{room['room_id']}").json()["state"] == "scheduled"


def test_a_live_playlist_is_open_and_bad_names_are_not_found(client: TestClient, settings: Settings) -> None:
    owner, room = scheduled_room(client)
    room_id = room["room_id"]
    client.post(f"/api/live/rooms/{room_id}/start", headers=as_user(owner))
    folder = video.hls_dir(settings.data_dir, room_id)
    folder.mkdir(parents=True)
    (folder / "index.m3u8").write_text("#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.0,\n0.ts\n")
    (folder / "0.ts").write_bytes(b"\x47" * 188)
    (folder / "secret.txt").write_text("no")
    live = hls(client, room_id)
    assert live.status_code == 200
    assert video.ENDLIST not in live.text  # still growing: players keep polling
    assert hls(client, room_id, "0.ts").status_code == 200
    for name in ("secret.txt", "1.ts", "..%2Fyuanzi.sqlite3", "a.ts"):
        response = hls(client, room_id, name)
        assert response.status_code == 404, name
    assert hls(client, 999_999).json()["code"] == "room_not_found"


def on_publish(client: TestClient, name: str, token: str, call: str = "on_publish") -> Any:
    form = {"app": "live", "name": name, "call": call.removeprefix("on_"), "addr": "127.0.0.1"}
    return client.post(f"/api/live/ingest/{token}/{call}", data=form, follow_redirects=False)


def test_nginx_callbacks_check_the_key_rename_the_stream_and_flip_the_room(
    client: TestClient, settings: Settings
) -> None:
    _, room = scheduled_room(client)
    room_id, key = room["room_id"], room["stream_key"]
    token = video.ingest_token(settings.data_dir)
    assert on_publish(client, key, "wrong").status_code == 403  # only the configured nginx
    assert on_publish(client, "live_not_a_key", token).status_code == 403
    assert client.get(f"/api/live/rooms/{room_id}").json()["state"] == "scheduled"
    accepted = on_publish(client, key, token)
    assert accepted.status_code == 302
    assert accepted.headers["location"] == f"room-{room_id}"  # HLS never carries the key
    assert client.get(f"/api/live/rooms/{room_id}").json()["state"] == "live"
    assert on_publish(client, f"room-{room_id}", "wrong", "on_publish_done").status_code == 403
    assert client.get(f"/api/live/rooms/{room_id}").json()["state"] == "live"
    settings.live_stream_grace_seconds = 0  # no grace: stopping ends the room at once
    done = on_publish(client, f"room-{room_id}", token, "on_publish_done")
    assert done.status_code == 200
    assert client.get(f"/api/live/rooms/{room_id}").json()["state"] == "ended"
    assert on_publish(client, key, token).status_code == 403  # an ended room takes no new stream


def test_a_dropped_stream_may_come_back_within_the_grace_period(
    client: TestClient, settings: Settings, app_runtime: Runtime
) -> None:
    _, room = scheduled_room(client)
    room_id, key = room["room_id"], room["stream_key"]
    token = video.ingest_token(settings.data_dir)
    grace = dt.timedelta(seconds=settings.live_stream_grace_seconds)
    assert on_publish(client, key, token).status_code == 302
    assert on_publish(client, f"room-{room_id}", token, "on_publish_done").status_code == 200
    assert client.get(f"/api/live/rooms/{room_id}").json()["state"] == "live"  # the connection dropped
    assert on_publish(client, key, token).status_code == 302  # OBS reconnects
    texts = [e["body"]["text"] for e in events(client, room_id)]
    assert texts == ["直播开始 Live", streams.AWAY, streams.BACK]
    on_publish(client, f"room-{room_id}", token, "on_publish_done")
    client.post("/sandbox/clock/advance", json={"seconds": grace.total_seconds() - 1})
    assert streams.end_abandoned(app_runtime.plain_uow, grace) == 0  # still waiting
    client.post("/sandbox/clock/advance", json={"seconds": 2})
    assert streams.end_abandoned(app_runtime.plain_uow, grace) == 1
    assert client.get(f"/api/live/rooms/{room_id}").json()["state"] == "ended"
    assert events(client, room_id)[-1]["body"]["text"] == "直播结束 Ended"


def test_the_nginx_config_points_at_the_data_dir_and_the_callbacks(settings: Settings) -> None:
    conf = live_service.nginx_config(
        data_dir=settings.data_dir, callback_base="http://127.0.0.1:8123/", rtmp_listen="127.0.0.1:19350"
    )
    token = video.ingest_token(settings.data_dir)
    assert f"on_publish http://127.0.0.1:8123/api/live/ingest/{token}/on_publish;" in conf
    assert "push rtmp://127.0.0.1:19350/hls;" in conf
    assert f"hls_path {video.hls_root(settings.data_dir.resolve())};" in conf
    assert "listen 127.0.0.1:19350;" in conf
