"""The demo world `yuanzi demo` seeds: users and apps now; each component adds its own later.

Idempotent: each thing is looked up by its name before it is made. App secrets are shown only at
creation, so the demo keeps the ones it made in `<data_dir>/demo-credentials.json` to print again.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from yuanzi.core.runtime import Runtime
from yuanzi.identity import service as identity_service

DEMO_USERS = ("张伟 Zhang Wei", "李娜 Li Na", "王芳 Wang Fang", "陈杰 Chen Jie", "Demo Merchant 商户")
DEMO_APPS = (
    ("miniprogram", "原子商城 Yuanzi Mall"),
    ("miniprogram", "咖啡点单 Coffee Order"),
    ("official", "原子服务号 Yuanzi News"),
    ("web", "原子官网 Yuanzi Web"),
)
DEMO_DEVELOPER = "原子演示 Yuanzi Demo"


def seed(runtime: Runtime, data_dir: Path) -> dict[str, Any]:
    """Create whatever of the demo world is missing; returns what the world holds."""
    credentials_file = data_dir / "demo-credentials.json"
    credentials: dict[str, Any] = (
        json.loads(credentials_file.read_text()) if credentials_file.exists() else {"apps": {}}
    )
    created = 0
    with runtime.uow() as uow:
        users = []
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
        uow.commit()
    data_dir.mkdir(parents=True, exist_ok=True)
    credentials_file.write_text(json.dumps(credentials, ensure_ascii=False, indent=2))
    credentials_file.chmod(0o600)
    return {"created": created, "users": users, "apps": credentials["apps"]}
