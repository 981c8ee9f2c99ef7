"""The `yuanzi` command."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Annotated, Any

import typer
import uvicorn
from rich.console import Console
from rich.table import Table

from yuanzi.app import build_runtime, create_app
from yuanzi.core import migrate as migrations
from yuanzi.core.errors import YuanziError
from yuanzi.core.observability import configure_logging
from yuanzi.core.runtime import Runtime
from yuanzi.identity import service as identity_service
from yuanzi.pay import service as pay_service
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
console = Console(stderr=True)

DataDir = Annotated[Path | None, typer.Option("--data-dir", help="Where the SQLite file and media live.")]
JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON only.")]


def _settings(**overrides: Any) -> Settings:
    return Settings(**{k: v for k, v in overrides.items() if v is not None})


def _migrated_runtime(settings: Settings) -> Runtime:
    runtime = build_runtime(settings, deliver=False)
    with console.status("Migrating the database…"):
        migrations.upgrade(runtime.engine)
    return runtime


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
    )


@cli.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    data_dir: DataDir = None,
    mode: Annotated[Mode | None, typer.Option(help="sandbox adds /sandbox/; production does not.")] = None,
) -> None:
    """Run the server."""
    _serve(_settings(host=host, port=port, data_dir=data_dir, mode=mode))


@cli.command()
def demo(
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    data_dir: DataDir = None,
    seed_only: Annotated[bool, typer.Option("--seed-only", help="Seed and exit.")] = False,
) -> None:
    """Seed the demo world (idempotent) and run the server in sandbox mode."""
    from yuanzi import demo as demo_world

    settings = _settings(host=host, port=port, data_dir=data_dir, mode=Mode.SANDBOX)
    runtime = _migrated_runtime(settings)
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
    runtime.engine.dispose()
    if not seed_only:
        _serve(settings)


@cli.command()
def migrate(data_dir: DataDir = None) -> None:
    """Bring the database schema up to date."""
    settings = _settings(data_dir=data_dir)
    _migrated_runtime(settings).engine.dispose()
    console.print("[green]Database is up to date.[/]")


def _emit(data: dict[str, Any], as_json: bool, title: str) -> None:
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False))
        return
    table = Table(title=title, show_header=False)
    for key, value in data.items():
        table.add_row(key, str(value))
    Console().print(table)


@app_cli.command("create")
def app_create(
    type: Annotated[identity_service.AppType, typer.Option("--type", help="Kind of app.")],
    name: Annotated[str, typer.Option("--name", help="Display name.")],
    as_json: JsonFlag = False,
    data_dir: DataDir = None,
) -> None:
    """Register an app and print its appid and secret (shown only now)."""
    runtime = _migrated_runtime(_settings(data_dir=data_dir))
    with runtime.uow() as uow:
        new = identity_service.create_app(uow=uow, type=type.value, name=name)
        uow.commit()
    _emit(
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
    runtime = _migrated_runtime(_settings(data_dir=data_dir))
    with runtime.uow() as uow:
        user = identity_service.create_user(uow=uow, nickname=nickname)
        uow.commit()
    _emit({"user_id": user.user_id, "nickname": user.nickname}, as_json, "New user")


@merchant_cli.command("create")
def merchant_create(
    name: Annotated[str, typer.Option("--name", help="The merchant's name.")],
    appid: Annotated[str, typer.Option("--appid", help="The app the merchant is bound to.")],
    fee_rate: Annotated[
        float, typer.Option("--fee-rate", help="The platform's fee, in percent.", min=0, max=10)
    ] = 0.6,
    as_json: JsonFlag = False,
    data_dir: DataDir = None,
) -> None:
    """Open a merchant account and print its mchid and keys (the private key is shown only now)."""
    runtime = _migrated_runtime(_settings(data_dir=data_dir))
    with runtime.uow() as uow:
        new = pay_service.create_merchant(
            uow=uow, name=name, appid=appid, fee_rate_ppm=round(fee_rate * 10_000)
        )
        uow.commit()
    _emit(dict(new.to_json()), as_json, "New merchant")


@ledger_cli.command("check")
def ledger_check(as_json: JsonFlag = False, data_dir: DataDir = None) -> None:
    """Prove the books balance; exits 1 when they do not."""
    runtime = _migrated_runtime(_settings(data_dir=data_dir))
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


def main() -> None:
    """Entry point: run the CLI, turning yuanzi's errors into a message and exit code 2."""
    try:
        cli()
    except YuanziError as exc:
        console.print(f"[red]error:[/] {exc}")
        raise SystemExit(2) from None
