"""Short videos generated with PyAV (tests and the demo world; no binary files in the repository)."""

from __future__ import annotations

import fractions
from pathlib import Path

import av
import numpy as np
from PIL import Image


def make_clip(
    path: Path,
    *,
    seconds: float = 1.0,
    size: tuple[int, int] = (320, 240),
    fps: int = 15,
    codec: str = "libx264",
    audio: bool = True,
    seed: int = 0,
    container: str | None = None,
) -> Path:
    """A clip of a slowly moving block pattern (and a tone); each `seed` gives a different picture."""
    width, height = size
    rng = np.random.default_rng(seed)
    blocks = rng.integers(0, 255, size=(6, 8, 3), dtype=np.uint8)
    pattern = np.repeat(np.repeat(blocks, -(-height // 6), axis=0), -(-width // 8), axis=1)[:height, :width]
    with av.open(str(path), mode="w", format=container) as out:
        video = out.add_stream(codec, rate=fps)
        assert isinstance(video, av.VideoStream)
        video.width, video.height = width, height
        video.pix_fmt = "yuv420p"
        sound = out.add_stream("aac" if container != "webm" else "libopus", rate=48_000) if audio else None
        assert sound is None or isinstance(sound, av.AudioStream)
        for i in range(int(seconds * fps)):
            image = np.ascontiguousarray(np.roll(pattern, i * max(1, width // 160), axis=1))
            frame = av.VideoFrame.from_ndarray(image, format="rgb24")
            frame.pts, frame.time_base = i, fractions.Fraction(1, fps)
            out.mux(video.encode(frame))
        out.mux(video.encode(None))
        if sound is not None:
            samples = int(seconds * 48_000)
            tone = (0.2 * np.sin(np.arange(samples) * 2 * np.pi * 440 / 48_000)).astype(np.float32)
            step = sound.codec_context.frame_size or 960
            for start in range(0, samples - step, step):
                chunk = av.AudioFrame.from_ndarray(
                    tone[np.newaxis, start : start + step], format="flt", layout="mono"
                )
                chunk.sample_rate, chunk.pts = 48_000, start
                out.mux(sound.encode(chunk))
            out.mux(sound.encode(None))
    return path


def make_picture(path: Path, *, size: tuple[int, int] = (640, 480), seed: int = 0) -> Path:
    """A PNG of soft colour bands; each `seed` gives a different picture."""
    width, height = size
    rng = np.random.default_rng(seed)
    colours = rng.integers(40, 230, size=(5, 3)).astype(np.float64)
    rows = np.linspace(0, len(colours) - 1, height)
    low = np.floor(rows).astype(int)
    high = np.minimum(low + 1, len(colours) - 1)
    mix = (rows - low)[:, np.newaxis]
    column = colours[low] * (1 - mix) + colours[high] * mix
    image = np.repeat(column[:, np.newaxis, :], width, axis=1)
    image += 25 * np.sin(np.arange(width) / width * 2 * np.pi * (1 + seed % 4))[np.newaxis, :, np.newaxis]
    Image.fromarray(np.clip(image, 0, 255).astype(np.uint8), "RGB").save(path, "PNG")
    return path
