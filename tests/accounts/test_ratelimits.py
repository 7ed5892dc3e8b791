"""What one client may cost: login starts and callbacks per network, answered 429 past the limit."""

from __future__ import annotations

import logging

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from accounts.models import LoginEvent

pytestmark = pytest.mark.django_db

ATTACKER = {"REMOTE_ADDR": "203.0.113.7"}
NEIGHBOUR = {"REMOTE_ADDR": "203.0.113.8"}


@pytest.fixture
def limits(settings):
    settings.RATE_LIMIT_LOGIN = "5/m"
    settings.RATE_LIMIT_CALLBACK = "5/m"
    settings.FORWARDED_ALLOW_IPS = ["10.0.0.0/8"]
    return settings


def start(**meta):
    # A visitor without a session cookie, as a flooding script is.
    return Client(**meta).post("/auth/login", {"next": "/profile"})


def test_login_starts_past_the_limit_answer_429_with_retry_after_and_write_nothing(
    limits, fake_sgid
):
    answers = [start(**ATTACKER) for _ in range(12)]
    assert [a.status_code for a in answers] == [302] * 5 + [429] * 7
    refused = answers[-1]
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert b"Too many sign-in attempts" in refused.content
    assert refused["Content-Type"].startswith("text/html")
    # Only the allowed starts cost a session row.
    assert Session.objects.count() == 5


def test_another_network_is_not_held_back_by_a_flood(limits, fake_sgid):
    for _ in range(6):
        start(**ATTACKER)
    assert start(**NEIGHBOUR).status_code == 302


def test_the_spa_gets_the_json_error_shape_when_limited(limits, fake_sgid):
    browser = Client(**ATTACKER)
    for _ in range(5):
        browser.post(
            "/auth/login", {}, content_type="application/json", HTTP_ACCEPT="application/json"
        )
    refused = browser.post(
        "/auth/login", {}, content_type="application/json", HTTP_ACCEPT="application/json"
    )
    assert refused.status_code == 429
    assert refused.json()["error"] == "rate_limited"
    assert refused.json()["request_id"] == refused["X-Request-ID"]
    assert "Retry-After" in refused


def test_reading_the_sign_in_page_is_not_counted(limits, fake_sgid):
    browser = Client(**ATTACKER)
    for _ in range(10):
        assert browser.get("/auth/login").status_code == 200
    assert start(**ATTACKER).status_code == 302


def test_callbacks_past_the_limit_answer_429_and_write_no_event(limits, fake_sgid):
    browser = Client(**ATTACKER)
    answers = [browser.get("/auth/callback", {"state": "junk", "code": "x"}) for _ in range(8)]
    # Each junk callback within the limit is sent on to the failure page.
    assert [a.status_code for a in answers] == [302] * 5 + [429] * 3
    assert LoginEvent.objects.count() == 0


def test_behind_a_trusted_proxy_each_forwarded_client_has_its_own_limit(limits, fake_sgid):
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for _ in range(5):
        assert start(**proxy, HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 302
    assert start(**proxy, HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 429
    assert start(**proxy, HTTP_X_FORWARDED_FOR="198.51.100.2").status_code == 302


def test_a_forwarded_address_from_an_untrusted_peer_does_not_escape_the_limit(limits, fake_sgid):
    answers = [
        start(**ATTACKER, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code for n in range(7)
    ]
    assert answers == [302] * 5 + [429] * 2


def test_an_unreachable_cache_neither_refuses_nor_fails_anyone(
    limits, fake_sgid, unreachable_cache
):
    answers = [start(**ATTACKER).status_code for _ in range(8)]
    assert answers == [302] * 8


def test_a_flood_is_one_warning_not_a_line_per_request(limits, fake_sgid, caplog):
    from operations.outages import reporter

    reporter.reset()
    with caplog.at_level(logging.INFO):
        for _ in range(30):
            start(**ATTACKER)
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.getMessage() for r in warnings] == ["rate limit reached: group=login-start"]
    # Each request still has its own request line, with its status.
    statuses = [r.status for r in caplog.records if r.name == "sgid_rp.request"]
    assert statuses == [302] * 5 + [429] * 25
