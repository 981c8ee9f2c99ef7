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

__all__ = [
    "MerchantInfo",
    "NewMerchant",
    "PlatformCertificate",
    "create_merchant",
    "get_merchant",
    "list_merchants",
    "register_api_key",
    "rotate_platform_certificate",
]
