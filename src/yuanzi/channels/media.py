"""Media for posts, on PyAV (FFmpeg) and Pillow: uploads are probed, videos transcoded to H.264/AAC
MP4 with the index at the front (faststart, so playback and seeking start before the download
ends), a poster frame taken, images normalised to JPEG.

Files are written under a temporary name and renamed into place only when complete; the caller
deletes them if the database write that follows fails, so a failed upload leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import dataclasses
from pathlib import Path
from typing import Any

import av
import av.error

from yuanzi.core import images, transcode
from yuanzi.core.errors import Problem

MAX_VIDEO_BYTES = 200 << 20
MAX_IMAGE_BYTES = 20 << 20
MAX_DURATION_S = 15 * 60
MAX_LONG_SIDE = 1280  # videos are scaled down to 720p-ish; images to 2048
MAX_IMAGE_SIDE = 2048
AUDIO_RATE = 44_100


@dataclasses.dataclass(frozen=True)
class Processed:
    """A processed upload, its files relative to the media directory."""

    path: str
    poster_path: str | None
    content_type: str
    width: int
    height: int
    duration_ms: int | None
    size: int


def unsupported(detail: str) -> Problem:
    """422: the upload is not a video or image yuanzi can use; nothing was kept."""
    return Problem(422, "unsupported_media", detail)


def process_video(source: Path, media_dir: Path, media_id: str) -> Processed:
    """Transcode `source` to `<media_id>.mp4` (H.264/AAC, faststart) and `<media_id>.jpg` (poster)."""
    out_path, poster_path = media_dir / f"{media_id}.mp4", media_dir / f"{media_id}.jpg"
    partial = media_dir / f"{media_id}.mp4.part"
    try:
        width, height, duration_ms = _transcode(source, partial, poster_path)
        partial.rename(out_path)
    except Problem:
        for leftover in (partial, poster_path):
            leftover.unlink(missing_ok=True)
        raise
    except (av.error.FFmpegError, ValueError, OSError) as exc:
        for leftover in (partial, poster_path):
            leftover.unlink(missing_ok=True)
        raise unsupported(f"the video could not be read or transcoded: {exc}") from None
    return Processed(
        path=out_path.name,
        poster_path=poster_path.name,
        content_type="video/mp4",
        width=width,
        height=height,
        duration_ms=duration_ms,
        size=out_path.stat().st_size,
    )


def _transcode(source: Path, target: Path, poster: Path) -> tuple[int, int, int]:
    try:
        inp = av.open(str(source))
    except (av.error.FFmpegError, OSError):
        raise unsupported("not a video file FFmpeg can read") from None
    with contextlib.closing(inp):
        if not inp.streams.video:
            raise unsupported("the file has no video stream")
        vin = inp.streams.video[0]
        if inp.duration is not None and inp.duration / av.time_base > MAX_DURATION_S:
            raise unsupported(f"videos may be at most {MAX_DURATION_S // 60} minutes long")
        fps = transcode.frame_rate(vin, 30)
        width, height = transcode.scaled(vin.codec_context.width, vin.codec_context.height, MAX_LONG_SIDE)
        with av.open(str(target), mode="w", format="mp4", options={"movflags": "+faststart"}) as out:

            def save_poster(index: int, frame: Any) -> None:
                if index == 0:
                    picture = frame.to_image()
                    picture.convert("RGB").resize((width, height)).save(poster, "JPEG", quality=85)

            frames = transcode.encode(
                inp,
                out,
                width=width,
                height=height,
                fps=fps,
                video_options={"preset": "veryfast", "crf": "23"},
                audio_rate=AUDIO_RATE,
                before_frame=save_poster,
            )
            if frames == 0:
                raise unsupported("the video has no frames")
    return width, height, round(frames * 1000 / fps)


def process_image(source: Path, media_dir: Path, media_id: str) -> Processed:
    """Normalise an image upload to `<media_id>.jpg` (RGB, at most 2048 px on the long side)."""
    target = media_dir / f"{media_id}.jpg"
    width, height = images.save_jpeg(source, target, MAX_IMAGE_SIDE)
    return Processed(
        path=target.name,
        poster_path=None,
        content_type="image/jpeg",
        width=width,
        height=height,
        duration_ms=None,
        size=target.stat().st_size,
    )


def remove(media_dir: Path, *names: str | None) -> None:
    """Delete files of a media item (after a failed database write)."""
    for name in names:
        if name:
            (media_dir / name).unlink(missing_ok=True)
