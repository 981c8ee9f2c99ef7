"""Identity's public interface: what other components, the CLI and the web client may call.

Every function takes keyword-only arguments, the first being the caller's unit of work, and never
commits. WeChat-dialect failures raise `WxError` with WeChat's errcode; others raise `Problem`s.
"""

from __future__ import annotations

from yuanzi.identity.accounts import (
    AppInfo,
    AppType,
    NewApp,
    UserInfo,
    authenticate_app,
    count_apps,
    count_users,
    create_app,
    create_developer,
    create_user,
    find_user_by_nickname,
    get_app,
    get_user,
    get_users,
    list_apps,
    list_users,
    openid_for,
    set_app_profile,
    user_for_openid,
)
from yuanzi.identity.friends import add_friend, are_friends, friends_of, remove_friend
from yuanzi.identity.login import LOGIN_CODE_TTL, Session, code_to_session, issue_login_code
from yuanzi.identity.tokens import (
    TOKEN_TTL,
    TokenGrant,
    authenticate_access_token,
    issue_access_token,
    issue_stable_token,
)

__all__ = [
    "LOGIN_CODE_TTL",
    "TOKEN_TTL",
    "AppInfo",
    "AppType",
    "NewApp",
    "Session",
    "TokenGrant",
    "UserInfo",
    "add_friend",
    "are_friends",
    "authenticate_access_token",
    "authenticate_app",
    "code_to_session",
    "count_apps",
    "count_users",
    "create_app",
    "create_developer",
    "create_user",
    "find_user_by_nickname",
    "friends_of",
    "get_app",
    "get_user",
    "get_users",
    "issue_access_token",
    "issue_login_code",
    "issue_stable_token",
    "list_apps",
    "list_users",
    "openid_for",
    "remove_friend",
    "set_app_profile",
    "user_for_openid",
]
