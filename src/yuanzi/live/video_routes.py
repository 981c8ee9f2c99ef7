"""Live media over HTTP: the rooms' HLS (live, then the replay), their covers, and nginx-rtmp's
ingest callbacks."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, File, Request, Response, UploadFile
from fastapi.responses import FileResponse, PlainTextResponse

from yuanzi.core.errors import NotFound
from yuanzi.core.http import ReadUoW, UoW, User, runtime
from yuanzi.core.uow import UnitOfWork
from yuanzi.live import cover, rooms, streams, video

router = APIRouter(prefix="/api/live", tags=["live"])


@router.put("/rooms/{room_id}/cover")
def put_cover(
    request: Request, room_id: int, user: User, uow: UoW, file: Annotated[UploadFile, File()]
) -> dict[str, Any]:
    """Your room's cover: multipart `file`, an image (JPEG, PNG, WebP…), kept as a JPEG at most
    1280 px on its long side; `422 unsupported_media` for anything else, changing nothing."""
    data_dir = request.app.state.settings.data_dir
    cover.set_cover(uow=uow, data_dir=data_dir, room_id=room_id, user_id=user, upload=file.file)
    uow.commit()
    return {"room_id": room_id, "cover_url": f"/api/live/rooms/{room_id}/cover"}


@router.get("/rooms/{room_id}/cover", response_model=None)
def get_cover(request: Request, room_id: int, uow: ReadUoW) -> Response:
    """The room's cover (JPEG); 404 `cover_not_found` when it has none."""
    path = cover.cover_file(uow=uow, data_dir=request.app.state.settings.data_dir, room_id=room_id)
    return FileResponse(path, media_type="image/jpeg", headers={"Cache-Control": "public, max-age=300"})


@router.get("/rooms/{room_id}/hls/{name}", response_model=None)
def hls(request: Request, room_id: int, name: str, uow: ReadUoW) -> Response:
    """The room's video as HLS: `index.m3u8` and its segments. While the room is live it is the
    live stream; once it has ended, the replay. 404 `video_not_found` until video arrives."""
    room = rooms.get_room(uow=uow, room_id=room_id)
    data_dir = request.app.state.settings.data_dir
    if name == video.PLAYLIST:
        text = video.playlist(data_dir, room_id, ended=room.state == rooms.ENDED)
        if text is None:
            raise NotFound("video", room_id)
        return Response(
            text, media_type="application/vnd.apple.mpegurl", headers={"Cache-Control": "no-cache"}
        )
    path = video.segment(data_dir, room_id, name)
    if path is None:
        raise NotFound("video", name)
    return FileResponse(path, media_type="video/mp2t", headers={"Cache-Control": "public, max-age=86400"})


async def _ingest_call(
    request: Request, token: str, act: Callable[[UnitOfWork, str], int | None]
) -> Response:
    """An nginx-rtmp callback: refused (403, so nginx drops the stream) without the ingest token
    or when `act` finds no room for the stream's name."""
    if not video.check_token(request.app.state.settings.data_dir, token):
        return PlainTextResponse("bad ingest token", status_code=403)
    name = str((await request.form()).get("name", ""))

    def run() -> int | None:
        with runtime(request).uow() as uow:
            room_id = act(uow, name)
            uow.commit()
            return room_id

    room_id = await asyncio.to_thread(run)
    if room_id is None:
        return PlainTextResponse("no such stream", status_code=403)
    # 3xx renames the stream (nginx-rtmp): HLS files go under room-<id>, never the stream key.
    return Response(status_code=302, headers={"Location": video.stream_name(room_id)})


@router.post("/ingest/{token}/on_publish", include_in_schema=False, response_model=None)
async def on_publish(request: Request, token: str) -> Response:
    """nginx-rtmp asks before accepting a publisher: the name is a stream key; the room goes live
    (or, after a drop, carries on)."""

    def act(uow: UnitOfWork, name: str) -> int | None:
        room = rooms.room_for_key(uow=uow, stream_key=name)
        if room is None or room.state == rooms.ENDED:
            return None
        streams.published(uow=uow, room_id=room.room_id)
        return room.room_id

    return await _ingest_call(request, token, act)


@router.post("/ingest/{token}/on_publish_done", include_in_schema=False, response_model=None)
async def on_publish_done(request: Request, token: str) -> Response:
    """nginx-rtmp says publishing stopped (the name is `room-<id>` or the key): the room ends
    unless the stream returns within the grace period."""
    grace = dt.timedelta(seconds=request.app.state.settings.live_stream_grace_seconds)

    def act(uow: UnitOfWork, name: str) -> int | None:
        match = video.STREAM_NAME.match(name)
        try:
            room = (
                rooms.get_room(uow=uow, room_id=int(match.group(1)))
                if match
                else rooms.room_for_key(uow=uow, stream_key=name)
            )
        except NotFound:
            return None
        if room is None:
            return None
        streams.stopped(uow=uow, room_id=room.room_id, grace=grace)
        return room.room_id

    response = await _ingest_call(request, token, act)
    return Response(status_code=200) if response.status_code == 302 else response
