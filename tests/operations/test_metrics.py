"""/metrics: not public, and what it counts moves with what happens."""

from __future__ import annotations

import pytest
import responses as responses_lib
from prometheus_client import REGISTRY

from accounts import bulkhead
from tests.support import material as m
from tests.support.signin import finish_login, sign_in, start_login

pytestmark = pytest.mark.django_db
TOKEN = "metrics-token-for-tests-" + "x" * 20


def value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.fixture
def token(settings):
    settings.METRICS_TOKEN = TOKEN
    return TOKEN


def scrape(client, token: str = TOKEN):
    return client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {token}")


def test_without_a_token_configured_there_is_no_metrics_endpoint(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 404
    assert scrape(client, "anything").status_code == 404


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer wrong", f"Basic {TOKEN}", f"Bearer {TOKEN}x", TOKEN],
    ids=["none", "wrong", "basic", "longer", "no-scheme"],
)
def test_a_caller_without_the_token_is_refused(client, token, authorization):
    extra = {"HTTP_AUTHORIZATION": authorization} if authorization else {}
    answer = client.get("/metrics", **extra)
    assert answer.status_code == 401
    assert answer["WWW-Authenticate"].startswith("Bearer")
    assert b"sgid_rp_" not in answer.content


def test_the_scraper_gets_the_text_format(client, token):
    answer = scrape(client)
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/plain; version=")
    assert b"# TYPE sgid_rp_logins_total counter" in answer.content


def test_a_login_and_a_failure_are_counted_with_sgid_s_latency(client, fake_sgid, token):
    before = {
        "success": value("sgid_rp_logins_total", outcome="success"),
        "unavailable": value("sgid_rp_logins_total", outcome="unavailable"),
        "failures": value("sgid_rp_sgid_failures_total", kind="unavailable"),
        "token_calls": value("sgid_rp_sgid_request_seconds_count", endpoint="token"),
        "userinfo_calls": value("sgid_rp_sgid_request_seconds_count", endpoint="userinfo"),
        "5xx": value("sgid_rp_sgid_responses_total", endpoint="token", status="5xx"),
        "callbacks": value("sgid_rp_requests_total", route="callback", status="302"),
    }
    assert sign_in(client, fake_sgid)["Location"] == "/profile"
    client.post("/auth/logout")
    url = start_login(client)
    back = fake_sgid.authorization_response(url)
    fake_sgid.mock.replace(responses_lib.POST, fake_sgid.token_url, status=503)
    client.get(back)

    assert value("sgid_rp_logins_total", outcome="success") == before["success"] + 1
    assert value("sgid_rp_logins_total", outcome="unavailable") == before["unavailable"] + 1
    assert value("sgid_rp_sgid_failures_total", kind="unavailable") == before["failures"] + 1
    token_calls = value("sgid_rp_sgid_request_seconds_count", endpoint="token")
    assert token_calls == before["token_calls"] + 2
    userinfo_calls = value("sgid_rp_sgid_request_seconds_count", endpoint="userinfo")
    assert userinfo_calls == before["userinfo_calls"] + 1
    assert value("sgid_rp_sgid_responses_total", endpoint="token", status="5xx") == (
        before["5xx"] + 1
    )
    assert value("sgid_rp_requests_total", route="callback", status="302") == (
        before["callbacks"] + 2
    )
    text = scrape(client).content.decode()
    assert 'sgid_rp_logins_total{outcome="success"}' in text
    assert m.SUB not in text  # who signed in is in no label
    assert "TAN AH KOW" not in text


def test_rate_limit_and_bulkhead_refusals_are_counted(client, fake_sgid, settings):
    settings.SGID_MAX_CONCURRENT_CALLS = 1
    busy = value("sgid_rp_bulkhead_refusals_total")
    url = start_login(client)
    with bulkhead.slot():
        finish_login(client, fake_sgid, url)
    assert value("sgid_rp_bulkhead_refusals_total") == busy + 1

    settings.RATE_LIMIT_LOGIN = "1/m"
    limited = value("sgid_rp_rate_limited_total", limit="login-start")
    client.post("/auth/login")
    assert client.post("/auth/login").status_code == 429
    assert value("sgid_rp_rate_limited_total", limit="login-start") == limited + 1


def test_an_unreachable_cache_is_counted(client, unreachable_cache):
    before = value("sgid_rp_dependency_errors_total", dependency="cache")
    client.get("/healthz")
    assert value("sgid_rp_dependency_errors_total", dependency="cache") > before
