from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _fresh_client_per_test():
    """Each test builds the site's sgID client anew, so no JWKS or adapter leaks across tests."""
    from django.core.cache import cache

    from accounts.provider import reset_client

    cache.clear()
    reset_client()
    yield
    reset_client()
