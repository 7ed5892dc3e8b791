"""Outages: Redis or PostgreSQL stops under two gunicorn servers, and starts again.

The servers run on a Redis and a PostgreSQL of this module's own (support/deploy/private_services),
which the tests stop and start; the machine's shared services are never touched. The designed
behaviour: sessions live in PostgreSQL only, so a Redis outage is a cache miss that signs no one
in or out; a PostgreSQL outage is a 503 with Retry-After (a page, or the JSON error shape) and
one log line per interval, not a traceback per request; both recover by themselves.
"""

from __future__ import annotations

import re
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from tests.support.deploy.appserver import AppServer
from tests.support.deploy.browser import (
    TIMEOUT,
    Browser,
    Identity,
    assert_signed_in_as,
    person,
    sign_in,
)
from tests.support.deploy.deployment import Deployment, deployed, secret_key
from tests.support.deploy.ports import free_port
from tests.support.deploy.private_services import PrivatePostgres, PrivateRedis
from tests.support.hostile_sgid import Fault

WORKERS = 2
# gunicorn.conf.py's own threads: its bulkhead leaves room for the tests' concurrent logins.
THREADS = None
# How long a dependency stays down while requests keep coming.
OUTAGE = 3.0
# "A couple" of log lines about one outage per worker, however many requests it failed.
LINES_PER_WORKER = 2
UNAVAILABLE_HEADING = "This service is briefly unavailable"
EXPIRED_TITLE = "This sign-in link has expired or was already used"
# An error in the app's JSON records, or in gunicorn's own plain lines.
ERROR_MARKERS = ('"level": "ERROR"', '"level": "CRITICAL"', "[ERROR]", "[CRITICAL]")


@pytest.fixture(scope="module")
def redis_server() -> Iterator[PrivateRedis]:
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    with PrivateRedis() as server:
        yield server


@pytest.fixture(scope="module")
def postgres_server() -> Iterator[PrivatePostgres]:
    if not list(Path("/usr/lib/postgresql").glob("*/bin/initdb")) and not shutil.which("initdb"):
        pytest.skip("PostgreSQL's server binaries (initdb, postgres) are not installed")
    with PrivatePostgres() as server:
        yield server


@pytest.fixture(scope="module")
def site(redis_server: PrivateRedis, postgres_server: PrivatePostgres) -> Iterator[Deployment]:
    with deployed(
        workers=WORKERS,
        threads=THREADS,
        database_url=postgres_server.url,
        cache_url=redis_server.url(0),
    ) as running:
        yield running


@pytest.fixture
def marks(site: Deployment) -> dict[str, int]:
    return site.log_marks()


@pytest.fixture
def redis_up(redis_server: PrivateRedis) -> Iterator[PrivateRedis]:
    """The private Redis, running again after the test whatever it did."""
    yield redis_server
    if not redis_server.running:
        redis_server.start()


@pytest.fixture
def postgres_up(postgres_server: PrivatePostgres) -> Iterator[PrivatePostgres]:
    """The private PostgreSQL, running again after the test whatever it did."""
    yield postgres_server
    if not postgres_server.running:
        postgres_server.start()


# --- What the logs and the answers must show ---------------------------------------------


def outage_lines(site: Deployment, since: dict[str, int], dependency: str) -> dict[str, list[str]]:
    """Per server: the app's warning-or-worse records about `dependency` ("cache", "database")."""
    words = {"cache": ("cache", "redis"), "database": ("database", "postgres", "psycopg")}[
        dependency
    ]
    found: dict[str, list[str]] = {}
    for server in site.servers:
        found[server.name] = [
            f"{record.get('logger')}: {record.get('message')}"
            for record in server.records(since[server.name])
            if record.get("logger") != "sgid_rp.request"
            and record.get("level") in ("WARNING", "ERROR", "CRITICAL")
            and any(
                word in f"{record.get('logger')} {record.get('message')}".lower() for word in words
            )
        ]
    return found


def error_lines(server: AppServer, since: int) -> list[str]:
    """ERROR or worse: the app's JSON records and gunicorn's own plain lines."""
    lines = []
    for line in server.log_text(since).splitlines():
        if any(marker in line for marker in ERROR_MARKERS):
            lines.append(line)
    return lines


def assert_no_traceback(site: Deployment, since: dict[str, int]) -> None:
    for server in site.servers:
        text = server.log_text(since[server.name])
        for marker in ("Traceback", "WORKER TIMEOUT", "[CRITICAL]"):
            assert marker not in text, f"{marker!r} in {server.name}'s log\n" + server.log_tail(60)


def assert_few_lines(lines: dict[str, list[str]], requests_made: int) -> None:
    """At most a couple of lines per worker about one outage: never one per request."""
    limit = LINES_PER_WORKER * WORKERS
    for name, found in lines.items():
        assert len(found) <= limit, (
            f"{name} logged {len(found)} lines about the outage ({requests_made} requests, at most"
            f" {limit} wanted):\n" + "\n".join(found[:20])
        )


def assert_unavailable_page(answer: requests.Response, what: str) -> None:
    """The designed 503 for a person: Retry-After, and a page that says what to do."""
    assert answer.status_code == 503, (what, answer.status_code, answer.text[:300])
    assert re.fullmatch(r"\d+", answer.headers.get("Retry-After", "")), (what, answer.headers)
    assert answer.headers["Content-Type"].startswith("text/html"), (what, answer.headers)
    assert UNAVAILABLE_HEADING in answer.text, (what, answer.text[:500])
    assert "try again" in answer.text, (what, answer.text[:500])
    assert "Traceback" not in answer.text


def assert_unavailable_json(answer: requests.Response, what: str) -> None:
    """The designed 503 for a program: the one JSON error shape."""
    assert answer.status_code == 503, (what, answer.status_code, answer.text[:300])
    assert answer.headers["Content-Type"].startswith("application/json"), (what, answer.headers)
    body = answer.json()
    assert set(body) == {"error", "message", "request_id"}, (what, body)
    assert body["error"] == "unavailable", (what, body)
    assert body["message"], (what, body)
    assert body["request_id"] == answer.headers["X-Request-ID"], (what, body)


def assert_signed_out(site: Deployment, session_key: str, *, rounds: int = 3) -> None:
    """A browser holding only `session_key` is signed out on every server, every worker.

    Each server is asked `rounds` times per path, each time on a new connection (a kept-alive
    one stays with the worker that accepted it), so that more than one worker answers.
    """
    holder = Browser()
    holder.http.headers["Connection"] = "close"
    holder.http.cookies.set("sessionid", session_key, domain="127.0.0.1")
    try:
        for _ in range(rounds):
            for server in site.servers:
                me = holder.me(server)
                assert me.status_code == 401, (server.name, me.status_code, me.text[:300])
                profile = holder.get(server, "/profile")
                assert profile.status_code == 302, (server.name, profile.status_code)
                assert profile.headers["Location"].startswith("/auth/login"), profile.headers
    finally:
        holder.close()


# The browsers a test opened; closed after it, so that no server waits on their idle connections.
_browsers: list[Browser] = []


@pytest.fixture(autouse=True)
def _close_browsers() -> Iterator[None]:
    yield
    while _browsers:
        _browsers.pop().close()


def new_browser() -> Browser:
    browser = Browser()
    _browsers.append(browser)
    return browser


def signed_in(site: Deployment, label: str) -> tuple[Browser, Identity]:
    browser = new_browser()
    who = person(label)
    sign_in(browser, site.provider, who, start=site.a, finish=site.b)
    return browser, who


def keep_requesting(
    site: Deployment, stop: threading.Event, failures: list[str], rounds: list[int]
) -> Callable[[int], None]:
    """A signed-in browser's loop: /profile and /api/me on both servers, until `stop`.

    Each round appends the loop's index to `rounds`, and each wrong answer a line to `failures`.
    """

    def loop(index: int) -> None:
        browser, who = signed_in(site, f"load{index}")
        try:
            n = 0
            while not stop.is_set():
                server = site.servers[n % 2]
                n += 1
                try:
                    profile = browser.get(server, "/profile")
                    me = browser.me(server)
                except requests.RequestException as exc:
                    failures.append(f"{server.name}: {type(exc).__name__}")
                    continue
                rounds.append(index)
                if profile.status_code != 200 or who.name not in profile.text:
                    failures.append(f"{server.name} /profile {profile.status_code}")
                if me.status_code != 200 or me.json().get("sub") != who.sub:
                    failures.append(f"{server.name} /api/me {me.status_code} {me.text[:120]}")
                time.sleep(0.02)
        finally:
            browser.close()

    return loop


# --- Redis --------------------------------------------------------------------------------


def test_everything_keeps_working_while_redis_is_down_under_load(
    site: Deployment, redis_up: PrivateRedis, marks: dict[str, int]
) -> None:
    """Signed-in pages, logout and a whole new login, before, during and after the outage."""
    stop = threading.Event()
    failures: list[str] = []
    rounds: list[int] = []
    loop = keep_requesting(site, stop, failures, rounds)
    leaving, _ = signed_in(site, "leaving")
    executor = ThreadPoolExecutor(max_workers=4, thread_name_prefix="redis-load")
    try:
        futures = [executor.submit(loop, index) for index in range(4)]
        deadline = time.monotonic() + 10
        while len(set(rounds)) < 4 and time.monotonic() < deadline:  # every loop is signed in
            time.sleep(0.05)
        assert len(set(rounds)) == 4, [future.exception(0) for future in futures if future.done()]
        assert not failures, failures[:10]

        redis_up.stop()
        went_down = time.monotonic()
        try:
            newcomer, who = signed_in(site, "during")
            for server in site.servers:
                assert_signed_in_as(newcomer, server, who)
            kept = leaving.http.cookies["sessionid"]
            answer = leaving.logout(site.b)
            assert answer.status_code == 302, (answer.status_code, answer.text[:300])
            assert_signed_out(site, kept, rounds=1)
            time.sleep(max(0.0, OUTAGE - (time.monotonic() - went_down)))
        finally:
            redis_up.start()

        time.sleep(0.5)
        after, who_after = signed_in(site, "after")
        for server in site.servers:
            assert_signed_in_as(after, server, who_after)
        assert after.logout(site.a).status_code == 302
        assert after.me(site.b).status_code == 401
    finally:
        stop.set()
        executor.shutdown(wait=True, cancel_futures=True)
    for future in futures:
        future.result(timeout=TIMEOUT)  # a loop's own failure (its sign-in) surfaces here

    assert len(rounds) > 20, f"only {len(rounds)} rounds of signed-in requests under load"
    assert not failures, f"{len(failures)} failed answers under load:\n" + "\n".join(failures[:20])
    site.assert_no_server_errors(marks)
    assert_few_lines(outage_lines(site, marks, "cache"), 2 * len(rounds))


def test_a_logout_while_redis_is_down_stays_a_logout_when_it_returns(
    site: Deployment, redis_up: PrivateRedis, marks: dict[str, int]
) -> None:
    browser, who = signed_in(site, "logout-down")
    kept = browser.http.cookies["sessionid"]
    assert_signed_in_as(browser, site.a, who)

    redis_up.stop()
    try:
        answer = browser.logout(site.a)
        assert answer.status_code == 302, (answer.status_code, answer.text[:300])
    finally:
        redis_up.start()

    assert_signed_out(site, kept)
    site.assert_no_server_errors(marks)


def race_a_logout(site: Deployment, browser: Browser, attempt: int) -> list[tuple[str, int]]:
    """The browser logs out while three of its requests are in flight; what each answered."""
    csrf = browser.get(site.a, "/api/csrf").json()["csrfToken"]
    ready = threading.Barrier(4, timeout=TIMEOUT)
    statuses: list[tuple[str, int]] = []

    def in_flight(index: int) -> None:
        # The same browser's cookies, on a connection of the thread's own.
        tab = Browser()
        tab.http.cookies.update(browser.http.cookies)
        try:
            ready.wait()
            for n in range(3):
                server = site.servers[(index + n + attempt) % 2]
                path = "/profile" if (index + n) % 2 else "/api/me"
                statuses.append((f"{server.name} {path}", tab.get(server, path).status_code))
        finally:
            tab.close()

    def log_out() -> None:
        ready.wait()
        server = site.servers[attempt % 2]
        answer = browser.post(server, "/auth/logout", data={"csrfmiddlewaretoken": csrf})
        statuses.append((f"{server.name} logout", answer.status_code))

    with ThreadPoolExecutor(max_workers=4, thread_name_prefix="race") as executor:
        futures = [executor.submit(in_flight, index) for index in range(3)]
        futures.append(executor.submit(log_out))
        for future in futures:
            future.result(timeout=2 * TIMEOUT)
    return statuses


def test_a_logout_racing_the_same_browsers_requests_signs_out_everywhere(
    site: Deployment, marks: dict[str, int]
) -> None:
    """Three requests in flight from the same browser while it logs out, twenty times over."""
    for attempt in range(20):
        browser, _ = signed_in(site, f"race{attempt}")
        kept = browser.http.cookies["sessionid"]
        try:
            statuses = race_a_logout(site, browser, attempt)
        finally:
            browser.close()
        logout = [status for what, status in statuses if what.endswith("logout")]
        assert logout == [302], (attempt, statuses)
        assert all(status < 500 for _, status in statuses), (attempt, statuses)
        assert_signed_out(site, kept)
    site.assert_no_server_errors(marks)


def test_a_replayed_callback_is_refused_after_redis_loses_its_keys(
    site: Deployment, redis_up: PrivateRedis, marks: dict[str, int]
) -> None:
    """The state is used once even if the cache forgets it: no second token call at sgID."""
    provider = site.provider
    browser = new_browser()
    who = person("replay")
    url = browser.start_login(site.a)
    code = provider.authorize(url, sub=who.sub, persona=who.persona)
    tokens_before = provider.count("token")
    provider.faults["userinfo"] = Fault(status=500)
    try:
        answer = browser.callback(site.b, url, code)
    finally:
        del provider.faults["userinfo"]
    assert answer.status_code == 302, (answer.status_code, answer.text[:300])
    failed = browser.get(site.b, answer.headers["Location"])  # the failure page keeps the status
    assert failed.status_code == 502, (failed.status_code, failed.text[:300])
    assert provider.count("token") == tokens_before + 1
    assert_no_traceback(site, marks)
    marks = site.log_marks()  # the 502 above is the designed answer; no 5xx from here on

    redis_up.stop()
    redis_up.start()  # empty: whatever the cache held about this login is gone

    answer = browser.callback(site.a, url, code)
    assert provider.count("token") == tokens_before + 1, "the code was redeemed a second time"
    assert answer.status_code == 302, (answer.status_code, answer.text[:500])
    replayed = browser.get(site.a, answer.headers["Location"])
    assert replayed.status_code == 400, (replayed.status_code, replayed.text[:500])
    assert EXPIRED_TITLE in replayed.text, replayed.text[:500]
    assert browser.me(site.a).status_code == 401
    site.assert_no_server_errors(marks)


# --- PostgreSQL ---------------------------------------------------------------------------


def test_a_database_outage_answers_503_and_recovers(
    site: Deployment, postgres_up: PrivatePostgres, marks: dict[str, int]
) -> None:
    browser, who = signed_in(site, "db-down")
    token = browser.login_form_token(site.a)
    made = 0

    postgres_up.stop()
    try:
        for _ in range(3):
            for server in site.servers:
                for path in ("/profile", "/"):
                    assert_unavailable_page(browser.get(server, path), f"{server.name} GET {path}")
                login = browser.post(
                    server, "/auth/login", data={"csrfmiddlewaretoken": token, "next": "/profile"}
                )
                assert_unavailable_page(login, f"{server.name} POST /auth/login")
                assert_unavailable_json(browser.me(server), f"{server.name} /api/me")
                as_json = browser.get(server, "/profile", headers={"Accept": "application/json"})
                assert_unavailable_json(as_json, f"{server.name} /profile as JSON")
                made += 5
    finally:
        postgres_up.start()

    # Each server is back within seconds by itself (its pool retries a connection for at most
    # DB_POOL_TIMEOUT before starting afresh): the session, in PostgreSQL, is still there.
    for server in site.servers:
        deadline = time.monotonic() + 8
        while browser.me(server).status_code == 503 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert_signed_in_as(browser, server, who)
    newcomer, who_new = signed_in(site, "db-back")
    assert_signed_in_as(newcomer, site.a, who_new)

    assert_no_traceback(site, marks)
    for server in site.servers:
        errors = error_lines(server, marks[server.name])
        assert len(errors) <= LINES_PER_WORKER * WORKERS, (
            f"{server.name}: {len(errors)} error lines for {made // 2} requests:\n"
            + "\n".join(errors[:20])
        )
        # The pool's own lines (one per connection handed out, one per failed reconnection
        # with the driver's text and the server's address) stay out of the log.
        pool_lines = [
            r for r in server.records(marks[server.name]) if r.get("logger") == "psycopg.pool"
        ]
        assert pool_lines == [], pool_lines[:3]


def test_health_probes_from_two_servers_at_once_never_report_a_false_outage(
    site: Deployment,
) -> None:
    def probe(index: int) -> list[str]:
        wrong = []
        with requests.Session() as http:
            for n in range(10):
                server = site.servers[(index + n) % 2]
                answer = http.get(server.url("/healthz"), timeout=TIMEOUT)
                if answer.status_code != 200:
                    wrong.append(f"{server.name} {answer.status_code} {answer.text[:200]}")
        return wrong

    with ThreadPoolExecutor(max_workers=20, thread_name_prefix="probe") as executor:
        results = list(executor.map(probe, range(20), timeout=60))
    wrong = [line for result in results for line in result]
    assert not wrong, f"{len(wrong)} of 200 probes said unhealthy:\n" + "\n".join(wrong[:10])


def test_livez_answers_without_the_database_and_healthz_names_it(
    site: Deployment, postgres_up: PrivatePostgres
) -> None:
    postgres_up.stop()
    try:
        for _ in range(2):
            for server in site.servers:
                live = requests.get(server.url("/livez"), timeout=TIMEOUT)
                assert live.status_code == 200, (server.name, live.status_code, live.text[:200])
                health = requests.get(server.url("/healthz"), timeout=TIMEOUT)
                assert health.status_code == 503, (server.name, health.status_code)
                assert health.json()["database"] == "error", health.json()
                assert health.json()["cache"] == "ok", health.json()
    finally:
        postgres_up.start()
    for server in site.servers:
        server.wait_healthy(timeout=10)


# --- The dev sgID --------------------------------------------------------------------------


def test_gunicorn_refuses_the_dev_sgid_with_debug_off(tmp_path: Path) -> None:
    """SGID_MOCK=true and DEBUG off: no worker serves it (they fail to boot, or it is absent)."""
    env = {
        "PATH": "/usr/bin:/bin",
        "SECRET_KEY": secret_key(),
        "DEBUG": "false",
        "SGID_MOCK": "true",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "STATIC_ROOT": str(tmp_path / "static"),
        "SGID_MOCK_KEY_DIR": str(tmp_path / "mock-keys"),
        "ENV_FILE": str(tmp_path / "no-such.env"),
    }
    server = AppServer("mock", free_port(), env, tmp_path / "gunicorn-mock.log", 1, 1)
    try:
        refused = ""
        try:
            server.start()
        except AssertionError as exc:  # exited, or never answered /healthz
            refused = str(exc)
        if refused:
            assert "SGID_MOCK" in server.log_text(), f"refused without naming SGID_MOCK: {refused}"
            return
        served = {}
        for path in (
            "/sgid-mock/v2/.well-known/openid-configuration",
            "/sgid-mock/v2/.well-known/jwks.json",
            "/sgid-mock/v2/oauth/authorize",
        ):
            served[path] = requests.get(server.url(path), timeout=TIMEOUT).status_code
        assert set(served.values()) == {404}, f"the dev sgID is served with DEBUG off: {served}"
    finally:
        server.stop()
