"""H.264/AAC encoding with PyAV, shared by Channels (uploads to MP4) and Live (a file streamed as
HLS or to RTMP): the first video stream scaled to even sides, the first audio stream resampled to
stereo AAC."""

from __future__ import annotations

import fractions
from collections.abc import Callable
from typing import Any

import av


def even(value: float) -> int:
    """H.264 wants even sides."""
    return max(2, int(value) // 2 * 2)


def scaled(width: int, height: int, limit: int) -> tuple[int, int]:
    """Fit the long side to `limit` (never enlarging), keeping the sides even."""
    factor = min(1.0, limit / max(width, height))
    return even(width * factor), even(height * factor)


def frame_rate(stream: Any, default: int) -> int:
    """The stream's frame rate, rounded, within 1–60."""
    return min(60, max(1, round(float(stream.average_rate or fractions.Fraction(default)))))


def encode(
    inp: Any,
    out: Any,
    *,
    width: int,
    height: int,
    fps: int,
    video_options: dict[str, str],
    audio_rate: int,
    before_frame: Callable[[int, Any], None] | None = None,
) -> int:
    """Decode `inp`'s first video stream (and audio, if any) and encode them into `out`; the
    number of video frames. `before_frame(index, frame)` runs before each video frame is encoded
    (a poster, pacing). With no frames nothing is flushed: the caller says what went wrong."""
    vin = inp.streams.video[0]
    ain = inp.streams.audio[0] if inp.streams.audio else None
    vout = out.add_stream("libx264", rate=fps, options=video_options)
    vout.width, vout.height, vout.pix_fmt = width, height, "yuv420p"
    aout = resampler = None
    if ain is not None:
        aout = out.add_stream("aac", rate=audio_rate, layout="stereo")
        resampler = av.AudioResampler(format="fltp", layout="stereo", rate=audio_rate, frame_size=1024)
    frames = 0
    for packet in inp.demux(*[s for s in (vin, ain) if s is not None]):
        for frame in packet.decode():
            if isinstance(frame, av.VideoFrame):
                if before_frame is not None:
                    before_frame(frames, frame)
                picture = frame.reformat(width=width, height=height, format="yuv420p")
                picture.pts, picture.time_base = frames, fractions.Fraction(1, fps)
                out.mux(vout.encode(picture))
                frames += 1
            elif isinstance(frame, av.AudioFrame) and aout is not None and resampler is not None:
                for chunk in resampler.resample(frame):
                    out.mux(aout.encode(chunk))
    if frames == 0:
        return 0
    out.mux(vout.encode(None))
    if aout is not None and resampler is not None:
        for chunk in resampler.resample(None):
            out.mux(aout.encode(chunk))
        out.mux(aout.encode(None))
    return frames
