"""The production topology: two gunicorn servers sharing PostgreSQL and Redis, and a test sgID.

The test is the load balancer: it sends each step of a login to either server. Every login must
work wherever its steps land, survive a restart, and leave no secret in the logs.
"""

from __future__ import annotations

import random
import secrets
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor, wait

import pytest

from tests.support.deploy.browser import Browser, Identity, assert_signed_in_as, person, sign_in
from tests.support.deploy.deployment import Deployment
from tests.support.deploy.services import query_one
from tests.support.hostile_sgid import Fault

CLIENTS = 20
LOGINS_PER_CLIENT = 10
# Wall-clock bound on the 200 logins (they take well under a quarter of this on two cores).
LOAD_DEADLINE = 60.0


class LeakedSecret(AssertionError):
    """A secret or personal value is in a server's log."""


@pytest.fixture
def marks(deployment: Deployment) -> dict[str, int]:
    """Where the servers' logs end as the test begins: its checks read what follows."""
    return deployment.log_marks()


def login(
    deployment: Deployment,
    browser: Browser,
    who: Identity,
    *,
    page: int,
    start: int,
    finish: int,
) -> str:
    """One whole login, each step on the server of that index (0 is A, 1 is B); the code.

    page: GET the Log in page (CSRF cookie and token); start: POST /auth/login;
    finish: sgID's redirect back, GET /auth/callback.
    """
    servers = deployment.servers
    _, code = sign_in(
        browser,
        deployment.provider,
        who,
        page=servers[page],
        start=servers[start],
        finish=servers[finish],
    )
    return code


def users_with(deployment: Deployment, subs: Iterable[str]) -> int:
    count: int = query_one(
        deployment.database,
        "SELECT count(*) FROM accounts_user WHERE sub = ANY(%s)",
        list(subs),
    )
    return count


def assert_not_in_logs(
    deployment: Deployment, values: dict[str, str], since: dict[str, int] | None = None
) -> None:
    """None of `values` ({what: value}) appears anywhere in any server's log."""
    for server in deployment.servers:
        text = server.log_text((since or {}).get(server.name, 0))
        leaked = sorted(what for what, value in values.items() if value and value in text)
        if leaked:
            raise LeakedSecret(f"{server.name}'s log holds {', '.join(leaked)}")


def test_a_login_started_on_one_server_completes_on_the_other(
    deployment: Deployment, marks: dict[str, int]
) -> None:
    browser = Browser()
    who = person("across")
    login(deployment, browser, who, page=0, start=0, finish=1)

    for server in deployment.servers:
        assert_signed_in_as(browser, server, who)
    profile = browser.get(deployment.a, "/profile")
    assert profile.status_code == 200
    assert who.name in profile.text
    assert users_with(deployment, [who.sub]) == 1
    deployment.assert_no_server_errors(marks)


def test_logout_on_one_server_ends_the_session_on_the_other(
    deployment: Deployment, marks: dict[str, int]
) -> None:
    browser = Browser()
    who = person("logout")
    login(deployment, browser, who, page=1, start=0, finish=0)
    assert_signed_in_as(browser, deployment.a, who)
    assert_signed_in_as(browser, deployment.b, who)
    kept = browser.http.cookies.get("sessionid")  # a copy, as a thief of the cookie would keep
    assert kept

    answer = browser.logout(deployment.b)
    assert answer.status_code == 302, (answer.status_code, answer.text[:300])
    assert answer.headers["Location"] == "/"

    for server in deployment.servers:
        me = browser.me(server)
        assert me.status_code == 401, (server.name, me.status_code, me.text[:300])
        assert me.json()["error"] == "not_authenticated"
    # The session itself is gone from the shared stores, not merely from this browser.
    thief = Browser()
    thief.http.cookies.set("sessionid", kept, domain="127.0.0.1")
    for server in deployment.servers:
        assert thief.me(server).status_code == 401, server.name
    deployment.assert_no_server_errors(marks)


def test_two_hundred_logins_from_twenty_concurrent_clients(
    deployment: Deployment, marks: dict[str, int]
) -> None:
    """20 browsers log in 10 times each, every step on a random server, each time a new person."""
    people = {
        (client, n): person(f"c{client:02d}n{n:02d}")
        for client in range(CLIENTS)
        for n in range(LOGINS_PER_CLIENT)
    }
    issued_before = len(deployment.provider.issued)

    def client(index: int) -> int:
        rng = random.Random(index)
        browser = Browser()
        try:
            for n in range(LOGINS_PER_CLIENT):
                who = people[(index, n)]
                page, start, finish = (rng.randrange(2) for _ in range(3))
                login(deployment, browser, who, page=page, start=start, finish=finish)
                # Both servers, in either order, show this person and no one else.
                for server in rng.sample(deployment.servers, 2):
                    assert_signed_in_as(browser, server, who)
            return LOGINS_PER_CLIENT
        finally:
            browser.close()

    started = time.monotonic()
    executor = ThreadPoolExecutor(max_workers=CLIENTS, thread_name_prefix="deploy-client")
    try:
        futures = [executor.submit(client, index) for index in range(CLIENTS)]
        _done, pending = wait(futures, timeout=LOAD_DEADLINE)
        elapsed = time.monotonic() - started
        assert not pending, f"{len(pending)} clients still running after {LOAD_DEADLINE:.0f} s"
        completed = sum(future.result() for future in futures)  # re-raises a client's failure
    finally:
        executor.shutdown(wait=False, cancel_futures=True)
    print(f"\n{completed} logins from {CLIENTS} concurrent clients in {elapsed:.1f} s")

    assert completed == len(people) == 200
    assert users_with(deployment, (who.sub for who in people.values())) == 200
    # The load was spread: each server finished a fair share of the logins.
    callbacks = {server.name: 0 for server in deployment.servers}
    for server, record in deployment.request_lines(marks):
        if record.get("path") == "/auth/callback" and record.get("status") == 302:
            callbacks[server.name] += 1
    assert sum(callbacks.values()) == 200, callbacks
    assert min(callbacks.values()) >= 50, callbacks
    deployment.assert_no_server_errors(marks)
    # Not one of the 600 codes and tokens, nor anyone's name or NRIC, reached a log.
    issued = deployment.provider.issued[issued_before:]
    assert len(issued) == 600
    values = {f"issued value {i}": value for i, value in enumerate(issued)}
    values |= {f"name of {key}": who.name for key, who in people.items()}
    values |= {f"NRIC of {key}": who.nric for key, who in people.items()}
    assert_not_in_logs(deployment, values, marks)


def test_a_login_attempt_survives_a_server_restart(
    deployment: Deployment, marks: dict[str, int]
) -> None:
    browser = Browser()
    who = person("restart")
    url = browser.start_login(deployment.a)
    assert deployment.a.process is not None
    old_pid = deployment.a.process.pid

    deployment.a.restart()  # SIGTERM the group, wait for it, start again, wait for /healthz

    assert deployment.a.process is not None
    assert deployment.a.process.pid != old_pid
    code = deployment.provider.authorize(url, sub=who.sub, persona=who.persona)
    answer = browser.callback(deployment.a, url, code)
    assert answer.status_code == 302, (answer.status_code, answer.text[:500])
    assert answer.headers["Location"] == "/profile"
    assert_signed_in_as(browser, deployment.a, who)
    assert_signed_in_as(browser, deployment.b, who)
    deployment.assert_no_server_errors(marks)


def secrets_of_a_login(
    deployment: Deployment, who: Identity, authorize_url: str, issued: list[str]
) -> dict[str, str]:
    """{what: value} for a login: personal data, the code and tokens, the site's own secrets."""
    values = {
        "the persona's name": who.name,
        "the persona's NRIC": who.nric,
        "the sub": who.sub,
        "the state": authorize_url.split("state=", 1)[1].split("&", 1)[0],
        "the client secret": deployment.env["SGID_CLIENT_SECRET"],
        "the Django SECRET_KEY": deployment.env["SECRET_KEY"],
        "a PEM header": "-----BEGIN",
    }
    values |= {f"issued value {i} (code, access token, ID token)": v for i, v in enumerate(issued)}
    for token in issued:
        if token.count(".") == 2:  # the ID token: each part on its own, too
            values |= {f"part {i} of the ID token": part for i, part in enumerate(token.split("."))}
    pem_lines = deployment.client_key_pem.strip().splitlines()
    body = [line for line in pem_lines if line and not line.startswith("-----")]
    values |= {f"line {i} of the client's private key": line for i, line in enumerate(body)}
    return values


def test_logs_of_a_full_login_hold_no_secrets(
    deployment: Deployment, marks: dict[str, int]
) -> None:
    browser = Browser()
    who = person("logs")
    provider = deployment.provider
    issued_before = len(provider.issued)
    request_id = "deploy-log-" + secrets.token_hex(8)

    url = browser.start_login(deployment.b, token_from=deployment.a)
    code = provider.authorize(url, sub=who.sub, persona=who.persona)
    answer = browser.callback(deployment.a, url, code, headers={"X-Request-ID": request_id})
    assert answer.status_code == 302, (answer.status_code, answer.text[:500])
    assert answer.headers["X-Request-ID"] == request_id
    assert_signed_in_as(browser, deployment.b, who)
    profile = browser.get(deployment.a, "/profile")
    assert profile.status_code == 200
    assert who.name in profile.text
    assert browser.logout(deployment.a).status_code == 302

    # What the provider handed out for this login: the code, then the access and ID tokens.
    issued = provider.issued[issued_before:]
    assert len(issued) == 3
    assert issued[0] == code
    assert issued[2].count(".") == 2
    assert_not_in_logs(deployment, secrets_of_a_login(deployment, who, url, issued))

    # The request lines are JSON: id, method, path without the query, status, duration.
    lines = deployment.request_lines(marks)
    assert len(lines) >= 6
    for server, record in lines:
        assert record.get("request_id") not in (None, "", "-"), (server.name, record)
        assert isinstance(record.get("status"), int), (server.name, record)
        assert isinstance(record.get("duration_ms"), (int, float)), (server.name, record)
        assert "?" not in record.get("path", "?"), (server.name, record)
    ours = [(server.name, record) for server, record in lines if record["request_id"] == request_id]
    assert len(ours) == 1, ours
    server_name, line = ours[0]
    assert server_name == "A"
    assert (line["method"], line["path"], line["status"]) == ("GET", "/auth/callback", 302)
    # The login's outcome is logged under the same request id, as its category only.
    outcome = [
        record["message"]
        for record in deployment.a.records(marks["A"])
        if record.get("request_id") == request_id and record.get("logger") != "sgid_rp.request"
    ]
    assert outcome == ["login succeeded: category=success"]
    deployment.assert_no_server_errors(marks)


def test_logs_of_a_failed_login_hold_no_code(deployment: Deployment, marks: dict[str, int]) -> None:
    """sgID's token endpoint is down: the person sees 502, and the unused code stays out of logs.

    Django logs every 4xx/5xx answer itself (`django.request`), with the request attached; in
    JSON lines that once wrote the callback's URL, code and all.
    """
    browser = Browser()
    who = person("failed")
    provider = deployment.provider
    issued_before = len(provider.issued)
    request_id = "deploy-failed-" + secrets.token_hex(8)
    url = browser.start_login(deployment.a)
    code = provider.authorize(url, sub=who.sub, persona=who.persona)
    provider.faults["token"] = Fault(status=503, body=b'{"error": "temporarily_unavailable"}')
    try:
        answer = browser.callback(deployment.b, url, code, headers={"X-Request-ID": request_id})
    finally:
        del provider.faults["token"]
    # The callback sends the browser to the failure page, which keeps the failure's status and
    # quotes the callback's request id; any server shows it (the session is shared).
    assert answer.status_code == 302, (answer.status_code, answer.text[:500])
    assert answer.headers["Location"] == "/auth/failed"
    page = browser.get(deployment.a, "/auth/failed")
    assert page.status_code == 502, (page.status_code, page.text[:500])
    assert "sgID is not available right now" in page.text
    assert request_id in page.text
    assert browser.me(deployment.a).status_code == 401
    assert provider.issued[issued_before:] == [code]  # never redeemed: still live at sgID

    assert_not_in_logs(deployment, secrets_of_a_login(deployment, who, url, [code]), marks)
    # Every record of that request carries its id: the request line, the outcome, Django's own.
    records = [r for r in deployment.b.records(marks["B"]) if r.get("request_id") == request_id]
    by_logger = {record["logger"]: record for record in records}
    assert set(by_logger) == {"sgid_rp.request", "accounts.login"}, records
    assert by_logger["sgid_rp.request"]["status"] == 302
    assert by_logger["accounts.login"]["message"].startswith("login failed: category=unavailable")
    # Django's own record of the 502 (the failure page's) names no query string either.
    answers = [r for r in deployment.a.records(marks["A"]) if r.get("status_code") == 502]
    assert [r.get("request") for r in answers] == ["GET /auth/failed"], answers
