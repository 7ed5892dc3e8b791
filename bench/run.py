"""The benchmark: `make bench` (or `.venv/bin/python -m bench.run`). Writes BENCHMARKS.md.

Two parts. First, capacity (bench/capacity.py): the site as shipped, many people logging in at
once while sgID answers in 0, 50 and 200 ms or hangs, and a signed-in reader. Then, for
information, the site under gunicorn with production settings (PostgreSQL, Redis, DEBUG off)
against a loopback test sgID (TLS): login latency and its phases, the floor (the same two sgID
round trips and the same cryptography, done by a bare script), calls to sgID per login, page
throughput against a minimal Django view, database queries, and worker memory.
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import runpy
import secrets
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jwt
import requests
from jwcrypto.jwe import JWE
from jwcrypto.jwk import JWK

from accounts.sgid.pkce import new_verifier, s256_challenge
from bench.capacity import measure_capacity, report_capacity
from tests.support.deploy.browser import Browser
from tests.support.deploy.deployment import Deployment, deployed
from tests.support.deploy.services import services_problem

ROOT = Path(__file__).resolve().parent.parent
SEQUENTIAL = 100
CONCURRENT_CLIENTS, CONCURRENT_LOGINS = 10, 200
MEMORY_LOGINS = 500
WARM_UP_LOGINS = 50
THROUGHPUT_SECONDS, THROUGHPUT_CLIENTS = 5.0, 8
# Two workers, with gunicorn.conf.py's threads (the bulkhead is sized from them).
WORKERS, THREADS = 2, None
# A pause before each timed callback and each floor sample, so that neither is timed while the
# server still finishes the step before it (its log line, closing the connection).
QUIET = 0.005

TARGETS = {
    "logins/s at 200 ms sgID latency ÷ at 0 ms (as shipped)": "≥ 0.9",
    "signed-in /profile p99 while sgID hangs, vs healthy": "no worse",
    "first login after sgID comes back": "≤ 1 s",
    "site CPU per whole login (home, Log in, callback, /profile)": "≤ 10 ms",
    "sgID calls per warm login": "= 2",
    "JWKS fetches per 100 warm logins": "= 0",
    "/profile throughput / minimal view": "≥ 0.70",
    "queries per /profile, /api/me": "≤ 3",
    "worker memory growth over 500 logins": "flat (≤ 5 %)",
}


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


class Login:
    """One person's login, timed on the client: start (POST /auth/login) and callback.

    `who` names the person (a returning one signs in again); by default, someone new.
    """

    def __init__(self, d: Deployment, who: str | None = None) -> None:
        self.d = d
        self.browser = Browser()
        self.who = who or secrets.token_hex(6)

    def run(self) -> tuple[float, float, dict[str, float]]:
        server = self.d.a
        token = self.browser.login_form_token(server)
        started = time.perf_counter()
        answer = self.browser.post(
            server, "/auth/login", data={"csrfmiddlewaretoken": token, "next": "/profile"}
        )
        start_s = time.perf_counter() - started
        authorize_url = answer.headers["Location"]
        code = self.d.provider.authorize(
            authorize_url,
            sub=f"sub-{self.who}",
            persona={"myinfo.name": f"PERSON {self.who.upper()}"},
        )
        time.sleep(QUIET)
        started = time.perf_counter()
        response = self.browser.callback(server, authorize_url, code)
        callback_s = time.perf_counter() - started
        assert response.status_code == 302, response.text[:300]
        assert response.headers["Location"] == "/profile"
        phases = {
            part.split(";")[0]: float(part.split("dur=")[1])
            for part in response.headers.get("Server-Timing", "").split(", ")
            if "dur=" in part
        }
        self.browser.logout(server)
        return start_s, callback_s, phases


def floor_once(d: Deployment, http: requests.Session, key: JWK, jwk_set: dict[str, Any]) -> float:
    """The irreducible work of a callback: token call, RS256 check, userinfo call, decryption."""
    verifier = new_verifier()
    query = {
        "response_type": "code",
        "client_id": d.env["SGID_CLIENT_ID"],
        "redirect_uri": d.env["SGID_REDIRECT_URI"],
        "scope": d.env["SGID_SCOPES"],
        "state": secrets.token_urlsafe(16),
        "nonce": secrets.token_urlsafe(16),
        "code_challenge": s256_challenge(verifier),
        "code_challenge_method": "S256",
    }
    code = d.provider.authorize(f"{d.provider.issuer}/oauth/authorize?{urlencode(query)}")
    time.sleep(QUIET)
    started = time.perf_counter()
    tokens = http.post(
        f"{d.provider.issuer}/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": d.env["SGID_REDIRECT_URI"],
            "client_id": d.env["SGID_CLIENT_ID"],
            "client_secret": d.env["SGID_CLIENT_SECRET"],
            "code_verifier": verifier,
        },
        timeout=5,
        verify=d.env["REQUESTS_CA_BUNDLE"],
    ).json()
    jwt.decode(
        tokens["id_token"],
        key=jwt.PyJWK(jwk_set["keys"][0], algorithm="RS256"),
        algorithms=["RS256"],
        audience=d.env["SGID_CLIENT_ID"],
        issuer=d.provider.issuer,
    )
    body = http.get(
        f"{d.provider.issuer}/oauth/userinfo",
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
        timeout=5,
        verify=d.env["REQUESTS_CA_BUNDLE"],
    ).json()
    outer = JWE()
    outer.deserialize(body["key"], key=key)
    data_key = JWK.from_json(outer.payload)
    for value in body["data"].values():
        inner = JWE()
        inner.deserialize(value, key=data_key)
    return time.perf_counter() - started


def bare_requests(d: Deployment) -> list[float]:
    """GET /bench/minimal, sequentially, by the same kind of client as the logins."""
    browser = Browser()
    browser.get(d.a, "/bench/minimal")
    timed = []
    for _ in range(SEQUENTIAL):
        time.sleep(QUIET)
        started = time.perf_counter()
        answer = browser.get(d.a, "/bench/minimal")
        timed.append(time.perf_counter() - started)
        assert answer.status_code == 200
    return timed


CPU_GROUPS = ("site", "load client", "PostgreSQL", "Redis")


def cpu_seconds(d: Deployment) -> dict[str, float]:
    """CPU time used so far by the site (gunicorn), this process (the load), PostgreSQL, Redis.

    The load comes from this machine's own cores, so what the client spends on each request is
    not the site's to spend: it shows where a page's throughput goes.
    """
    master = d.a.process.pid if d.a.process else -1
    me, tick = os.getpid(), os.sysconf("SC_CLK_TCK")
    used = dict.fromkeys(CPU_GROUPS, 0.0)
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # the process ended while we looked
            continue
        name = text[text.index("(") + 1 : text.rindex(")")]
        fields = text[text.rindex(")") + 2 :].split()
        pid, parent = int(stat.parent.name), int(fields[1])
        if master in (pid, parent):
            group = "site"
        elif pid == me:
            group = "load client"
        elif name.startswith(("postgres", "redis-server")):
            group = "PostgreSQL" if name.startswith("postgres") else "Redis"
        else:
            continue
        used[group] += (int(fields[11]) + int(fields[12])) / tick
    return used


def throughput(url: str, cookies: dict[str, str]) -> tuple[float, int]:
    """Requests per second over THROUGHPUT_SECONDS from THROUGHPUT_CLIENTS keep-alive clients."""
    deadline = time.perf_counter() + THROUGHPUT_SECONDS
    counts: list[int] = []
    queries: list[int] = []

    def client() -> None:
        http = requests.Session()
        http.cookies.update(cookies)
        done = 0
        while time.perf_counter() < deadline:
            answer = http.get(url, timeout=5, headers={"Accept": "text/html"})
            assert answer.status_code == 200, (url, answer.status_code)
            queries.append(int(answer.headers.get("X-DB-Queries", "-1")))
            done += 1
        counts.append(done)

    threads = [threading.Thread(target=client) for _ in range(THROUGHPUT_CLIENTS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(THROUGHPUT_SECONDS + 30)
    return sum(counts) / (time.perf_counter() - started), max(queries)


def worker_rss_kib(d: Deployment) -> list[int]:
    """Resident memory of each gunicorn worker (the master's children), from /proc."""
    master = str(d.a.process.pid if d.a.process else 0)
    sizes = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(
                line.split(":", 1) for line in status.read_text().splitlines() if ":" in line
            )
        except OSError:  # the process ended while we looked
            continue
        if fields.get("PPid", "").strip() == master and "VmRSS" in fields:
            sizes.append(int(fields["VmRSS"].split()[0]))
    return sorted(sizes)


def measure(d: Deployment) -> dict[str, Any]:
    results: dict[str, Any] = {}
    # Warm every worker (JWKS fetched, key parsed, templates compiled, connections open) before
    # the memory baseline: a worker that has served nothing yet would seem to "grow".
    with ThreadPoolExecutor(CONCURRENT_CLIENTS) as pool:
        list(pool.map(lambda n: Login(d, f"returning-{n}").run(), range(WARM_UP_LOGINS)))

    rss_before = worker_rss_kib(d)
    key = JWK.from_pem(d.client_key_pem.encode())
    key.get_op_key("unwrapKey")
    floor: list[float] = []
    with requests.Session() as http:
        jwks_url = f"{d.provider.issuer}/.well-known/jwks.json"
        jwk_set = http.get(jwks_url, timeout=5, verify=d.env["REQUESTS_CA_BUNDLE"]).json()

        login_calls = {"token": 0, "userinfo": 0, "jwks": 0}

        def then_floor(login: Login) -> tuple[float, float, dict[str, float]]:
            # Each login is followed by one floor sample, so that a slow spell of this shared
            # machine weighs on both alike and the ratio stays fair.
            before = {e: d.provider.count(e) for e in login_calls}
            timed = login.run()
            for endpoint in login_calls:
                login_calls[endpoint] += d.provider.count(endpoint) - before[endpoint]
            floor.append(floor_once(d, http, key, jwk_set))
            return timed

        # People who have signed in before (the warm-up's), as most logins are; then first
        # logins, which also create the user.
        returning = [f"returning-{n}" for n in range(WARM_UP_LOGINS)]
        sequential = [
            then_floor(Login(d, returning[n % WARM_UP_LOGINS])) for n in range(SEQUENTIAL)
        ]
        calls = dict(login_calls)
        first = [then_floor(Login(d)) for _ in range(SEQUENTIAL)]
        # For comparison only: the floor in a tight loop of its own, with nothing in between.
        results["floor_alone"] = [floor_once(d, http, key, jwk_set) for _ in range(SEQUENTIAL)]
    # What any request costs on this setup (client, gunicorn, Django's middleware), for the
    # callback's own overhead to be read against.
    results["bare_request"] = bare_requests(d)
    results["floor"] = floor
    results["sgid_calls_per_login"] = (calls["token"] + calls["userinfo"]) / SEQUENTIAL
    results["jwks_per_100"] = calls["jwks"] * 100 / SEQUENTIAL
    results["start"] = [s for s, _, _ in sequential]
    results["callback"] = [c for _, c, _ in sequential]
    results["callback_first"] = [c for _, c, _ in first]
    results["phases"] = {
        name: statistics.median(p[name] for _, _, p in sequential if name in p)
        for name in ("token", "id_token", "userinfo", "decrypt", "user")
    }

    with ThreadPoolExecutor(CONCURRENT_CLIENTS) as pool:
        concurrent = list(pool.map(lambda _: Login(d).run(), range(CONCURRENT_LOGINS)))
    results["start_concurrent"] = [s for s, _, _ in concurrent]
    results["callback_concurrent"] = [c for _, c, _ in concurrent]

    remaining = MEMORY_LOGINS - 2 * SEQUENTIAL - CONCURRENT_LOGINS
    with ThreadPoolExecutor(CONCURRENT_CLIENTS) as pool:
        list(pool.map(lambda _: Login(d).run(), range(remaining)))
    results["rss_before"], results["rss_after"] = rss_before, worker_rss_kib(d)

    browser = Browser()
    token = browser.login_form_token(d.a)
    answer = browser.post(d.a, "/auth/login", data={"csrfmiddlewaretoken": token, "next": "/"})
    code = d.provider.authorize(answer.headers["Location"])
    browser.callback(d.a, answer.headers["Location"], code)
    cookies = browser.http.cookies.get_dict()
    results["rps"] = {}
    results["queries"] = {}
    results["cpu_ms"] = {}
    for path in ("/bench/minimal", "/profile", "/api/me"):
        before, started = cpu_seconds(d), time.perf_counter()
        rps, queries = throughput(d.a.url(path), cookies)
        after, served = cpu_seconds(d), rps * (time.perf_counter() - started)
        results["rps"][path], results["queries"][path] = rps, queries
        results["cpu_ms"][path] = {
            group: (after[group] - before[group]) * 1000 / served for group in CPU_GROUPS
        }
    return results


def report(results: dict[str, Any], seconds: float) -> str:
    floor_p50 = statistics.median(results["floor"])
    callback_p50 = statistics.median(results["callback"])
    first_p50 = statistics.median(results["callback_first"])
    growth = sum(results["rss_after"]) / sum(results["rss_before"]) - 1
    minimal = results["rps"]["/bench/minimal"]

    def row(label: str, values: list[float]) -> str:
        return f"| {label} | {ms(percentile(values, 50))} | {ms(percentile(values, 90))} |"

    capacity = results["capacity"]
    healthy_p99 = capacity["runs"][0]["reader_p99_ms"]
    hanging_p99 = capacity["hang"]["reader_p99_ms"]
    back_after = capacity["hang"]["first_login_after_s"]
    site_cpu = capacity["runs"][0]["cpu_ms_per_login"]["site"]
    measured = {
        "logins/s at 200 ms sgID latency ÷ at 0 ms (as shipped)": f"{capacity['ratio_200_to_0']}",
        "signed-in /profile p99 while sgID hangs, vs healthy": f"{hanging_p99} vs {healthy_p99} ms",
        "first login after sgID comes back": f"{back_after} s",
        "site CPU per whole login (home, Log in, callback, /profile)": f"{site_cpu} ms",
        "sgID calls per warm login": f"{results['sgid_calls_per_login']:g}",
        "JWKS fetches per 100 warm logins": f"{results['jwks_per_100']:g}",
        "/profile throughput / minimal view": f"{results['rps']['/profile'] / minimal:.2f}",
        "queries per /profile, /api/me": f"{results['queries']['/profile']}, "
        f"{results['queries']['/api/me']}",
        "worker memory growth over 500 logins": f"{growth * 100:+.1f} %",
    }
    met = {
        "logins/s at 200 ms sgID latency ÷ at 0 ms (as shipped)": capacity["ratio_200_to_0"] >= 0.9,
        "signed-in /profile p99 while sgID hangs, vs healthy": hanging_p99 <= healthy_p99,
        "first login after sgID comes back": back_after is not None and back_after <= 1.0,
        "site CPU per whole login (home, Log in, callback, /profile)": site_cpu <= 10,
        "sgID calls per warm login": results["sgid_calls_per_login"] == 2,
        "JWKS fetches per 100 warm logins": results["jwks_per_100"] == 0,
        "/profile throughput / minimal view": results["rps"]["/profile"] / minimal >= 0.70,
        "queries per /profile, /api/me": max(
            results["queries"]["/profile"], results["queries"]["/api/me"]
        )
        <= 3,
        "worker memory growth over 500 logins": growth <= 0.05,
    }
    lines = [
        "# Benchmarks",
        "",
        f"Produced by `make bench` (`.venv/bin/python -m bench.run`) on "
        f"{datetime.date.today().isoformat()}, in {seconds:.0f} s.",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {platform.platform(terse=True)}. The load came "
        "from the same machine.",
        "",
        "## Targets",
        "",
        "| measure | target | measured | met |",
        "|---|---|---|---|",
        *(
            f"| {name} | {TARGETS[name]} | {measured[name]} | {'yes' if met[name] else '**no**'} |"
            for name in TARGETS
        ),
        "",
        *report_capacity(capacity, *shipped_concurrency()),
        "## Login latency (ms, measured by the client; for information)",
        "",
        f"The site under gunicorn ({WORKERS} workers, {shipped_concurrency()[1]} threads each) "
        "with production "
        "settings on PostgreSQL and Redis, against a loopback test sgID over TLS that answers "
        "at once. The callback ÷ floor ratio below has no target: on loopback it is mostly "
        "what any request costs, which the capacity section above measures where people feel "
        "it.",
        "",
        "| step | p50 | p90 |",
        "|---|---|---|",
        row(f"login start, sequential ({SEQUENTIAL})", results["start"]),
        row(f"callback, returning person, sequential ({SEQUENTIAL})", results["callback"]),
        row(f"callback, first login, sequential ({SEQUENTIAL})", results["callback_first"]),
        row(
            f"login start, {CONCURRENT_CLIENTS} concurrent clients ({CONCURRENT_LOGINS})",
            results["start_concurrent"],
        ),
        row(
            f"callback, {CONCURRENT_CLIENTS} concurrent clients ({CONCURRENT_LOGINS})",
            results["callback_concurrent"],
        ),
        row(
            f"floor: 2 sgID round trips + RS256 + 2-layer decryption ({2 * SEQUENTIAL}, "
            "one after each sequential login)",
            results["floor"],
        ),
        row(
            f"the floor alone, back to back ({SEQUENTIAL}; not used for the ratio)",
            results["floor_alone"],
        ),
        row(
            f"a bare request: GET of the minimal view, sequential ({SEQUENTIAL})",
            results["bare_request"],
        ),
        "",
        f"Callback p50 ÷ floor p50: {callback_p50 / floor_p50:.2f} (returning person), "
        f"{first_p50 / floor_p50:.2f} (first login). "
        f"The callback's own cost, over the floor: {ms(callback_p50 - floor_p50)} ms at p50 "
        f"(returning person), of which {ms(statistics.median(results['bare_request']))} ms is "
        "what any request to this site costs on this setup (the bare request above).",
        "",
        "## Callback phases (ms, p50 of the server's Server-Timing, returning person, sequential)",
        "",
        "| token call | ID-token verification | userinfo call | decryption "
        "| user + session writes |",
        "|---|---|---|---|---|",
        "| "
        + " | ".join(
            f"{results['phases'][p]:.1f}"
            for p in ("token", "id_token", "userinfo", "decrypt", "user")
        )
        + " |",
        "",
        "## Pages (requests per second, "
        f"{THROUGHPUT_CLIENTS} keep-alive clients for {THROUGHPUT_SECONDS:.0f} s each)",
        "",
        "| page | req/s | ratio to minimal view | DB queries per request |",
        "|---|---|---|---|",
        *(
            f"| `{path}` | {rps:.0f} | {rps / minimal:.2f} | {results['queries'][path]} |"
            for path, rps in results["rps"].items()
        ),
        "",
        f"CPU per request during the same runs (ms; {os.cpu_count()} cores shared by all):",
        "",
        "| page | " + " | ".join(CPU_GROUPS) + " |",
        "|---|" + "---|" * len(CPU_GROUPS),
        *(
            f"| `{path}` | " + " | ".join(f"{cpu[group]:.2f}" for group in CPU_GROUPS) + " |"
            for path, cpu in results["cpu_ms"].items()
        ),
        "",
        "## Worker memory (RSS, KiB)",
        "",
        f"| after warm-up | after {MEMORY_LOGINS} logins | growth |",
        "|---|---|---|",
        f"| {', '.join(map(str, results['rss_before']))} | "
        f"{', '.join(map(str, results['rss_after']))} | {growth * 100:+.1f} % |",
        "",
    ]
    return "\n".join(lines)


def shipped_concurrency() -> tuple[int, int]:
    """gunicorn.conf.py's workers and threads on this machine, as `gunicorn sgid_rp.wsgi` runs."""
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    return int(config["workers"]), int(config["threads"])


def main() -> int:
    if problem := services_problem():
        print(f"The benchmark needs PostgreSQL and Redis on 127.0.0.1: {problem}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    extra = {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "SGID_SERVER_TIMING": "true",
        "SGID_SCOPES": "openid myinfo.name myinfo.nric_number",
    }
    # As shipped: gunicorn.conf.py's workers and threads, the default settings module.
    shipped = {"SGID_SCOPES": extra["SGID_SCOPES"]}
    with deployed(("capacity",), workers=None, threads=None, extra_env=shipped) as d:
        capacity = measure_capacity(d, cpu_seconds)
    with deployed(("bench",), workers=WORKERS, threads=THREADS, extra_env=extra) as d:
        results = measure(d)
    results["capacity"] = capacity
    text = report(results, time.perf_counter() - started)
    text += "\n" + (Path(__file__).parent / "history.md").read_text()
    (ROOT / "BENCHMARKS.md").write_text(text)
    print(text)
    (ROOT / "var").mkdir(exist_ok=True)
    (ROOT / "var" / "bench-raw.json").write_text(json.dumps(results, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
