"""Fixtures for the dev provider's tests: a clean cache, registered redirect URIs, a flow."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.test import Client
from pytest_django import Settings

from tests.support.relying_party import OTHER_REDIRECT_URI, REDIRECT_URI, Flow


@pytest.fixture(autouse=True)
def _isolated(settings: Settings) -> Iterator[None]:
    settings.SGID_MOCK_REDIRECT_URIS = [REDIRECT_URI, OTHER_REDIRECT_URI]
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def flow(client: Client) -> Flow:
    return Flow(client)
