"""/livez for a load balancer (touches nothing), /healthz for monitoring (names what failed)."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import close_old_connections
from django.test import Client

pytestmark = pytest.mark.django_db


def test_livez_answers_without_touching_the_database_or_the_cache(
    client, django_assert_num_queries, unreachable_cache, caplog
):
    with django_assert_num_queries(0), caplog.at_level(logging.INFO):
        response = client.get("/livez")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})
    # A cache call would have met the unreachable Redis, and said so.
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_healthz_says_ok_when_both_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


def test_healthz_names_the_cache_when_redis_is_down_and_logs_it_once(
    client, unreachable_cache, caplog
):
    with caplog.at_level(logging.WARNING):
        answers = [client.get("/healthz") for _ in range(5)]
    assert {a.status_code for a in answers} == {503}
    assert answers[0].json() == {"status": "unavailable", "database": "ok", "cache": "error"}
    (line,) = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert line.getMessage().startswith("cache unavailable")


def test_probes_at_once_never_report_a_healthy_cache_as_broken():
    def probe(_: int) -> int:
        try:
            return Client().get("/healthz").status_code
        finally:
            # What the end of a request does under a server (the test client skips it, to keep
            # a test's transaction): a connection from the pool goes back to it.
            close_old_connections()

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(probe, range(200)))
    assert statuses == [200] * 200
