"""The site pointed at a fresh hostile sgID for each test, with every log record captured."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.conformance import CLIENT_ID, CLIENT_SECRET, register
from tests.support.hostile_sgid import HostileSgid


@pytest.fixture
def hostile(settings: Any, caplog: pytest.LogCaptureFixture) -> Iterator[HostileSgid]:
    """A HostileSgid on a loopback port, and the site's sgID settings pointing at it."""
    caplog.set_level(logging.DEBUG)
    provider = HostileSgid(client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    provider.start()
    try:
        register(settings, provider)
        yield provider
    finally:
        provider.stop()
    assert not provider.errors, f"the hostile provider itself failed: {provider.errors!r}"
