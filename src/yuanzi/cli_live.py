"""`yuanzi live`: stream a file into a room, and nginx's RTMP ingest configuration."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from yuanzi.cli_common import DataDir, console, migrated_runtime, settings_from
from yuanzi.core.errors import YuanziError
from yuanzi.live import service as live_service

live_cli = typer.Typer(help="Live (直播): video into rooms.", no_args_is_help=True)


@live_cli.command("push")
def push(
    file: Annotated[Path, typer.Argument(help="A video file FFmpeg can read.", exists=True, dir_okay=False)],
    room: Annotated[int | None, typer.Option("--room", help="Stream into this room's HLS.")] = None,
    rtmp: Annotated[
        str | None, typer.Option("--rtmp", help="Publish instead to rtmp://HOST/live/<stream key> (nginx).")
    ] = None,
    fast: Annotated[
        bool, typer.Option("--fast", help="Encode as fast as possible, not in real time.")
    ] = False,
    data_dir: DataDir = None,
) -> None:
    """Stream FILE as live: into a room (it goes live, and ends when the file does; the video
    stays as its replay), or to an RTMP ingest server as OBS would."""
    if (room is None) == (rtmp is None):
        raise typer.BadParameter("give exactly one of --room and --rtmp")
    try:
        if rtmp is not None:
            with console.status(f"Publishing {file.name} to {rtmp.rsplit('/', 1)[0]}/…"):
                seconds = live_service.push_to_rtmp(file, rtmp, realtime=not fast)
        else:
            assert room is not None
            settings = settings_from(data_dir=data_dir)
            runtime = migrated_runtime(settings)
            with console.status(f"Streaming {file.name} into room {room}…"):
                seconds = live_service.stream_file(
                    runtime.plain_uow, settings.data_dir, room_id=room, source=file, realtime=not fast
                )
    except YuanziError as exc:
        console.print(f"[red]{exc}[/]")
        raise typer.Exit(1) from None
    console.print(f"[green]Streamed[/] {seconds:.1f} s of video")


@live_cli.command("nginx-config")
def nginx_config(
    callback: Annotated[
        str, typer.Option("--callback", help="Where nginx reaches yuanzi for on_publish.")
    ] = "http://127.0.0.1:8000",
    listen: Annotated[str, typer.Option("--listen", help="nginx's RTMP listen address.")] = "1935",
    data_dir: DataDir = None,
) -> None:
    """Print an nginx.conf that takes RTMP (OBS, ffmpeg) and writes the rooms' HLS into the
    data dir; run it with `nginx -c FILE` (Debian: apt-get install nginx libnginx-mod-rtmp)."""
    settings = settings_from(data_dir=data_dir)
    typer.echo(
        live_service.nginx_config(data_dir=settings.data_dir, callback_base=callback, rtmp_listen=listen)
    )
