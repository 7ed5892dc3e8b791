"""A provider that fails, stalls or floods: every fault is a page a person can act on, never a 500.

No OpenID RP certification case covers these; they follow sgID's list of errors an RP must turn
into a clear page (protocol notes §6): token endpoint 5xx, invalid_grant, invalid_client,
malformed JSON, a missing token; userinfo 5xx or 401; a hanging endpoint (bounded by
SGID_HTTP_TIMEOUT); a JWKS outage with a warm cache; and tokens with random kids, which must not
make us hammer sgID's JWKS (the negative side of rp-key-rotation-op-sign-key).
"""

from __future__ import annotations

import secrets
import time

import pytest
from django.test import Client

from tests.support.conformance import (
    HTTP_TIMEOUT,
    assert_logged_in,
    assert_no_secrets_logged,
    assert_rejected,
    login,
)
from tests.support.hostile_sgid import Fault

pytestmark = pytest.mark.django_db

HTML_500 = Fault(
    500, b"<html><body>Internal Server Error</body></html>", {"Content-Type": "text/html"}
)


@pytest.mark.parametrize(
    "fault",
    [HTML_500, Fault(503, b'{"error": "temporarily_unavailable"}')],
    ids=["500-html", "503-json"],
)
def test_token_endpoint_failing_is_unavailable(client, hostile, caplog, fault):
    hostile.faults["token"] = fault
    assert_rejected(client, login(client, hostile), "unavailable", hostile, caplog)


def test_token_endpoint_invalid_grant_is_expired(client, hostile, caplog):
    hostile.faults["token"] = Fault(400, b'{"error": "invalid_grant"}')
    assert_rejected(client, login(client, hostile), "expired", hostile, caplog)


def test_a_code_sgid_never_issued_is_expired(client, hostile, caplog):
    """The provider's own invalid_grant, for a code it does not know."""
    response = login(client, hostile, code="a-code-sgid-never-issued")
    assert_rejected(client, response, "expired", hostile, caplog)


def test_a_wrong_client_secret_is_unavailable(client, hostile, caplog, settings):
    """The provider's own invalid_client: a person can do nothing about it but try later."""
    settings.SGID_CLIENT_SECRET = "a-secret-sgid-does-not-know"
    assert_rejected(client, login(client, hostile), "unavailable", hostile, caplog)
    assert hostile.count("userinfo") == 0


@pytest.mark.parametrize(
    "body",
    [b'{"access_token": "a", "id_token": ', b"[]", b"not json at all"],
    ids=["truncated", "array", "text"],
)
def test_token_endpoint_malformed_json_is_untrusted(client, hostile, caplog, body):
    hostile.faults["token"] = Fault(200, body)
    assert_rejected(client, login(client, hostile), "untrusted", hostile, caplog)


@pytest.mark.parametrize("missing", ["id_token", "access_token"])
def test_token_response_without_a_token_is_untrusted(client, hostile, caplog, missing):
    hostile.token_fields = {missing: None}
    assert_rejected(client, login(client, hostile), "untrusted", hostile, caplog)
    assert hostile.count("userinfo") == 0


@pytest.mark.parametrize(
    "fault",
    [HTML_500, Fault(401, b'{"error": "invalid_token"}', {"WWW-Authenticate": "Bearer"})],
    ids=["500", "401"],
)
def test_userinfo_failing_is_unavailable(client, hostile, caplog, fault):
    hostile.faults["userinfo"] = fault
    assert_rejected(client, login(client, hostile), "unavailable", hostile, caplog)


@pytest.mark.parametrize(
    "fault",
    [
        Fault(200, b"{}", delay=HTTP_TIMEOUT * 4),
        Fault(200, b'{"access_token": "a", "id_token": "b"}', drip=HTTP_TIMEOUT / 3),
    ],
    ids=["silent", "dripping"],
)
def test_a_hanging_token_endpoint_answers_within_the_timeout(client, hostile, caplog, fault):
    hostile.faults["token"] = fault
    started = time.monotonic()
    response = login(client, hostile)
    elapsed = time.monotonic() - started
    assert elapsed < HTTP_TIMEOUT * 2 + 1
    assert_rejected(client, response, "unavailable", hostile, caplog)


@pytest.mark.parametrize("worker", ["same-worker", "new-worker"])
def test_jwks_down_with_a_warm_cache_still_signs_in(client, hostile, caplog, settings, worker):
    """Within the TTL. "new-worker": a fresh client (as in another process) finds the keys in
    Django's shared cache."""
    warm = Client()
    assert_logged_in(warm, login(warm, hostile), hostile, caplog)
    hostile.faults["jwks"] = Fault(503, b'{"error": "down"}')
    if worker == "new-worker":
        settings.SGID_HTTP_TIMEOUT = HTTP_TIMEOUT + 0.5  # a settings change rebuilds the client
    assert_logged_in(client, login(client, hostile), hostile, caplog)
    assert hostile.count("jwks") == 1


def test_jwks_down_past_the_ttl_keeps_the_known_keys_and_backs_off(
    client, hostile, caplog, settings
):
    settings.SGID_JWKS_TTL = 0  # every login is due for a refresh
    warm = Client()
    assert_logged_in(warm, login(warm, hostile), hostile, caplog)
    hostile.faults["jwks"] = Fault(503, b'{"error": "down"}')
    for _ in range(3):
        browser = Client()
        assert_logged_in(browser, login(browser, hostile), hostile, caplog)
    # One failed refresh; the next ones wait for the cooldown instead of hitting sgID again.
    assert hostile.count("jwks") == 2
    assert "JWKS refresh failed, using cached keys" in caplog.text


def test_jwks_down_during_a_refetch_keeps_the_known_keys(client, hostile, caplog):
    warm = Client()
    assert_logged_in(warm, login(warm, hostile), hostile, caplog)
    hostile.faults["jwks"] = Fault(503, b'{"error": "down"}')
    hostile.kid = "k-from-the-future"
    response = login(client, hostile)
    assert_rejected(client, response, "untrusted", hostile, caplog, users_before=1)
    assert hostile.count("jwks") == 2  # the warm fetch, then one refetch that failed
    hostile.kid = "k1"
    assert_logged_in(client, login(client, hostile), hostile, caplog)


def test_jwks_down_with_a_cold_cache_is_unavailable(client, hostile, caplog):
    hostile.faults["jwks"] = Fault(503, b'{"error": "down"}')
    assert_rejected(client, login(client, hostile), "unavailable", hostile, caplog)


def test_a_flood_of_random_kids_fetches_the_jwks_at_most_once_per_cooldown(client, hostile, caplog):
    for _ in range(25):
        hostile.kid = secrets.token_hex(8)
        assert login(client, hostile).status_code == 502
    assert hostile.count("token") == 25
    assert hostile.count("jwks") <= 2  # the cold fetch, then one refetch per cooldown
    assert hostile.count("userinfo") == 0
    assert_no_secrets_logged(hostile, caplog)
