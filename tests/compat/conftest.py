"""Fixtures for the real-SDK tests."""

from tests.compat.merchant_server import shop

__all__ = ["shop"]
