"""The `yuanzi` command."""

from __future__ import annotations

import dataclasses
import functools
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
import uvicorn
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

from yuanzi.app import create_app
from yuanzi.channels import service as channels_service
from yuanzi.channels import simulation
from yuanzi.cli_common import DataDir, JsonFlag, console, emit, migrated_runtime, settings_from
from yuanzi.cli_live import live_cli
from yuanzi.cli_wecom import wecom_cli
from yuanzi.core.errors import YuanziError
from yuanzi.core.observability import configure_logging
from yuanzi.identity import service as identity_service
from yuanzi.pay import service as pay_service
from yuanzi.search import service as search_service
from yuanzi.settings import Mode, Settings

cli = typer.Typer(
    help="yuanzi (原子): WeChat's atomic components, open and self-hostable.", no_args_is_help=True
)
app_cli = typer.Typer(help="Apps on the open platform.", no_args_is_help=True)
user_cli = typer.Typer(help="Users.", no_args_is_help=True)
cli.add_typer(app_cli, name="app")
cli.add_typer(user_cli, name="user")
pay_cli = typer.Typer(help="Pay: merchants, the ledger.", no_args_is_help=True)
merchant_cli = typer.Typer(help="Merchant accounts.", no_args_is_help=True)
ledger_cli = typer.Typer(help="The double-entry ledger.", no_args_is_help=True)
pay_cli.add_typer(merchant_cli, name="merchant")
pay_cli.add_typer(ledger_cli, name="ledger")
cli.add_typer(pay_cli, name="pay")
channels_cli = typer.Typer(help="Channels (视频号).", no_args_is_help=True)
cli.add_typer(channels_cli, name="channels")
search_cli = typer.Typer(help="Search (搜一搜): the index, articles.", no_args_is_help=True)
cli.add_typer(search_cli, name="search")
cli.add_typer(live_cli, name="live")
cli.add_typer(wecom_cli, name="wecom")


def _serve(settings: Settings) -> None:
    configure_logging(settings.log_level, settings.log_json)
    console.print(
        f"[bold green]yuanzi[/] {settings.mode.value} mode on http://{settings.host}:{settings.port} "
        f"— client /, console /console, API docs /docs"
    )
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        access_log=False,
        # Live rooms send each frame to many sockets: compressing it once per socket costs more
        # CPU than the bytes it saves. Viewers send nothing that needs more than 64 KiB.
        ws_per_message_deflate=False,
        ws_max_size=64 * 1024,
    )


@cli.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    data_dir: DataDir = None,
    mode: Annotated[Mode | None, typer.Option(help="sandbox adds /sandbox/; production does not.")] = None,
) -> None:
    """Run the server."""
    _serve(settings_from(host=host, port=port, data_dir=data_dir, mode=mode))


@cli.command()
def demo(
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    data_dir: DataDir = None,
    seed_only: Annotated[bool, typer.Option("--seed-only", help="Seed and exit.")] = False,
) -> None:
    """Seed the demo world (idempotent) and run the server in sandbox mode."""
    from yuanzi import demo as demo_world

    settings = settings_from(host=host, port=port, data_dir=data_dir, mode=Mode.SANDBOX)
    runtime = migrated_runtime(settings)
    with console.status("Seeding the demo world…"):
        world = demo_world.seed(runtime, settings.data_dir)
    table = Table(title=f"Demo world ({world['created']} new)")
    table.add_column("app")
    table.add_column("type")
    for column in ("appid", "secret"):  # never truncated: people copy these
        table.add_column(column, no_wrap=True, min_width=32 if column == "secret" else 18)
    for name, cred in world["apps"].items():
        table.add_row(name, cred["type"], cred["appid"], cred["secret"])
    console.print(table)
    console.print("Users: " + ", ".join(f"{u['nickname']} (#{u['user_id']})" for u in world["users"]))
    for name, keys in world["merchants"].items():
        console.print(
            f"Merchant: {name} mchid {keys['mchid']} (appid {keys['appid']}), collection code "
            f"/collect/{keys['collection_code']}; keys in {settings.data_dir / 'demo-credentials.json'}"
        )
    if world["wecom"]:
        wecom = world["wecom"]
        console.print(
            f"WeCom: corpid {wecom['corpid']} secret {wecom['secret']} (/qyapi/cgi-bin/gettoken); "
            "customer service 原子商城客服 — search 客服 on the phone"
        )
    console.print(
        "Live: Discover → 直播 (/live), the console at /console/live; stream a video into a room with "
        "`yuanzi live push FILE --room ID`"
    )
    runtime.engine.dispose()
    if not seed_only:
        _serve(settings)


@cli.command()
def migrate(data_dir: DataDir = None) -> None:
    """Bring the database schema up to date."""
    settings = settings_from(data_dir=data_dir)
    migrated_runtime(settings).engine.dispose()
    console.print("[green]Database is up to date.[/]")


@app_cli.command("create")
def app_create(
    type: Annotated[identity_service.AppType, typer.Option("--type", help="Kind of app.")],
    name: Annotated[str, typer.Option("--name", help="Display name.")],
    as_json: JsonFlag = False,
    data_dir: DataDir = None,
) -> None:
    """Register an app and print its appid and secret (shown only now)."""
    runtime = migrated_runtime(settings_from(data_dir=data_dir))
    with runtime.uow() as uow:
        new = identity_service.create_app(uow=uow, type=type.value, name=name)
        uow.commit()
    emit(
        {"appid": new.app.appid, "secret": new.secret, "type": new.app.type.value, "name": new.app.name},
        as_json,
        "New app",
    )


@user_cli.command("create")
def user_create(
    nickname: Annotated[str, typer.Option("--nickname", help="Display name.")],
    as_json: JsonFlag = False,
    data_dir: DataDir = None,
) -> None:
    """Create a user."""
    runtime = migrated_runtime(settings_from(data_dir=data_dir))
    with runtime.uow() as uow:
        user = identity_service.create_user(uow=uow, nickname=nickname)
        uow.commit()
    emit({"user_id": user.user_id, "nickname": user.nickname}, as_json, "New user")


@merchant_cli.command("create")
def merchant_create(
    name: Annotated[str, typer.Option("--name", help="The merchant's name.")],
    appid: Annotated[str, typer.Option("--appid", help="The app the merchant is bound to.")],
    fee_rate: Annotated[
        float, typer.Option("--fee-rate", help="The platform's fee, in percent.", min=0, max=10)
    ] = 0.6,
    admin: Annotated[
        int | None, typer.Option("--admin", help="The user who administers it (may sell in live rooms).")
    ] = None,
    as_json: JsonFlag = False,
    data_dir: DataDir = None,
) -> None:
    """Open a merchant account and print its mchid and keys (the private key is shown only now)."""
    runtime = migrated_runtime(settings_from(data_dir=data_dir))
    with runtime.uow() as uow:
        new = pay_service.create_merchant(
            uow=uow, name=name, appid=appid, fee_rate_ppm=round(fee_rate * 10_000), admin_user_id=admin
        )
        uow.commit()
    emit(dict(new.to_json()), as_json, "New merchant")


@ledger_cli.command("check")
def ledger_check(as_json: JsonFlag = False, data_dir: DataDir = None) -> None:
    """Prove the books balance; exits 1 when they do not."""
    runtime = migrated_runtime(settings_from(data_dir=data_dir))
    with runtime.uow() as uow:
        report = pay_service.check_books(uow=uow)
    if as_json:
        typer.echo(json.dumps(dataclasses.asdict(report), ensure_ascii=False))
    elif report.ok:
        console.print(
            f"[green]The books balance:[/] {report.transactions} transactions, {report.accounts} accounts; "
            "every balance equals its entries and none is negative."
        )
    else:
        for problem in report.problems:
            console.print(f"[red]✗[/] {problem}")
    if not report.ok:
        raise typer.Exit(1)


@channels_cli.command("simulate")
def channels_simulate(
    creators: Annotated[int, typer.Option(min=100, help="Creators in the simulated world.")] = 10_000_000,
    days: Annotated[int, typer.Option(min=1, max=30, help="Days to simulate.")] = 7,
    original_share: Annotated[float, typer.Option(min=0, max=1, help="Creators who post originals.")] = 0.6,
    posts_per_day: Annotated[
        float, typer.Option(min=0.001, max=5, help="Posts a creator makes a day.")
    ] = 0.05,
    impressions: Annotated[int, typer.Option(min=1, help="Recommended impressions a day, per creator.")] = 50,
    requests: Annotated[
        int, typer.Option(min=24, help="Simulated pages a day (each for a cohort).")
    ] = 30_000,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed, the same world.")] = 7,
    plot: Annotated[Path, typer.Option(help="Where to write the Lorenz curves (PNG).")] = Path("lorenz.png"),
) -> None:
    """Run the incentive plan at scale, with and without it, through the live feed's allocation;
    the feed and income parameters come from settings (YUANZI_CHANNELS_*)."""
    settings = settings_from()
    scenario = simulation.Scenario(
        creators=creators,
        days=days,
        original_share=original_share,
        posts_per_creator_day=posts_per_day,
        impressions_per_creator_day=impressions,
        requests_per_day=requests,
        seed=seed,
    )
    started = time.perf_counter()
    with console.status(f"Building a world of {creators:,} creators…"):
        world = simulation.build_world(scenario)
    plan = channels_service.feed_params(settings)
    pay = channels_service.income_params(settings)
    outcomes = []
    columns = (
        "{task.description}",
        BarColumn(),
        "{task.percentage:>3.0f}%",
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console) as progress:
        for label, params in (("with the plan", plan), ("without", simulation.without_plan(plan))):
            task = progress.add_task(f"{label}: {days} days", total=days * simulation.TICKS_PER_DAY)
            step = functools.partial(progress.advance, task)
            outcomes.append(simulation.run(scenario, world, params, pay, label, step))
    simulation.plot_lorenz(outcomes, str(plot))
    with_plan, without = outcomes
    table = Table(
        title=f"The creator incentive plan: {creators:,} creators, {days} days, {len(world.author):,} posts"
    )
    table.add_column("")
    table.add_column("with the plan", justify="right")
    table.add_column("without", justify="right")
    for name, plan_value, other_value in _simulation_rows(with_plan, without):
        table.add_row(name, plan_value, other_value)
    cost = 1 - with_plan.engagement / without.engagement if without.engagement else 0.0
    out = Console() if Console().is_terminal else Console(width=120)  # a log or CI keeps rows whole
    out.print(table)
    out.print(
        f"engagement cost of the plan: {cost:+.2%} · floor {plan.floor_impressions} impressions in a day, "
        f"tilt ×{1 + plan.original_boost:g}, floor share {plan.floor_share:.0%} · "
        f"cohort {scenario.cohort} users a page · Lorenz curves: {plot} · "
        f"total wall time {time.perf_counter() - started:.1f} s"
    )


@search_cli.command("rebuild")
def search_rebuild(
    collect: Annotated[
        bool, typer.Option("--collect", help="First re-collect documents from the components.")
    ] = False,
    data_dir: DataDir = None,
) -> None:
    """Index every searchable document again into a fresh index, swapped in when done."""
    settings = settings_from(data_dir=data_dir)
    runtime = migrated_runtime(settings)
    index = search_service.open_index(settings)
    if collect:
        with console.status("Collecting from the components…") as status:
            found = search_service.collect(runtime.plain_uow, lambda n: status.update(f"Collected {n:,}…"))
        console.print(f"Collected {found:,} documents from the components")
    with Progress(*_progress_columns(), console=console) as progress:
        task = progress.add_task("Indexing", total=None)

        def step(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        count = search_service.rebuild(runtime.plain_uow, index, step)
    console.print(f"[green]Indexed[/] {count:,} documents into {index.path}")


@search_cli.command("import-articles")
def search_import_articles(
    folder: Annotated[Path, typer.Argument(help="Markdown or HTML files with YAML front matter.")],
    data_dir: DataDir = None,
) -> None:
    """Make the articles under FOLDER searchable (importing again replaces them)."""
    settings = settings_from(data_dir=data_dir)
    runtime = migrated_runtime(settings)
    with console.status("Reading articles…") as status:
        result = search_service.import_articles(
            runtime.plain_uow, folder, lambda path: status.update(f"Reading {path.name}…")
        )
    index = search_service.open_index(settings)
    try:
        with console.status("Indexing…"):
            while index.sync(runtime.plain_uow):
                pass
    except search_service.IndexBusy:
        console.print("The running server indexes them (it holds the index).")
    for path, reason in result.failed:
        console.print(f"[yellow]skipped[/] {path}: {reason}")
    console.print(f"[green]Imported[/] {result.imported} articles ({len(result.failed)} skipped)")
    if result.failed and not result.imported:
        raise typer.Exit(1)


def _progress_columns() -> tuple[Any, ...]:
    return (
        "{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )


def _simulation_rows(plan: simulation.Outcome, other: simulation.Outcome) -> list[tuple[str, str, str]]:
    """The simulation table's rows: a name and the two runs' values."""

    def reached(o: simulation.Outcome) -> str:
        share = o.floor_reached / max(o.original_creators_posting, 1)
        return f"{o.floor_reached:,} of {o.original_creators_posting:,} ({share:.1%})"

    rows: list[tuple[str, Callable[[simulation.Outcome], str]]] = [
        ("original creators whose every post reached the floor", reached),
        ("Gini of creator impressions", lambda o: f"{o.gini:.3f}"),
        ("impressions to original posts", lambda o: f"{o.original_impression_share:.1%}"),
        ("engagement (likes + finishes + 3 × shares)", lambda o: f"{o.engagement:,.0f}"),
        ("creators who earned income", lambda o: f"{o.earners:,}"),
        ("impressions", lambda o: f"{o.impressions:,}"),
        ("wall time", lambda o: f"{o.seconds:.1f} s"),
    ]
    return [(name, show(plan), show(other)) for name, show in rows]


def main() -> None:
    """Entry point: run the CLI, turning yuanzi's errors into a message and exit code 2."""
    try:
        cli()
    except YuanziError as exc:
        console.print(f"[red]error:[/] {exc}")
        raise SystemExit(2) from None
