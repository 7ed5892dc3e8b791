"""/metrics under gunicorn: every worker's counts, added up; refused to anyone without the token."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from tests.support.deploy.browser import Browser, person, sign_in
from tests.support.deploy.deployment import Deployment, deployed
from tests.support.hostile_sgid import Fault

WORKERS = 3
TOKEN = secrets.token_urlsafe(32)


@pytest.fixture(scope="module")
def site(services: None) -> Iterator[Deployment]:
    # gunicorn.conf.py's own threads: the bulkhead's slots leave room for the concurrent logins.
    with deployed(("A",), workers=WORKERS, threads=None, extra_env={"METRICS_TOKEN": TOKEN}) as d:
        yield d


def scrape(site: Deployment, token: str | None = TOKEN) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.get(site.a.url("/metrics"), headers=headers, timeout=10)


def sample(text: str, name: str, **labels: str) -> float:
    """One sample's value in a scrape (0 when absent), read by prometheus-client's own parser."""
    for family in text_string_to_metric_families(text):
        for found in family.samples:
            if found.name == name and found.labels == labels:
                return float(found.value)
    return 0.0


def test_the_counts_of_every_worker_add_up(site: Deployment) -> None:
    before = scrape(site).text
    logins, failures = 18, 6

    def login(_: int) -> None:
        sign_in(Browser(), site.provider, person("metrics"), start=site.a)

    with ThreadPoolExecutor(max_workers=6) as pool:  # spread over the workers
        list(pool.map(login, range(logins)))
    site.provider.faults["token"] = Fault(status=503)
    try:
        for _ in range(failures):
            browser = Browser()
            url = browser.start_login(site.a)
            code = site.provider.authorize(url)
            assert browser.callback(site.a, url, code).headers["Location"] == "/auth/failed"
    finally:
        site.provider.faults.pop("token")

    after = scrape(site).text
    assert (
        sample(after, "sgid_rp_logins_total", outcome="success")
        - sample(before, "sgid_rp_logins_total", outcome="success")
        == logins
    )
    assert (
        sample(after, "sgid_rp_logins_total", outcome="unavailable")
        - sample(before, "sgid_rp_logins_total", outcome="unavailable")
        == failures
    )
    token_calls = sample(after, "sgid_rp_sgid_request_seconds_count", endpoint="token")
    assert (
        token_calls - sample(before, "sgid_rp_sgid_request_seconds_count", endpoint="token")
        == logins + failures
    )


def test_the_endpoint_refuses_a_caller_without_the_token(site: Deployment) -> None:
    for token in (None, "wrong", TOKEN[:-1]):
        answer = scrape(site, token)
        assert answer.status_code == 401
        assert "sgid_rp_" not in answer.text
