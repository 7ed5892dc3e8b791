"""Capacity: many people logging in at once, against the site as shipped, with sgID's latency.

The site runs as an operator starts it: `gunicorn sgid_rp.wsgi` reading gunicorn.conf.py (its
workers and threads), PostgreSQL and Redis, with one change: the per-network rate limits are
off, because every browser here is 127.0.0.1. The test sgID (tests/support/hostile_sgid.py)
answers over TLS after a configurable latency per call. BROWSERS threads each do whole logins,
one after another, for a bounded time: the home page, Log in, sgID's answer, the callback, then
/profile; then the next login starts as a new visitor. One signed-in reader reads /profile
throughout, as a person already signed in does.

Then sgID hangs (its token endpoint answers past the site's timeout) while the same browsers keep
trying; a browser whose login failed reads the failure page for a second, then tries again, as
a person does. The reader's latency while sgID hangs is compared with sgID healthy, and the time
from sgID's return to the next completed login is measured.

The load client and the test sgID share this one Python process, and the machine's cores with
the site; their ceiling is measured in the same run (the same browsers against /livez).
"""

from __future__ import annotations

import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.support.deploy.browser import Browser
from tests.support.deploy.deployment import Deployment
from tests.support.deploy.services import connections_to
from tests.support.hostile_sgid import MAX_DELAY, Fault

BROWSERS = 50
RUN_SECONDS = 8.0  # per run; each latency runs twice, in the order 0, 50, 200, 200, 50, 0
WARM_SECONDS = 8.0
LATENCIES_MS = (0, 50, 200)
HANG_SECONDS = 10.0
READER_PAUSE = 0.05  # between the reader's pages
FAILED_PAUSE = 1.0  # a person reads the failure page before Try again
CEILING_SECONDS = 3.0
_CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


@dataclass
class Run:
    """What one timed run saw."""

    seconds: float = 0.0
    logins: int = 0
    failed: int = 0
    callbacks: list[float] = field(default_factory=list)
    reader: list[float] = field(default_factory=list)
    cpu: dict[str, float] = field(default_factory=dict)
    db_connections_peak: int = 0
    sgid_connections: int = 0
    first_login_after: float | None = None  # seconds from sgID's return to a completed login
    errors: list[str] = field(default_factory=list)  # what broke in the load itself

    def merged(self, other: Run) -> Run:
        """Two runs at one latency, as one: drift of this shared machine weighs on each alike."""
        return Run(
            seconds=self.seconds + other.seconds,
            logins=self.logins + other.logins,
            failed=self.failed + other.failed,
            callbacks=self.callbacks + other.callbacks,
            reader=self.reader + other.reader,
            cpu={g: self.cpu[g] + other.cpu.get(g, 0.0) for g in self.cpu},
            db_connections_peak=max(self.db_connections_peak, other.db_connections_peak),
            sgid_connections=self.sgid_connections + other.sgid_connections,
            errors=self.errors + other.errors,
        )

    @property
    def logins_per_second(self) -> float:
        return self.logins / self.seconds if self.seconds else 0.0

    def summary(self) -> dict[str, Any]:
        return {
            "logins_per_s": round(self.logins_per_second, 1),
            "failed": self.failed,
            "callback_p50_ms": round(percentile(self.callbacks, 50) * 1000, 1),
            "callback_p99_ms": round(percentile(self.callbacks, 99) * 1000, 1),
            "reader_p50_ms": round(percentile(self.reader, 50) * 1000, 1),
            "reader_p99_ms": round(percentile(self.reader, 99) * 1000, 1),
            "reader_pages": len(self.reader),
            "cpu_ms_per_login": {
                group: round(seconds * 1000 / max(self.logins, 1), 2)
                for group, seconds in self.cpu.items()
            },
            "db_connections_peak": self.db_connections_peak,
            "sgid_connections_opened": self.sgid_connections,
            "first_login_after_s": self.first_login_after,
            "load_errors": self.errors[:5],
        }


def whole_login(d: Deployment, browser: Browser, who: str) -> tuple[bool, float]:
    """Home, Log in, sgID, callback, /profile. (completed, the callback's seconds)."""
    server = d.a
    home = browser.get(server, "/")
    token = _CSRF_FIELD.search(home.text)
    assert home.status_code == 200, home.status_code
    assert token, "no Log in form on the home page"
    start = browser.post(
        server, "/auth/login", data={"csrfmiddlewaretoken": token.group(1), "next": "/profile"}
    )
    assert start.status_code == 302, (start.status_code, start.text[:200])
    url = start.headers["Location"]
    code = d.provider.authorize(url, sub=f"cap-{who}", persona={"myinfo.name": f"P {who}"})
    started = time.perf_counter()
    answer = browser.callback(server, url, code)
    took = time.perf_counter() - started
    if answer.headers.get("Location") != "/profile":
        browser.get(server, "/auth/failed")  # the person reads why
        return False, took
    profile = browser.get(server, "/profile")
    assert profile.status_code == 200, profile.status_code
    return True, took


def timed_run(
    d: Deployment,
    seconds: float,
    cpu_seconds: Callable[[Deployment], dict[str, float]],
    *,
    during: Callable[[], None] | None = None,
) -> Run:
    """BROWSERS browsers doing whole logins and one reader, for `seconds`."""
    run = Run()
    lock, stop = threading.Lock(), threading.Event()
    reader = Browser()
    assert whole_login(d, reader, "reader-" + secrets.token_hex(3))[0], "the reader signs in"

    def person(index: int) -> None:
        who = f"{index}-{secrets.token_hex(3)}"
        while not stop.is_set():
            browser = Browser()  # a new visitor each time
            try:
                done, took = whole_login(d, browser, who)
            except Exception as exc:  # counted and shown: a broken load is no measurement
                with lock:
                    run.errors.append(f"{type(exc).__name__}: {str(exc)[:160]}")
                done, took = False, 0.0
            finally:
                browser.close()
            with lock:
                run.callbacks.append(took)
                if done:
                    run.logins += 1
                else:
                    run.failed += 1
            if not done:
                stop.wait(FAILED_PAUSE)

    def read() -> None:
        while not stop.is_set():
            started = time.perf_counter()
            answer = reader.get(d.a, "/profile")
            run.reader.append(time.perf_counter() - started)
            if answer.status_code != 200:
                run.errors.append(f"the reader's /profile answered {answer.status_code}")
            stop.wait(READER_PAUSE)

    def watch() -> None:
        while not stop.is_set():
            run.db_connections_peak = max(run.db_connections_peak, connections_to(d.database))
            stop.wait(0.1)

    threads = [threading.Thread(target=person, args=(i,)) for i in range(BROWSERS)]
    threads += [threading.Thread(target=read), threading.Thread(target=watch)]
    cpu_before, sgid_before = cpu_seconds(d), d.provider.connections
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    if during is not None:
        during()
    stop.wait(max(0.0, seconds - (time.perf_counter() - started)))
    stop.set()
    for thread in threads:
        thread.join(MAX_DELAY + 30)
    run.seconds = time.perf_counter() - started
    cpu_after = cpu_seconds(d)
    run.cpu = {group: cpu_after[group] - cpu_before[group] for group in cpu_after}
    run.sgid_connections = d.provider.connections - sgid_before
    reader.close()
    return run


def load_client_ceiling(d: Deployment) -> float:
    """Requests per second the same browsers reach against /livez, the cheapest endpoint."""
    count, lock, stop = [0], threading.Lock(), threading.Event()

    def hammer() -> None:
        browser = Browser()
        done = 0
        while not stop.is_set():
            assert browser.get(d.a, "/livez").status_code == 200
            done += 1
        with lock:
            count[0] += done
        browser.close()

    threads = [threading.Thread(target=hammer) for _ in range(BROWSERS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    stop.wait(CEILING_SECONDS)
    stop.set()
    for thread in threads:
        thread.join(30)
    return count[0] / (time.perf_counter() - started)


def hang_and_return(d: Deployment, cpu_seconds: Callable[[Deployment], dict[str, float]]) -> Run:
    """sgID's token endpoint hangs for HANG_SECONDS, then answers again."""
    d.provider.latency = 0.0
    returned: dict[str, float] = {}

    def hang_then_return() -> None:
        d.provider.faults["token"] = Fault(delay=MAX_DELAY)
        time.sleep(HANG_SECONDS)
        d.provider.faults.pop("token", None)
        # The answers still hanging end now (the site has given up on them by then or soon).
        d.provider.released.set()
        time.sleep(0.05)
        d.provider.released.clear()
        returned["at"] = time.perf_counter()

    watcher = Browser()
    run = Run()

    def after_return() -> None:
        hang_then_return()
        # The time to the first completed login after sgID's return: a probe logs in until one
        # completes (the browsers' own logins keep going meanwhile).
        while True:
            if whole_login(d, watcher, "probe")[0]:
                run.first_login_after = round(time.perf_counter() - returned["at"], 2)
                return
            watcher.http.cookies.clear()

    result = timed_run(d, HANG_SECONDS + 3.0, cpu_seconds, during=after_return)
    result.first_login_after = run.first_login_after
    watcher.close()
    return result


def measure_capacity(
    d: Deployment, cpu_seconds: Callable[[Deployment], dict[str, float]]
) -> dict[str, Any]:
    results: dict[str, Any] = {"browsers": BROWSERS, "run_seconds": RUN_SECONDS}
    # Warm every worker and thread: JWKS, the key, templates, the pools.
    d.provider.latency = 0.0
    timed_run(d, WARM_SECONDS, cpu_seconds)
    results["ceiling_rps"] = round(load_client_ceiling(d), 0)
    done: dict[int, Run] = {}
    for latency in (*LATENCIES_MS, *reversed(LATENCIES_MS)):
        d.provider.latency = latency / 1000
        run = timed_run(d, RUN_SECONDS, cpu_seconds)
        done[latency] = done[latency].merged(run) if latency in done else run
    runs = {latency: done[latency].summary() for latency in LATENCIES_MS}
    d.provider.latency = 0.0
    results["runs"] = runs
    results["hang"] = hang_and_return(d, cpu_seconds).summary()
    zero, slow = runs[0]["logins_per_s"], runs[200]["logins_per_s"]
    results["ratio_200_to_0"] = round(slow / zero, 2) if zero else 0.0
    results["requests_per_s_needed"] = round(4 * max(r["logins_per_s"] for r in runs.values()), 0)
    return results


def report_capacity(results: dict[str, Any], workers: int, threads: int) -> list[str]:
    runs: dict[int, dict[str, Any]] = results["runs"]
    hang = results["hang"]
    healthy = runs[0]["reader_p99_ms"]
    groups = list(runs[0]["cpu_ms_per_login"])
    lines = [
        "## Capacity: whole logins under sgID latency (as shipped)",
        "",
        f"The site as shipped: `gunicorn sgid_rp.wsgi` with gunicorn.conf.py ({workers} workers, "
        f"{threads} threads each on this machine), PostgreSQL, Redis. "
        f"{results['browsers']} browsers each log in again and again, twice "
        f"{results['run_seconds']:.0f} s at each latency (in the order 0, 50, 200, 200, 50, "
        "0 ms, so that a slow spell of this shared machine weighs on each alike; home, Log in, "
        "sgID, "
        "callback, /profile: 4 requests to the site); one signed-in person reads /profile "
        f"every {READER_PAUSE * 1000:.0f} ms. The test sgID adds the latency to each of its "
        "token and userinfo answers.",
        "",
        "| sgID latency per call | logins/s | callback p50 / p99 (ms) "
        "| signed-in /profile p50 / p99 (ms) | DB connections (peak) "
        "| connections to sgID opened |",
        "|---|---|---|---|---|---|",
        *(
            f"| {latency} ms | {r['logins_per_s']} | {r['callback_p50_ms']} / "
            f"{r['callback_p99_ms']} | {r['reader_p50_ms']} / {r['reader_p99_ms']} | "
            f"{r['db_connections_peak']} | {r['sgid_connections_opened']} |"
            for latency, r in runs.items()
        ),
        f"| **hanging** ({HANG_SECONDS:.0f} s, then back) | {hang['logins_per_s']} "
        f"({hang['failed']} failed) | {hang['callback_p50_ms']} / {hang['callback_p99_ms']} | "
        f"{hang['reader_p50_ms']} / {hang['reader_p99_ms']} | {hang['db_connections_peak']} | "
        f"{hang['sgid_connections_opened']} |",
        "",
        f"- Logins/s at 200 ms ÷ at 0 ms: **{results['ratio_200_to_0']}**.",
        f"- Signed-in /profile p99 while sgID hangs: **{hang['reader_p99_ms']} ms**, against "
        f"{healthy} ms with sgID healthy under the same load.",
        f"- The first login completed {hang['first_login_after_s']} s after sgID came back.",
        f"- The load client's ceiling, in this run (the same {results['browsers']} browsers "
        f"against /livez): {results['ceiling_rps']:.0f} requests/s; the busiest run needed "
        f"{results['requests_per_s_needed']:.0f}.",
        "",
        "CPU per completed login (ms), by process; the load client's figure includes the test "
        "sgID, which runs in it (TLS, signing each ID token, encrypting each userinfo):",
        "",
        "| sgID latency | " + " | ".join(groups) + " |",
        "|---|" + "---|" * len(groups),
        *(
            f"| {latency} ms | "
            + " | ".join(f"{r['cpu_ms_per_login'][g]:.2f}" for g in groups)
            + " |"
            for latency, r in runs.items()
        ),
        "",
    ]
    return lines
