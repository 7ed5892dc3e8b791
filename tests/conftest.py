"""Fixtures only: what they build lives in tests/support, which tests import directly."""

from __future__ import annotations

import os

import pytest
import responses as responses_lib

from tests.support import material as m
from tests.support.fake_sgid import FakeSgid


def pytest_sessionstart(session):
    """The pages are tested in the translations as built (`make translations`, which `make test`
    runs): a catalog not built, or older than its .po, would test other words than the source's."""
    from pathlib import Path

    locale = Path(__file__).resolve().parent.parent / "locale"
    stale = [
        str(po.relative_to(locale.parent))
        for po in sorted(locale.glob("**/LC_MESSAGES/*.po"))
        if not po.with_suffix(".mo").is_file()
        or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime
    ]
    if stale:
        raise pytest.UsageError(
            f"translations not built from {', '.join(stale)}: run `make translations` "
            "(make test does; it needs GNU gettext's msgfmt)"
        )


@pytest.fixture(autouse=True)
def _fresh_state_per_test(request):
    """An empty cache per test and, outside the dev provider's own tests (which must not depend
    on accounts), a fresh sgID client, so no JWKS or adapter leaks from one test to the next."""
    from django.core.cache import cache

    cache.clear()
    if "sgid_mock" in request.node.path.parts:
        yield
        return
    from accounts.provider import reset_client

    reset_client()
    yield
    reset_client()


@pytest.fixture
def dev_sgid(settings):
    """The embedded dev sgID answering the client's calls in process (support/inprocess.py)."""
    from accounts.provider import get_client
    from tests.support.inprocess import DjangoAppAdapter

    adapter = DjangoAppAdapter()
    get_client().http.mount(settings.SGID_DEV_ORIGIN, adapter)
    return adapter


@pytest.fixture
def fake_sgid(settings):
    """A FakeSgid (tests/support/fake_sgid.py) and the site's sgID settings pointing at it."""
    settings.SGID_ISSUER = m.ISSUER
    settings.SGID_CLIENT_ID = m.CLIENT_ID
    settings.SGID_CLIENT_SECRET = m.CLIENT_SECRET
    settings.SGID_PRIVATE_KEY = m.pem(m.rsa_key("client"))
    settings.SGID_REDIRECT_URI = "http://testserver/auth/callback"
    settings.SGID_SCOPES = "openid myinfo.name"
    with responses_lib.RequestsMock(assert_all_requests_are_fired=False) as mock:
        sgid = FakeSgid(mock)
        sgid.start()
        yield sgid


@pytest.fixture
def unreachable_cache(settings):
    """The production cache (django-redis, as settings.py configures it) at a port no one
    listens on: Redis is down. The outage log starts afresh."""
    from operations.outages import reporter
    from tests.support.deploy.ports import free_port

    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
            },
        }
    }
    reporter.reset()
    yield
    reporter.reset()


@pytest.fixture(scope="module")
def services() -> None:
    """Skip (or, with SGID_REQUIRE_SERVICES set, fail) without PostgreSQL and Redis."""
    from tests.support.deploy.services import services_problem

    problem = services_problem()
    if problem is None:
        return
    message = f"these tests need PostgreSQL and Redis on 127.0.0.1: {problem}"
    if os.environ.get("SGID_REQUIRE_SERVICES"):
        pytest.fail(message + " (required: SGID_REQUIRE_SERVICES is set)", pytrace=False)
    pytest.skip(message)


def pytest_report_header(config):
    from django.conf import settings
    from django.db import connection

    database = connection.vendor
    cache_backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    return f"sgid-rp: database {database}, cache {cache_backend}"
