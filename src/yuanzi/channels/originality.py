"""Originality: a creator may declare a post original; a near-copy of someone else's earlier post
cannot keep the mark.

Near-duplicates are found by fingerprints: perceptual hashes (pHash, imagehash) of up to 16
evenly sampled video frames or of each image, and a SimHash of the text (character bigrams).
Each 64-bit hash is stored with its eight bytes as bands: two hashes at most 7 bits apart share a
band, so candidates come from an indexed lookup, and the Hamming distance decides.

A declared post is refused the mark when, against one earlier post of another creator, at least
half of its sampled frames are within `FRAME_DISTANCE` bits of that post's frames (videos), any
image is within `IMAGE_DISTANCE` (images), or its text (≥ 20 characters: a copied article with new
pictures) is within `TEXT_DISTANCE` of that post's text. The decision and its evidence are kept.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections import defaultdict
from pathlib import Path

import av
import imagehash
from PIL import Image
from sqlalchemy import or_, select

from yuanzi.channels.models import Creator, Fingerprint, Originality, Post
from yuanzi.core.uow import UnitOfWork

SAMPLED_FRAMES = 16
FRAME_DISTANCE = 7
IMAGE_DISTANCE = 7
TEXT_DISTANCE = 6  # short texts move more bits than long documents; unrelated ones ~32 apart
MIN_TEXT = 20
MATCHED_SHARE = 0.5
_NOT_TEXT = re.compile(r"[\s#\W_]+", re.UNICODE)


def _signed(value: int) -> int:
    return value - (1 << 64) if value >= 1 << 63 else value


def _unsigned(value: int) -> int:
    return value + (1 << 64) if value < 0 else value


def _phash(image: Image.Image) -> int:
    return int(str(imagehash.phash(image)), 16)


def video_hashes(path: Path) -> list[int]:
    """pHashes of up to 16 frames sampled evenly through the (transcoded) video."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        total = stream.frames or 0
        step = max(1, total // SAMPLED_FRAMES) if total else 1
        hashes: list[int] = []
        for index, frame in enumerate(container.decode(stream)):
            if index % step == 0 and len(hashes) < SAMPLED_FRAMES:
                hashes.append(_phash(frame.to_image()))  # type: ignore[no-untyped-call]  # untyped in PyAV
    return hashes


def image_hash(path: Path) -> int:
    """The pHash of an image."""
    with Image.open(path) as image:
        return _phash(image)


def simhash(text: str) -> int | None:
    """The 64-bit SimHash of the text's character bigrams (None for text too short to judge)."""
    clean = _NOT_TEXT.sub("", text.lower())
    if len(clean) < MIN_TEXT:
        return None
    weights = [0] * 64
    for i in range(len(clean) - 1):
        h = int.from_bytes(hashlib.blake2b(clean[i : i + 2].encode(), digest_size=8).digest(), "big")
        for bit in range(64):
            weights[bit] += 1 if h >> bit & 1 else -1
    return sum(1 << bit for bit in range(64) if weights[bit] > 0)


def _row(post_id: int, kind: str, position: int, value: int) -> Fingerprint:
    bands = {f"b{i}": value >> (8 * i) & 0xFF for i in range(8)}
    return Fingerprint(post_id=post_id, kind=kind, position=position, hash=_signed(value), **bands)


@dataclasses.dataclass(frozen=True)
class Prints:
    """A post's fingerprints before they are stored."""

    frames: list[int]
    images: list[int]
    text: int | None


def store(uow: UnitOfWork, post_id: int, prints: Prints) -> None:
    """Keep a post's fingerprints (later posts are compared with them)."""
    rows = [_row(post_id, "frame", i, v) for i, v in enumerate(prints.frames)]
    rows += [_row(post_id, "image", i, v) for i, v in enumerate(prints.images)]
    if prints.text is not None:
        rows.append(_row(post_id, "text", 0, prints.text))
    uow.session.add_all(rows)


def _neighbours(uow: UnitOfWork, kind: str, value: int, post: Post, distance: int) -> dict[int, int]:
    """Earlier posts of other creators with a `kind` fingerprint within `distance` bits: post → bits."""
    bands = [Fingerprint.__table__.c[f"b{i}"] == (value >> (8 * i) & 0xFF) for i in range(8)]
    rows = uow.session.execute(
        select(Fingerprint.post_id, Fingerprint.hash)
        .join(Post, Post.id == Fingerprint.post_id)
        .where(
            Fingerprint.kind == kind,
            or_(*bands),
            Post.creator_id != post.creator_id,
            Post.deleted_at.is_(None),
            Post.created_at < post.created_at,
        )
    ).all()
    found: dict[int, int] = {}
    for other, stored in rows:
        bits = (value ^ _unsigned(stored)).bit_count()
        if bits <= distance:
            found[other] = min(bits, found.get(other, 64))
    return found


def _evidence(uow: UnitOfWork, method: str, other: int, **facts: object) -> dict[str, object]:
    earlier = uow.session.get(Post, other)
    assert earlier is not None
    creator = uow.session.get(Creator, earlier.creator_id)
    assert creator is not None
    return {
        "method": method,
        "matched_post_id": other,
        "matched_creator_id": creator.id,
        "matched_creator": creator.name,
        "matched_posted_at": earlier.created_at.isoformat(),
        **facts,
    }


def _copy_of(uow: UnitOfWork, post: Post, prints: Prints) -> dict[str, object] | None:
    if prints.frames:
        per_post: dict[int, list[int]] = defaultdict(list)
        for value in prints.frames:
            for other, bits in _neighbours(uow, "frame", value, post, FRAME_DISTANCE).items():
                per_post[other].append(bits)
        if per_post:
            other, matched = max(per_post.items(), key=lambda item: len(item[1]))
            if len(matched) >= MATCHED_SHARE * len(prints.frames):
                return _evidence(
                    uow,
                    "video_frames",
                    other,
                    frames=len(prints.frames),
                    matched_frames=len(matched),
                    max_bits=max(matched),
                )
    for position, value in enumerate(prints.images):
        near = _neighbours(uow, "image", value, post, IMAGE_DISTANCE)
        if near:
            other, bits = min(near.items(), key=lambda item: item[1])
            return _evidence(uow, "image", other, image=position, bits=bits)
    if prints.text is not None:
        near = _neighbours(uow, "text", prints.text, post, TEXT_DISTANCE)
        if near:
            other, bits = min(near.items(), key=lambda item: item[1])
            return _evidence(uow, "text_simhash", other, bits=bits)
    return None


def decide(uow: UnitOfWork, post: Post, prints: Prints) -> Originality:
    """Store the post's fingerprints and decide whether it keeps its declared original mark."""
    store(uow, post.id, prints)
    evidence = _copy_of(uow, post, prints) if post.declared_original else None
    if not post.declared_original:
        granted, reason = False, "not_declared"
    elif evidence is not None:
        granted, reason = False, "near_copy"
    else:
        granted, reason = True, "no_earlier_match"
    row = Originality(
        post_id=post.id,
        declared=post.declared_original,
        granted=granted,
        reason=reason,
        evidence=json.dumps(evidence or {}, ensure_ascii=False),
        decided_at=uow.now(),
    )
    uow.session.add(row)
    return row
