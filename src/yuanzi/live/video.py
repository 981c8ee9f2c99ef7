"""Live video: HLS files per room, how viewers get them, and ingest through nginx-rtmp.

nginx with the RTMP module (Debian `libnginx-mod-rtmp`) takes RTMP from OBS or ffmpeg at
`rtmp://HOST/live/<stream key>`. Its `on_publish` callback asks yuanzi, which checks the key,
starts the room and answers 302 with the stream's new name `room-<id>`, so the key never appears
in a file name or URL viewers see. nginx relays the renamed stream to its `hls` application,
which writes `<data dir>/live/hls/room-<id>/index.m3u8` and its segments — the same files
`yuanzi live push` writes with PyAV. `on_publish_done` ends the room. The playlist keeps every
segment (12 hours of them), so after the room ends it is the replay.
"""

from __future__ import annotations

import getpass
import hmac
import os
import re
from pathlib import Path

from yuanzi.core import keyfile

PLAYLIST = "index.m3u8"
SEGMENT = re.compile(r"^[0-9]{1,9}\.ts$")
STREAM_NAME = re.compile(r"^room-([0-9]{1,18})$")
ENDLIST = "#EXT-X-ENDLIST"
INGEST_KEY_FILE = "live-ingest.key"
RTMP_MODULE = "/usr/lib/nginx/modules/ngx_rtmp_module.so"  # where Debian's package puts it


def stream_name(room_id: int) -> str:
    """The name a room's stream has after on_publish renamed it (its HLS directory)."""
    return f"room-{room_id}"


def hls_root(data_dir: Path) -> Path:
    return data_dir / "live" / "hls"


def hls_dir(data_dir: Path, room_id: int) -> Path:
    return hls_root(data_dir) / stream_name(room_id)


def playlist(data_dir: Path, room_id: int, *, ended: bool) -> str | None:
    """The room's playlist, or None before any video arrived. Once the room has ended it is the
    replay: marked as complete, so players treat it as a video on demand."""
    try:
        text = (hls_dir(data_dir, room_id) / PLAYLIST).read_text()
    except FileNotFoundError:
        return None
    if ended and ENDLIST not in text:
        text = text.rstrip("\n") + f"\n{ENDLIST}\n"
    return text


def segment(data_dir: Path, room_id: int, name: str) -> Path | None:
    """A segment file of the room's stream (only names like `12.ts`), or None."""
    if not SEGMENT.match(name):
        return None
    path = hls_dir(data_dir, room_id) / name
    return path if path.is_file() else None


def ingest_token(data_dir: Path) -> str:
    """The secret nginx's callbacks carry, so only the configured nginx can start or end rooms."""
    key = keyfile.load_or_create_key(data_dir / INGEST_KEY_FILE)
    return hmac.new(key, b"yuanzi live ingest", "sha256").hexdigest()


def check_token(data_dir: Path, token: str) -> bool:
    return hmac.compare_digest(ingest_token(data_dir), token)


def nginx_config(
    *, data_dir: Path, callback_base: str, rtmp_listen: str = "1935", module: str = RTMP_MODULE
) -> str:
    """A complete nginx.conf for RTMP ingest into `data_dir` (run it with `nginx -c FILE`)."""
    data = data_dir.resolve()
    run = data / "live" / "nginx"
    run.mkdir(parents=True, exist_ok=True)
    hls_root(data).mkdir(parents=True, exist_ok=True)
    port = rtmp_listen.rsplit(":", 1)[-1]
    notify = f"{callback_base.rstrip('/')}/api/live/ingest"
    token = ingest_token(data_dir)
    # nginx's workers run as `nobody` when started by root; they must write into the data dir.
    user = f"user {getpass.getuser()};\n" if os.geteuid() == 0 else ""
    return f"""# yuanzi live ingest, written by `yuanzi live nginx-config`: nginx -c <this file>
# OBS / ffmpeg publish to rtmp://<host>:{port}/live/<the room's stream key>
{user}load_module {module};
worker_processes 1;
pid {run / "nginx.pid"};
error_log {run / "error.log"} notice;

events {{
    worker_connections 1024;
}}

rtmp {{
    server {{
        listen {rtmp_listen};
        # Publishers come here with their stream key; yuanzi checks it and renames the stream
        # to room-<id> (302), starts the room, and ends it when publishing stops.
        application live {{
            live on;
            deny play all;
            notify_method post;
            on_publish {notify}/{token}/on_publish;
            on_publish_done {notify}/{token}/on_publish_done;
            push rtmp://127.0.0.1:{port}/hls;
        }}
        # Only the relay above publishes here; it writes HLS that yuanzi serves to viewers.
        application hls {{
            live on;
            allow publish 127.0.0.1;
            deny publish all;
            deny play all;
            hls on;
            hls_path {hls_root(data)};
            hls_nested on;
            hls_fragment 2s;
            hls_playlist_length 12h;
            hls_cleanup off;
        }}
    }}
}}
"""
