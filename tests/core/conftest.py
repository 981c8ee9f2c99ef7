"""The event log table the delivery tests' subscribers write to."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from tests.core.outbox_world import test_metadata


@pytest.fixture
def event_log_table(engine: Engine) -> Iterator[None]:
    """Create the test event log for one test, and drop it afterwards."""
    test_metadata.create_all(engine)
    yield
    test_metadata.drop_all(engine)
