from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import responses as responses_lib

from tests import material as m


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
    """The embedded dev sgID answering the client's calls in process (see tests/inprocess.py)."""
    from accounts.provider import get_client
    from tests.inprocess import DjangoAppAdapter

    adapter = DjangoAppAdapter()
    get_client().http.mount(settings.SGID_DEV_ORIGIN, adapter)
    return adapter


@dataclass
class FakeSgid:
    """A scriptable sgID at material.ISSUER, faked below our code with the responses library."""

    mock: responses_lib.RequestsMock
    access_token: str = "access-token-1"
    identity_data: dict[str, str] = field(default_factory=lambda: {"myinfo.name": "TAN AH KOW"})

    token_url = m.ISSUER + "/oauth/token"
    userinfo_url = m.ISSUER + "/oauth/userinfo"
    jwks_url = m.ISSUER + "/.well-known/jwks.json"

    def nonce_of(self, authorize_url: str) -> str:
        return parse_qs(urlsplit(authorize_url).query)["nonce"][0]

    def answer(
        self,
        nonce: str,
        *,
        claims: dict[str, Any] | None = None,
        userinfo: dict[str, Any] | None = None,
        sub: str = m.SUB,
    ) -> None:
        """Script one good login, with optional overrides of ID-token claims or userinfo body."""
        id_token = m.sign(
            m.claims(
                **{
                    "nonce": nonce,
                    "sub": sub,
                    "at_hash": m.at_hash(self.access_token),
                    **(claims or {}),
                }
            )
        )
        self.mock.replace(
            responses_lib.POST,
            self.token_url,
            json={"access_token": self.access_token, "id_token": id_token, "token_type": "Bearer"},
        )
        body = userinfo if userinfo is not None else m.userinfo(self.identity_data, sub=sub)
        self.mock.replace(responses_lib.GET, self.userinfo_url, json=body)


@pytest.fixture
def fake_sgid(settings):
    settings.SGID_ISSUER = m.ISSUER
    settings.SGID_CLIENT_ID = m.CLIENT_ID
    settings.SGID_CLIENT_SECRET = m.CLIENT_SECRET
    settings.SGID_PRIVATE_KEY = m.pem(m.rsa_key("client"))
    settings.SGID_REDIRECT_URI = "http://testserver/auth/callback"
    settings.SGID_SCOPES = "openid myinfo.name"
    with responses_lib.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.get(FakeSgid.jwks_url, json=m.jwks(m.public_jwk(m.rsa_key())))
        mock.post(FakeSgid.token_url, status=500)
        mock.get(FakeSgid.userinfo_url, status=500)
        yield FakeSgid(mock)


@pytest.fixture
def unreachable_cache(settings):
    """The production cache (django-redis, as settings.py configures it) at a port no one
    listens on: Redis is down. The outage log starts afresh."""
    from operations.outages import reporter
    from tests.deploy.topology import free_port

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
    from tests.deploy.topology import services_problem

    problem = services_problem()
    if problem is None:
        return
    message = f"these tests need PostgreSQL and Redis on 127.0.0.1: {problem}"
    if os.environ.get("SGID_REQUIRE_SERVICES"):
        pytest.fail(message + " (required: SGID_REQUIRE_SERVICES is set)", pytrace=False)
    pytest.skip(message)


def start_login(client, next_path: str | None = None) -> str:
    """POST the Log in button; return the sgID authorize URL the browser is sent to."""
    response = client.post("/auth/login", {"next": next_path} if next_path else {})
    assert response.status_code == 302
    return response["Location"]


def state_of(authorize_url: str) -> str:
    return parse_qs(urlsplit(authorize_url).query)["state"][0]


def now() -> float:
    return time.time()


def pytest_report_header(config):
    from django.conf import settings
    from django.db import connection

    database = connection.vendor
    cache_backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    return f"sgid-rp: database {database}, cache {cache_backend}"
