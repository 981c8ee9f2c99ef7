"""A production-mode app next to the sandbox-mode `client` of tests/conftest.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from yuanzi.app import create_app
from yuanzi.core.runtime import Runtime
from yuanzi.settings import Mode, Settings


@pytest.fixture
def production_client(settings: Settings, app_runtime: Runtime) -> Iterator[TestClient]:
    """An HTTP client for a production-mode yuanzi on the test database."""
    production = settings.model_copy(update={"mode": Mode.PRODUCTION})
    with TestClient(create_app(production, runtime=app_runtime)) as test_client:
        yield test_client
