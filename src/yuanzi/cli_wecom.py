"""`yuanzi wecom`: corps and their members, for deployments without the sandbox (production mode
has no /sandbox/, so this is where a corp and its app secret come from)."""

from __future__ import annotations

from typing import Annotated

import typer

from yuanzi.cli_common import DataDir, JsonFlag, console, emit, migrated_runtime, settings_from
from yuanzi.core.errors import YuanziError
from yuanzi.wecom import service as wecom_service

wecom_cli = typer.Typer(help="WeCom (企业微信): corps and members.", no_args_is_help=True)
corp_cli = typer.Typer(help="Corps (企业).", no_args_is_help=True)
member_cli = typer.Typer(help="Members (成员).", no_args_is_help=True)
wecom_cli.add_typer(corp_cli, name="corp")
wecom_cli.add_typer(member_cli, name="member")


@corp_cli.command("create")
def corp_create(
    name: Annotated[str, typer.Option("--name", help="The corp's name.")],
    app_name: Annotated[str, typer.Option("--app-name", help="Its first self-built app.")] = "客服应用",
    as_json: JsonFlag = False,
    data_dir: DataDir = None,
) -> None:
    """Create a corp with a self-built app; print the CorpID, AgentId and Secret (shown only now)
    that /qyapi/cgi-bin/gettoken takes."""
    runtime = migrated_runtime(settings_from(data_dir=data_dir))
    try:
        with runtime.uow() as uow:
            new = wecom_service.create_corp(uow=uow, name=name, app_name=app_name)
            uow.commit()
    except YuanziError as refused:
        console.print(f"[red]{refused}[/]")
        raise typer.Exit(1) from None
    data = {"corpid": new.corp.corpid, "name": new.corp.name, "agentid": new.agentid, "secret": new.secret}
    emit(data, as_json, "New corp")


@member_cli.command("add")
def member_add(
    corpid: Annotated[str, typer.Option("--corpid", help="The corp.")],
    userid: Annotated[str, typer.Option("--userid", help="The member's userid.")],
    name: Annotated[str, typer.Option("--name", help="The member's name.")],
    user_id: Annotated[
        int | None, typer.Option("--user-id", help="The yuanzi user who signs in as the member.")
    ] = None,
    as_json: JsonFlag = False,
    data_dir: DataDir = None,
) -> None:
    """Add a member to a corp; with --user-id, that user's phone is the member's WeCom client."""
    runtime = migrated_runtime(settings_from(data_dir=data_dir))
    try:
        with runtime.uow() as uow:
            corp = wecom_service.find_corp(uow, corpid)
            if corp is None:
                raise typer.BadParameter(f"no corp {corpid!r}", param_hint="--corpid")
            member = wecom_service.create_staff(uow=uow, corp_id=corp.corp_id, userid=userid, name=name)
            if user_id is not None:
                wecom_service.link_member(
                    uow=uow, corp_id=corp.corp_id, userid=member.userid, user_id=user_id
                )
            uow.commit()
    except YuanziError as refused:
        console.print(f"[red]{refused}[/]")
        raise typer.Exit(1) from None
    emit({"userid": member.userid, "name": member.name, "user_id": user_id}, as_json, "New member")


@wecom_cli.command("callback")
def callback_set(
    corpid: Annotated[str, typer.Option("--corpid", help="The corp.")],
    agentid: Annotated[int, typer.Option("--agentid", help="Its app.")],
    url: Annotated[str, typer.Option("--url", help="The corp's callback server (接收消息服务器).")],
    token: Annotated[str, typer.Option("--token", help="The Token its server signs with.")],
    aes_key: Annotated[str, typer.Option("--aes-key", help="The EncodingAESKey (43 characters).")],
    data_dir: DataDir = None,
) -> None:
    """Set where an app is called back; the URL is verified first, as WeCom's admin console does."""
    runtime = migrated_runtime(settings_from(data_dir=data_dir))
    try:
        with runtime.uow() as uow:
            wecom_service.set_callback(
                uow=uow, corpid=corpid, agentid=agentid, url=url, token=token, encoding_aes_key=aes_key
            )
            uow.commit()
    except YuanziError as refused:
        console.print(f"[red]{refused}[/]")
        raise typer.Exit(1) from None
    console.print(f"[green]Verified:[/] {url} now receives app {agentid}'s callbacks.")
