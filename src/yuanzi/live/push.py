"""Stream a video file as live with PyAV: `yuanzi live push FILE --room R`.

The file is transcoded to H.264/AAC and paced at its own frame rate (or as fast as it encodes,
for tests), either straight into the room's HLS directory — the same files nginx-rtmp writes —
or to an RTMP URL, as OBS or ffmpeg would publish to nginx. A keyframe comes every
SEGMENT_SECONDS, so HLS can cut segments of that length.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import av

from yuanzi.core import transcode
from yuanzi.core.errors import InvalidInput, Problem
from yuanzi.core.uow import UnitOfWorkFactory
from yuanzi.live import rooms, video

SEGMENT_SECONDS = 2
AUDIO_RATE = 48_000
MAX_LONG_SIDE = 1280


def stream_file(
    uow_factory: UnitOfWorkFactory, data_dir: Path, *, room_id: int, source: Path, realtime: bool = True
) -> float:
    """Stream `source` into a room as its owner would: the room goes live, the file plays out as
    HLS, and the room ends with the file, its video kept as the replay. A file that cannot be
    read changes nothing."""
    with _open_video(source) as inp:
        with uow_factory() as uow:
            room = rooms.get_room(uow=uow, room_id=room_id)
            if room.state == rooms.ENDED:
                raise Problem(409, "room_ended", "this room has ended; create a new one")
            rooms.start(uow=uow, room_id=room_id, user_id=room.user_id)
            uow.commit()
        try:
            out_dir = video.hls_dir(data_dir, room_id)
            out_dir.mkdir(parents=True, exist_ok=True)
            # The playlist lists every segment, so after the end it is the replay.
            options = {
                "hls_time": str(SEGMENT_SECONDS),
                "hls_list_size": "0",
                "hls_segment_filename": str(out_dir / "%d.ts"),
            }
            return _push(inp, str(out_dir / video.PLAYLIST), "hls", options, realtime=realtime)
        finally:
            with uow_factory() as uow:
                rooms.end(uow=uow, room_id=room_id, user_id=room.user_id)
                uow.commit()


def push_to_rtmp(source: Path, url: str, *, realtime: bool = True) -> float:
    """Publish `source` to an RTMP server (nginx-rtmp's `live` application); seconds streamed.
    A refused stream key, or a server that drops the stream, is a 502 `rtmp_failed`."""
    with _open_video(source) as inp:
        try:
            return _push(inp, url, "flv", {}, realtime=realtime)
        except av.error.FFmpegError as exc:
            detail = f"the RTMP server refused or dropped the stream: {exc}"
            raise Problem(502, "rtmp_failed", detail) from None


def _open_video(source: Path) -> contextlib.closing[Any]:
    """The file opened for reading (close it with `with`); 422 unless it has a video stream."""
    try:
        inp = av.open(str(source))
    except (av.error.FFmpegError, OSError):
        raise InvalidInput("not a video file FFmpeg can read", field="file") from None
    if not inp.streams.video:
        inp.close()
        raise InvalidInput("the file has no video stream", field="file")
    return contextlib.closing(inp)


def _push(inp: Any, target: str, fmt: str, options: dict[str, str], *, realtime: bool) -> float:
    vin = inp.streams.video[0]
    fps = transcode.frame_rate(vin, 25)
    width, height = transcode.scaled(vin.codec_context.width, vin.codec_context.height, MAX_LONG_SIDE)
    with av.open(target, mode="w", format=fmt, options=options) as out:
        gop = str(fps * SEGMENT_SECONDS)  # a keyframe at every segment boundary
        pace = _Pacer(realtime)
        frames = transcode.encode(
            inp,
            out,
            width=width,
            height=height,
            fps=fps,
            video_options={
                "preset": "veryfast",
                "tune": "zerolatency",
                "g": gop,
                "keyint_min": gop,
                "sc_threshold": "0",
            },
            audio_rate=AUDIO_RATE,
            before_frame=lambda index, _frame: pace.wait_until(index / fps),
        )
        if frames == 0:
            raise InvalidInput("the video has no frames", field="file")
    return frames / fps


class _Pacer:
    """Holds each frame back until its time has come, so the stream plays as live."""

    def __init__(self, realtime: bool, sleep: Callable[[float], None] = time.sleep) -> None:
        self._realtime, self._sleep, self._start = realtime, sleep, time.monotonic()

    def wait_until(self, seconds: float) -> None:
        if self._realtime:
            ahead = self._start + seconds - time.monotonic()
            if ahead > 0:
                self._sleep(ahead)
