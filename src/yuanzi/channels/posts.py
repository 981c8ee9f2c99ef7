"""Posts (video or images, with text, topics, a location and cards): publishing, reading, pages."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import shutil
import tempfile
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import Select, select, tuple_

from yuanzi.channels import media, originality
from yuanzi.channels.creators import creator_row
from yuanzi.channels.events import PostDeleted, PostPublished
from yuanzi.channels.models import Creator, Follow, Media, Originality, Post
from yuanzi.core import cards, crypto
from yuanzi.core.errors import InvalidInput, NotFound, Problem
from yuanzi.core.uow import UnitOfWork

TEXT_MAX, LOCATION_MAX = 1000, 64
MAX_IMAGES, MAX_CARDS, MAX_TOPICS = 9, 5, 10
TOPIC = re.compile(r"#([^\s#]{1,32})")


@dataclasses.dataclass(frozen=True)
class MediaInfo:
    """A post's media item and where to fetch it."""

    media_id: str
    kind: str
    content_type: str
    width: int
    height: int
    duration_ms: int | None
    size: int
    url: str
    poster_url: str | None


@dataclasses.dataclass(frozen=True)
class PostInfo:
    """A post as feeds and its page show it."""

    post_id: int
    creator_id: int
    creator_name: str
    kind: str
    text: str
    topics: list[str]
    location: str | None
    media: list[MediaInfo]
    cards: list[cards.Card]
    declared_original: bool
    created_at: dt.datetime
    stats: dict[str, int] = dataclasses.field(default_factory=dict)
    original: bool = False  # declared and not found to copy an earlier post


def parse_topics(text: str, extra: list[str]) -> list[str]:
    """Topics: the #话题 in the text plus those given, deduplicated, in order."""
    seen: dict[str, None] = {}
    for topic in [*TOPIC.findall(text), *extra]:
        clean = topic.strip().lstrip("#")
        if clean:
            seen.setdefault(clean[:32], None)
    if len(seen) > MAX_TOPICS:
        raise InvalidInput(f"at most {MAX_TOPICS} topics", field="topics")
    return list(seen)


@dataclasses.dataclass(frozen=True)
class Upload:
    """A file the client sent, already on disk."""

    path: Path
    content_type: str
    size: int


def save_upload(source: BinaryIO, content_type: str, folder: Path) -> Upload:
    """Copy an uploaded file into `folder` (a temporary name the caller deletes after publishing)."""
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=folder, prefix="upload-", delete=False) as out:
        shutil.copyfileobj(source, out, length=1 << 20)
    path = Path(out.name)
    return Upload(path=path, content_type=content_type, size=path.stat().st_size)


def publish(
    *,
    uow: UnitOfWork,
    user_id: int,
    media_dir: Path,
    text: str = "",
    topics: list[str] | None = None,
    location: str | None = None,
    card_refs: list[cards.CardRef] | None = None,
    declared_original: bool = False,
    video: Upload | None = None,
    images: list[Upload] | None = None,
) -> PostInfo:
    """Publish a post of the user's channel: one video, or 1–9 images, or text with either.

    Media are processed before anything is written; if processing or the write fails, every file
    made is deleted (the caller's unit of work rolls the rows back).
    """
    creator = uow.session.scalar(select(Creator).where(Creator.user_id == user_id))
    if creator is None:
        raise Problem(409, "no_channel", "open a channel account first")
    images = images or []
    if video is None and not images:
        raise InvalidInput("a post needs a video or at least one image", field="media")
    if video is not None and images:
        raise InvalidInput("a post has a video or images, not both", field="media")
    if len(images) > MAX_IMAGES:
        raise InvalidInput(f"at most {MAX_IMAGES} images", field="images")
    if len(text) > TEXT_MAX:
        raise InvalidInput(f"text is longer than {TEXT_MAX} characters", field="text")
    if location is not None and len(location) > LOCATION_MAX:
        raise InvalidInput(f"location is longer than {LOCATION_MAX} characters", field="location")
    card_refs = card_refs or []
    if len(card_refs) > MAX_CARDS:
        raise InvalidInput(f"at most {MAX_CARDS} cards", field="cards")
    for ref in card_refs:
        cards.check(uow, ref)
    topic_list = parse_topics(text, topics or [])
    media_dir.mkdir(parents=True, exist_ok=True)
    made: list[media.Processed] = []
    try:
        uploads = [video] if video is not None else images
        for upload in uploads:
            limit = media.MAX_VIDEO_BYTES if video is not None else media.MAX_IMAGE_BYTES
            if upload.size > limit:
                raise Problem(413, "media_too_large", f"the file is over {limit >> 20} MiB")
            media_id = crypto.nonce(20)
            process = media.process_video if video is not None else media.process_image
            made.append(process(upload.path, media_dir, media_id))
        prints = originality.Prints(
            frames=originality.video_hashes(media_dir / made[0].path) if video is not None else [],
            images=[originality.image_hash(media_dir / m.path) for m in made] if video is None else [],
            text=originality.simhash(text),
        )
        now = uow.now()
        media_ids = []
        for processed in made:
            media_id = processed.path.split(".")[0]
            uow.session.add(
                Media(
                    id=media_id,
                    creator_id=creator.id,
                    kind="video" if video is not None else "image",
                    path=processed.path,
                    poster_path=processed.poster_path,
                    content_type=processed.content_type,
                    width=processed.width,
                    height=processed.height,
                    duration_ms=processed.duration_ms,
                    size=processed.size,
                    created_at=now,
                )
            )
            media_ids.append(media_id)
        post = Post(
            creator_id=creator.id,
            kind="video" if video is not None else "images",
            text=text,
            topics=json.dumps(topic_list, ensure_ascii=False),
            media=json.dumps(media_ids),
            cards=json.dumps([{"kind": r.kind, "ref": r.ref} for r in card_refs], ensure_ascii=False),
            location=location,
            declared_original=declared_original,
            created_at=now,
        )
        uow.session.add(post)
        uow.session.flush()
        originality.decide(uow, post, prints)
    except BaseException:
        for processed in made:
            media.remove(media_dir, processed.path, processed.poster_path)
        raise
    uow.publish(
        PostPublished(
            post_id=post.id,
            creator_id=creator.id,
            kind=post.kind,
            text=text,
            topics=topic_list,
            declared_original=declared_original,
            creator_name=creator.name,
            location=post.location,
        )
    )
    return post_info(uow, post)


def _media_info(row: Media) -> MediaInfo:
    return MediaInfo(
        media_id=row.id,
        kind=row.kind,
        content_type=row.content_type,
        width=row.width,
        height=row.height,
        duration_ms=row.duration_ms,
        size=row.size,
        url=f"/api/channels/media/{row.id}",
        poster_url=f"/api/channels/media/{row.id}/poster" if row.poster_path else None,
    )


def post_info(uow: UnitOfWork, post: Post) -> PostInfo:
    """A post row as feeds and pages show it (media, resolved cards, originality, stats)."""
    return post_infos(uow, [post])[0]


def post_infos(uow: UnitOfWork, posts: list[Post]) -> list[PostInfo]:
    """`post_info` for a page of posts, in three queries rather than three per post."""
    media_ids = {post.id: json.loads(post.media) for post in posts}
    wanted = {m for ids in media_ids.values() for m in ids}
    media = (
        {m.id: m for m in uow.session.scalars(select(Media).where(Media.id.in_(wanted)))} if wanted else {}
    )
    creator_ids = {post.creator_id for post in posts}
    creators = {c.id: c for c in uow.session.scalars(select(Creator).where(Creator.id.in_(creator_ids)))}
    granted = set(
        uow.session.scalars(
            select(Originality.post_id).where(
                Originality.post_id.in_([p.id for p in posts]), Originality.granted
            )
        )
    )
    return [
        PostInfo(
            post_id=post.id,
            creator_id=post.creator_id,
            creator_name=creators[post.creator_id].name,
            kind=post.kind,
            text=post.text,
            topics=json.loads(post.topics),
            location=post.location,
            media=[_media_info(media[i]) for i in media_ids[post.id] if i in media],
            cards=[cards.resolve(uow, cards.CardRef(c["kind"], c["ref"])) for c in json.loads(post.cards)],
            declared_original=post.declared_original,
            original=post.id in granted,
            created_at=post.created_at,
            stats={
                "likes": post.likes or 0,
                "recommends": post.recommends or 0,
                "favourites": post.favourites or 0,
                "comments": post.comments or 0,
                "shares": post.shares or 0,
                "plays": post.plays or 0,
                "finishes": post.finishes or 0,
                "watch_ms": post.watch_ms or 0,
            },
        )
        for post in posts
    ]


def _live_post(uow: UnitOfWork, post_id: int) -> Post:
    post = uow.session.get(Post, post_id)
    if post is None or post.deleted_at is not None:
        raise NotFound("post", post_id)
    return post


def get_post(*, uow: UnitOfWork, post_id: int) -> PostInfo:
    """A post, or NotFound (also once deleted)."""
    return post_info(uow, _live_post(uow, post_id))


def delete_post(*, uow: UnitOfWork, user_id: int, post_id: int) -> None:
    """Delete one of the user's own posts (its media stop being served)."""
    post = _live_post(uow, post_id)
    creator = creator_row(uow, post.creator_id)
    if creator.user_id != user_id:
        raise Problem(403, "not_your_post", "only its creator can delete a post")
    post.deleted_at = uow.now()
    uow.publish(PostDeleted(post_id=post.id, creator_id=creator.id))


@dataclasses.dataclass(frozen=True)
class Page:
    """A page of posts and the cursor of the next one (None at the end)."""

    posts: list[PostInfo]
    next_cursor: str | None


def _cursor(post: Post) -> str:
    return f"{int(post.created_at.timestamp() * 1_000_000)}.{post.id}"


def parse_cursor(cursor: str | None) -> tuple[dt.datetime, int] | None:
    """The (time, id) a page cursor stands for; None for the first page."""
    if not cursor:
        return None
    try:
        micros, post_id = cursor.split(".")
        return dt.datetime.fromtimestamp(int(micros) / 1_000_000, dt.UTC), int(post_id)
    except ValueError:
        raise InvalidInput("cursor is not one this API gave", field="cursor") from None


def _page(uow: UnitOfWork, query: Select[Post], cursor: str | None, limit: int) -> Page:
    """Newest first; the cursor is (created_at, id) of the last post, so new posts never shift it."""
    after = parse_cursor(cursor)
    if after is not None:
        query = query.where(tuple_(Post.created_at, Post.id) < tuple_(*after))
    rows = list(uow.session.scalars(query.order_by(Post.created_at.desc(), Post.id.desc()).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(post_infos(uow, rows), _cursor(rows[-1]) if more and rows else None)


def creator_posts(*, uow: UnitOfWork, creator_id: int, cursor: str | None = None, limit: int = 20) -> Page:
    """A creator's posts, newest first."""
    creator_row(uow, creator_id)
    query = select(Post).where(Post.creator_id == creator_id, Post.deleted_at.is_(None))
    return _page(uow, query, cursor, min(max(limit, 1), 50))


def list_posts(*, uow: UnitOfWork, after_id: int = 0, limit: int = 500) -> list[PostInfo]:
    """Every post not deleted, oldest first, from after `after_id` (for Search's re-collection)."""
    rows = uow.session.scalars(
        select(Post).where(Post.id > after_id, Post.deleted_at.is_(None)).order_by(Post.id).limit(limit)
    )
    return post_infos(uow, list(rows))


def following_feed(*, uow: UnitOfWork, user_id: int, cursor: str | None = None, limit: int = 20) -> Page:
    """关注: posts of the creators the user follows, newest first."""
    followed = select(Follow.creator_id).where(Follow.user_id == user_id)
    query = select(Post).where(Post.creator_id.in_(followed), Post.deleted_at.is_(None))
    return _page(uow, query, cursor, min(max(limit, 1), 50))


def media_file(*, uow: UnitOfWork, media_id: str, poster: bool = False) -> tuple[str, str] | None:
    """(relative path, content type) of a media item of a live post, or None."""
    row = uow.session.get(Media, media_id)
    if row is None:
        return None
    live = uow.session.scalar(
        select(Post.id).where(Post.media.contains(f'"{media_id}"'), Post.deleted_at.is_(None)).limit(1)
    )
    if live is None:
        return None
    if poster:
        return (row.poster_path, "image/jpeg") if row.poster_path else None
    return row.path, row.content_type


@dataclasses.dataclass(frozen=True)
class OriginalityInfo:
    """Whether a post keeps its original mark, why, and the evidence."""

    post_id: int
    declared: bool
    granted: bool
    reason: str
    evidence: dict[str, object]
    decided_at: dt.datetime


def post_originality(*, uow: UnitOfWork, post_id: int) -> OriginalityInfo:
    """The originality decision on a post."""
    post = _live_post(uow, post_id)
    row = uow.session.get(Originality, post.id)
    if row is None:
        raise NotFound("originality_decision", post_id)
    return OriginalityInfo(
        row.post_id, row.declared, row.granted, row.reason, json.loads(row.evidence), row.decided_at
    )
