"""Pay's public interface: what other components, the CLI and the web client may call.

Every function takes keyword-only arguments, the first being the caller's unit of work, and never
commits.
"""

from __future__ import annotations

from yuanzi.pay.merchants import (
    MerchantInfo,
    NewMerchant,
    PlatformCertificate,
    create_merchant,
    get_merchant,
    list_merchants,
    register_api_key,
    rotate_platform_certificate,
)
from yuanzi.pay.notifications import (
    NotificationInfo,
    fail_next_notifications,
    get_notification,
    list_notifications,
    replay_notification,
)
from yuanzi.pay.payments import PaymentResult, pay, topup, wallet_balance

__all__ = [
    "MerchantInfo",
    "NewMerchant",
    "NotificationInfo",
    "PaymentResult",
    "PlatformCertificate",
    "create_merchant",
    "fail_next_notifications",
    "get_merchant",
    "get_notification",
    "list_merchants",
    "list_notifications",
    "pay",
    "register_api_key",
    "replay_notification",
    "rotate_platform_certificate",
    "topup",
    "wallet_balance",
]
