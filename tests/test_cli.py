"""The `yuanzi` command, run as a user would (in-process through Typer's runner)."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from yuanzi.cli import cli, main
from yuanzi.pay import ledger

runner = CliRunner()


def test_app_create_prints_credentials_as_json(env: Path) -> None:
    result = runner.invoke(cli, ["app", "create", "--type", "miniprogram", "--name", "商城", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert re.fullmatch(r"wx[0-9a-f]{16}", data["appid"])
    assert len(data["secret"]) == 32
    assert data["name"] == "商城"


def test_user_create_prints_json(env: Path) -> None:
    result = runner.invoke(cli, ["user", "create", "--nickname", "小红", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["nickname"] == "小红"


def test_unknown_app_type_is_refused(env: Path) -> None:
    result = runner.invoke(cli, ["app", "create", "--type", "game", "--name", "x"])
    assert result.exit_code == 2
    assert "game" in result.output


def test_invalid_input_exits_2_with_the_reason(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.argv", ["yuanzi", "user", "create", "--nickname", "x" * 65])
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code == 2
    assert "longer than 64" in capsys.readouterr().err


def test_demo_seeding_is_idempotent(env: Path) -> None:
    first = runner.invoke(cli, ["demo", "--seed-only"])
    assert first.exit_code == 0, first.output
    credentials = json.loads((env / "demo-credentials.json").read_text())
    assert len(credentials["apps"]) == 4
    second = runner.invoke(cli, ["demo", "--seed-only"])
    assert second.exit_code == 0, second.output
    assert "(0 new)" in second.output
    assert json.loads((env / "demo-credentials.json").read_text()) == credentials
    users = runner.invoke(cli, ["user", "create", "--nickname", "probe", "--json"])
    assert json.loads(users.stdout)["user_id"] == 6  # five demo users, none made twice
    [merchant] = credentials["merchants"].values()
    assert merchant["private_key"].startswith("-----BEGIN PRIVATE KEY-----")
    assert f"mchid {merchant['mchid']}" in first.output
    books = runner.invoke(cli, ["pay", "ledger", "check", "--json"])
    assert json.loads(books.stdout)["transactions"] == 6  # a top-up per demo user and the live gift, once


def test_migrate_is_idempotent(env: Path) -> None:
    for _ in range(2):
        result = runner.invoke(cli, ["migrate"])
        assert result.exit_code == 0, result.output


def test_pay_merchant_create_prints_its_keys_as_json(env: Path) -> None:
    app = json.loads(
        runner.invoke(cli, ["app", "create", "--type", "miniprogram", "--name", "店", "--json"]).stdout
    )
    result = runner.invoke(
        cli, ["pay", "merchant", "create", "--name", "小店", "--appid", app["appid"], "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) >= {
        "mchid",
        "appid",
        "cert_serial_no",
        "private_key",
        "apiv3_key",
        "platform_cert_serial",
        "public_key",
        "public_key_id",
    }
    assert data["appid"] == app["appid"]
    assert data["name"] == "小店"


def test_pay_merchant_create_needs_a_real_app(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(
        "sys.argv", ["yuanzi", "pay", "merchant", "create", "--name", "x", "--appid", "wxnope"]
    )
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code == 2
    assert "wxnope" in capsys.readouterr().err


def test_ledger_check_passes_on_balanced_books_and_fails_on_tampered_ones(env: Path, engine: Engine) -> None:
    clean = runner.invoke(cli, ["pay", "ledger", "check", "--json"])
    assert clean.exit_code == 0, clean.output
    assert json.loads(clean.stdout)["ok"] is True
    with Session(engine) as session:
        legs = [("world:topup", -5), ("user:1:wallet", 5)]
        ledger.post(session, key="t", kind="test", legs=legs, now=dt.datetime.now(dt.UTC))
        session.execute(text("UPDATE pay_ledger_accounts SET balance = 7 WHERE code = 'user:1:wallet'"))
        session.commit()
    broken = runner.invoke(cli, ["pay", "ledger", "check"])
    assert broken.exit_code == 1
    assert "user:1:wallet holds 7 but its entries sum to 5" in broken.output
