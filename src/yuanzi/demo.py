"""The demo world `yuanzi demo` seeds: users with money in their wallets, apps, a WeChat Pay
merchant with a collection code, Channels creators with videos (demo_channels.py), chats
(demo_chats.py), a WeCom corp with customer service (demo_wecom.py), live rooms (demo_live.py);
each component adds its own as it arrives.

Idempotent: each thing is looked up by its name before it is made. App secrets and merchant
keys are shown only at creation, so the demo keeps the ones it made in
`<data_dir>/demo-credentials.json` to print again.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from yuanzi import demo_channels, demo_chats, demo_live, demo_wecom
from yuanzi.channels import service as channels_service
from yuanzi.core.runtime import Runtime
from yuanzi.core.uow import UnitOfWork
from yuanzi.identity import service as identity_service
from yuanzi.pay import service as pay_service

DEMO_USERS = ("张伟 Zhang Wei", "李娜 Li Na", "王芳 Wang Fang", "陈杰 Chen Jie", "Demo Merchant 商户")
DEMO_APPS = (
    ("miniprogram", "原子商城 Yuanzi Mall"),
    ("miniprogram", "咖啡点单 Coffee Order"),
    ("official", "原子服务号 Yuanzi News"),
    ("web", "原子官网 Yuanzi Web"),
)
DEMO_DEVELOPER = "原子演示 Yuanzi Demo"
DEMO_MERCHANT = ("咖啡小店 Coffee Shop", "咖啡点单 Coffee Order")  # (merchant, its mini program)
DEMO_WALLET = 50_000  # fen each demo user starts with


def seed(runtime: Runtime, data_dir: Path) -> dict[str, Any]:
    """Create whatever of the demo world is missing; returns what the world holds."""
    credentials_file = data_dir / "demo-credentials.json"
    credentials: dict[str, Any] = (
        json.loads(credentials_file.read_text()) if credentials_file.exists() else {"apps": {}}
    )
    created = 0
    with runtime.uow() as uow:
        users: list[dict[str, Any]] = []
        for nickname in DEMO_USERS:
            user = identity_service.find_user_by_nickname(uow=uow, nickname=nickname)
            if user is None:
                user = identity_service.create_user(uow=uow, nickname=nickname)
                created += 1
            users.append({"user_id": user.user_id, "nickname": user.nickname})
        existing = {a.name: a for a in identity_service.list_apps(uow=uow, limit=500)}
        developer_id = next(
            (a.developer_id for a in existing.values() if a.name in dict(DEMO_APPS).values()), None
        )
        if developer_id is None:
            developer_id = identity_service.create_developer(uow=uow, name=DEMO_DEVELOPER)
        for app_type, name in DEMO_APPS:
            if name in existing:
                continue
            new = identity_service.create_app(uow=uow, type=app_type, name=name, developer_id=developer_id)
            credentials["apps"][name] = {"appid": new.app.appid, "secret": new.secret, "type": app_type}
            created += 1
        created += _seed_pay(uow, users, credentials)
        by_name = {u["nickname"]: u["user_id"] for u in users}
        created += demo_channels.seed(uow, channels_service.media_dir(data_dir), by_name)
        created += demo_chats.seed(uow, by_name)
        created += demo_wecom.seed(uow, by_name, credentials)
        uow.commit()
    created += demo_live.seed(runtime, data_dir, by_name)
    data_dir.mkdir(parents=True, exist_ok=True)
    credentials_file.write_text(json.dumps(credentials, ensure_ascii=False, indent=2))
    credentials_file.chmod(0o600)
    return {
        "created": created,
        "users": users,
        "apps": credentials["apps"],
        "merchants": credentials.get("merchants", {}),
        "wecom": credentials.get("wecom", {}),
    }


def _seed_pay(uow: UnitOfWork, users: list[dict[str, Any]], credentials: dict[str, Any]) -> int:
    """Wallet money for each user, and the demo merchant with a collection code."""
    created = 0
    for user in users:
        if not pay_service.wallet_history(uow=uow, user_id=user["user_id"], limit=1):
            pay_service.topup(uow=uow, user_id=user["user_id"], amount=DEMO_WALLET)
    name, app_name = DEMO_MERCHANT
    if any(m.name == name for m in pay_service.list_merchants(uow=uow, limit=500)):
        return created
    app = next(a for a in identity_service.list_apps(uow=uow, limit=500) if a.name == app_name)
    new = pay_service.create_merchant(uow=uow, name=name, appid=app.appid)
    code = pay_service.create_code(uow=uow, name=name, mchid=new.merchant.mchid)
    credentials.setdefault("merchants", {})[name] = new.to_json() | {"collection_code": code.code_id}
    return created + 1
