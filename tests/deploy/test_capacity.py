"""Capacity as shipped: many threads share a few database connections, an exhausted pool is the
designed 503, and a hanging sgID takes only the bulkhead's threads, not a signed-in reader's.

One gunicorn server, two workers with the shipped thread count, on a fresh database of the
machine's PostgreSQL, with a small pool so that a flood reaches its bound.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
import requests

from tests.support.deploy.browser import Browser, person, sign_in
from tests.support.deploy.deployment import Deployment, deployed
from tests.support.deploy.services import PG_URL, connections_to
from tests.support.hostile_sgid import MAX_DELAY, Fault

WORKERS = 2
POOL = 2  # DB_POOL_SIZE per worker
THREADS = 32  # gunicorn.conf.py's default
SLOTS = 4  # SGID_MAX_CONCURRENT_CALLS per worker


@pytest.fixture(scope="module")
def site(services: None) -> Iterator[Deployment]:
    with deployed(
        ("A",),
        workers=WORKERS,
        threads=THREADS,
        extra_env={
            "DB_POOL_SIZE": str(POOL),
            "DB_POOL_TIMEOUT": "0.5",
            "SGID_MAX_CONCURRENT_CALLS": str(SLOTS),
            "SGID_HTTP_TIMEOUT": "3",
        },
    ) as running:
        yield running


def test_a_flood_never_opens_more_connections_than_the_pools_hold(site: Deployment) -> None:
    server = site.servers[0]
    peak, stop = [0], threading.Event()

    def watch() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], connections_to(site.database))
            time.sleep(0.02)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        with requests.Session() as http, ThreadPoolExecutor(max_workers=48) as pool:
            answers = list(
                pool.map(lambda _: http.get(server.url("/healthz"), timeout=10), range(600))
            )
    finally:
        stop.set()
        watcher.join()
    statuses = {answer.status_code for answer in answers}
    assert statuses <= {200, 503}, statuses
    assert [a for a in answers if a.status_code == 503 and "Retry-After" not in a.headers] == []
    assert 1 <= peak[0] <= WORKERS * POOL, f"{peak[0]} connections for {WORKERS} pools of {POOL}"


def test_an_exhausted_pool_answers_the_designed_503_quickly_not_a_hang(site: Deployment) -> None:
    server = site.servers[0]
    browser = Browser()
    sign_in(browser, site.provider, person("pool"), start=server)
    # Every session read waits behind this lock: each worker's pooled connections are taken by
    # requests that wait, and the next requests find the pool empty.
    with psycopg.connect(PG_URL.format(name=site.database)) as lock:
        lock.execute("LOCK TABLE django_session IN ACCESS EXCLUSIVE MODE")

        def me(_: int) -> tuple[int, float, str | None, str]:
            started = time.monotonic()
            answer = browser.me(server)
            return (
                answer.status_code,
                time.monotonic() - started,
                answer.headers.get("Retry-After"),
                answer.headers.get("Content-Type", ""),
            )

        with ThreadPoolExecutor(max_workers=12) as pool:
            pending = [pool.submit(me, i) for i in range(12)]
            time.sleep(2.0)  # the turned-away ones have their answers by now
            lock.rollback()  # the lock goes; the waiting ones go on
            answers = [future.result(timeout=15) for future in pending]
    refused = [a for a in answers if a[0] == 503]
    assert {a[0] for a in answers} <= {200, 503}, answers
    assert refused, "a pool of 2 per worker served 12 waiting requests"
    for _status, seconds, retry_after, content_type in refused:
        assert seconds < 2.0, f"a refusal took {seconds:.1f} s"
        assert retry_after
        assert content_type.startswith("application/json")
    assert browser.me(server).status_code == 200  # and afterwards, all is well


def test_a_hanging_sgid_takes_only_the_bulkhead_s_threads(site: Deployment) -> None:
    """Callbacks beyond the slots are turned away at once; a signed-in reader stays fast."""
    server = site.servers[0]
    reader = Browser()
    sign_in(reader, site.provider, person("reader"), start=server)
    site.provider.faults["token"] = Fault(delay=MAX_DELAY)  # past the site's 3 s timeout
    try:
        # More callbacks than the workers have threads: without the bulkhead, none is left.
        browsers = [Browser() for _ in range(WORKERS * THREADS + 8)]
        logins = [(b, b.start_login(server)) for b in browsers]
        codes = [site.provider.authorize(url, sub=f"hang-{i}") for i, (_, url) in enumerate(logins)]

        def callback(index: int) -> tuple[int, str, float]:
            browser, url = logins[index]
            started = time.monotonic()
            answer = browser.callback(server, url, codes[index])
            return (
                answer.status_code,
                answer.headers.get("Location", ""),
                time.monotonic() - started,
            )

        with ThreadPoolExecutor(max_workers=len(logins)) as pool:
            pending = [pool.submit(callback, i) for i in range(len(logins))]
            time.sleep(0.5)  # the slots are full of callbacks waiting on sgID
            reads = []
            for _ in range(20):
                started = time.monotonic()
                assert reader.me(server).status_code == 200
                reads.append(time.monotonic() - started)
            results = [future.result(timeout=30) for future in pending]
    finally:
        site.provider.faults.pop("token")
        # End the hanging answers now: written after the site gave up, they would fail.
        site.provider.released.set()
        time.sleep(0.2)
        site.provider.released.clear()
    turned_away = [r for r in results if r[1] == "/auth/failed" and r[2] < 1.0]
    assert len(turned_away) >= len(logins) - WORKERS * SLOTS, results
    assert max(reads) < 1.0, f"a signed-in read took {max(reads):.2f} s while sgID hung"
