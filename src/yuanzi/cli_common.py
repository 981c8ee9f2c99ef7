"""What the `yuanzi` command's modules share: settings from flags, a migrated runtime, the console."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from yuanzi.app import build_runtime
from yuanzi.core import migrate as migrations
from yuanzi.core.runtime import Runtime
from yuanzi.settings import Settings

console = Console(stderr=True)

DataDir = Annotated[Path | None, typer.Option("--data-dir", help="Where the SQLite file and media live.")]
JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON only.")]


def settings_from(**overrides: Any) -> Settings:
    """Settings from the environment, with the flags that were given."""
    return Settings(**{k: v for k, v in overrides.items() if v is not None})


def migrated_runtime(settings: Settings) -> Runtime:
    """A runtime (events left in the outbox for the server) on an up-to-date database."""
    runtime = build_runtime(settings, deliver=False)
    with console.status("Migrating the database…"):
        migrations.upgrade(runtime.engine)
    return runtime


def emit(data: dict[str, Any], as_json: bool, title: str) -> None:
    """Print what a command made: JSON only, or a table for people."""
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False))
        return
    table = Table(title=title, show_header=False)
    for key, value in data.items():
        table.add_row(key, str(value))
    Console().print(table)
