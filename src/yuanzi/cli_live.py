"""`yuanzi live`: stream a file into a room, nginx's RTMP ingest configuration, and the merchant
incentive's simulation."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TimeElapsedColumn
from rich.table import Table

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


@live_cli.command("simulate")
def simulate(
    merchants: Annotated[int, typer.Option(min=100, help="Merchants, each running a live room.")] = 100_000,
    minutes: Annotated[int, typer.Option(min=10, max=24 * 60, help="Length of the session.")] = 240,
    feed_views: Annotated[
        int, typer.Option(min=1, help="Recommended openings a minute (one live placement each).")
    ] = 300_000,
    ctr: Annotated[
        float, typer.Option(min=0.001, max=1, help="A placement's chance to become an entry.")
    ] = 0.08,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed, the same world.")] = 0,
) -> None:
    """The merchant traffic incentive at scale, with and without it, through the live feed's
    allocation; the rule's ratio and cap come from settings (YUANZI_LIVE_INCENTIVE_*)."""
    settings = settings_from()
    terms = live_service.incentive_terms(settings)
    world = live_service.IncentiveWorld(
        merchants=merchants, minutes=minutes, feed_views=feed_views, ctr=ctr, seed=seed
    )
    outcomes = []
    with Progress(
        "{task.description}", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console
    ) as progress:
        for label, plan in (("with the plan", True), ("without", False)):
            task = progress.add_task(f"{label}: minutes", total=minutes)
            step = functools.partial(_show_minute, progress, task)
            outcomes.append(live_service.simulate_incentive(world, terms, plan=plan, step=step))
    table = Table(
        title=f"The merchant traffic incentive: {merchants:,} merchants live for {minutes} minutes, "
        f"{feed_views:,} Recommended openings a minute, ratio {terms.ratio:g}, cap {terms.daily_cap:,}"
    )
    table.add_column("")
    table.add_column("with the plan", justify="right")
    table.add_column("without (popularity)", justify="right")
    openings = minutes * feed_views
    rows: list[tuple[str, Callable[[live_service.IncentiveOutcome], str]]] = [
        ("merchants who brought viewers", lambda o: f"{o.bringers:,}"),
        ("private entries brought", lambda o: f"{int(o.private.sum()):,}"),
        ("public entries from Recommended", lambda o: f"{int(o.public.sum()):,}"),
        (
            "merchants granted ≥ what they brought",
            lambda o: f"{o.repaid:,} ({o.share_repaid:.2%})",
        ),
        ("median public per private entry", lambda o: f"{o.median_ratio:.2f}"),
        (
            "Recommended openings spent on live rooms",
            lambda o: f"{o.placements:,} ({o.placements / openings:.0%})",
        ),
        ("public entries to the top 1% of bringers", lambda o: f"{o.top_share:.1%}"),
    ]
    for name, show in rows:
        table.add_row(name, *(show(o) for o in outcomes))
    out = Console() if Console().is_terminal else Console(width=140)  # a log or CI keeps rows whole
    out.print(table)


def _show_minute(progress: Progress, task: TaskID, minute: int) -> None:
    progress.update(task, completed=minute)
