"""Who a Channels API request acts as, and its unit of work."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request

from yuanzi.core.errors import Problem
from yuanzi.core.http import read_unit_of_work, unit_of_work
from yuanzi.core.uow import UnitOfWork

UoW = Annotated[UnitOfWork, Depends(unit_of_work)]
ReadUoW = Annotated[UnitOfWork, Depends(read_unit_of_work)]


def acting_user(request: Request, x_yuanzi_user: Annotated[str | None, Header()] = None) -> int:
    """The user this request acts as (sandbox: the X-Yuanzi-User header)."""
    if not request.app.state.settings.is_sandbox:
        raise Problem(401, "sign_in_required", "the Channels API needs a signed-in user; not available yet")
    if not x_yuanzi_user or not x_yuanzi_user.isdigit():
        raise Problem(401, "sign_in_required", "send X-Yuanzi-User: <user_id> to act as a sandbox user")
    return int(x_yuanzi_user)


User = Annotated[int, Depends(acting_user)]
