"""`yuanzi wecom`: a corp and its members made from the command line (how a production deployment,
which has no /sandbox/, gets them), usable at once by the qyapi dialect."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from tests.wecom.receiver import AES_KEY, TOKEN, receiving
from yuanzi.cli import cli

runner = CliRunner()


def test_corp_create_and_member_add(env: Path, client: TestClient) -> None:
    made = runner.invoke(cli, ["wecom", "corp", "create", "--name", "原子商城", "--json"])
    assert made.exit_code == 0, made.output
    corp = json.loads(made.stdout)
    assert corp["corpid"].startswith("ww")
    assert corp["agentid"] == 1000002
    grant = client.get(
        "/qyapi/cgi-bin/gettoken", params={"corpid": corp["corpid"], "corpsecret": corp["secret"]}
    )
    token = grant.json()["access_token"]

    user = json.loads(runner.invoke(cli, ["user", "create", "--nickname", "张三", "--json"]).stdout)[
        "user_id"
    ]
    args = ["wecom", "member", "add", "--corpid", corp["corpid"], "--userid", "zhangsan", "--name", "张三"]
    added = runner.invoke(cli, [*args, "--user-id", str(user), "--json"])
    assert added.exit_code == 0, added.output
    assert json.loads(added.stdout) == {"userid": "zhangsan", "name": "张三", "user_id": user}
    got = client.get("/qyapi/cgi-bin/user/get", params={"access_token": token, "userid": "zhangsan"}).json()
    assert got["name"] == "张三"

    again = runner.invoke(cli, [*args, "--json"])
    assert again.exit_code == 1
    assert "60102" in again.output  # the userid is taken: nothing changed
    missing = runner.invoke(
        cli, ["wecom", "member", "add", "--corpid", "ww0", "--userid", "a", "--name", "a"]
    )
    assert missing.exit_code == 2
    assert runner.invoke(cli, ["wecom", "corp", "create", "--name", " "]).exit_code == 1


def test_callback_is_verified_before_it_is_kept(env: Path, client: TestClient) -> None:
    corp = json.loads(runner.invoke(cli, ["wecom", "corp", "create", "--name", "原子商城", "--json"]).stdout)
    args = ["wecom", "callback", "--corpid", corp["corpid"], "--agentid", str(corp["agentid"])]
    with receiving(corp["corpid"]) as receiver:
        done = runner.invoke(cli, [*args, "--url", receiver.url, "--token", TOKEN, "--aes-key", AES_KEY])
        assert done.exit_code == 0, done.output
        receiver.echo_wrong = True
        refused = runner.invoke(cli, [*args, "--url", receiver.url, "--token", TOKEN, "--aes-key", AES_KEY])
        assert refused.exit_code == 1
        assert "callback_unverified" in refused.output
