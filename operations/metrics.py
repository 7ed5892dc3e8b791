"""Metrics in the Prometheus text format, added up across gunicorn's worker processes.

Every metric is defined here, once, with labels from small fixed sets: an outcome category, an
sgID endpoint, a status code, a route name. Never a person's `sub`, an address, or a path with
its query. Under gunicorn, gunicorn.conf.py points `PROMETHEUS_MULTIPROC_DIR` at a directory of
its own before any worker starts, and each worker writes its figures there (prometheus-client's
multiprocess mode); the endpoint adds them up. Without it (runserver, the tests) the figures are
this process's.

`/metrics` answers only a caller that presents `Authorization: Bearer <METRICS_TOKEN>`; without a
token configured it does not exist (404). docs/metrics.md has a scrape config and alert rules.
"""

from __future__ import annotations

import hmac
import os

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.multiprocess import MultiProcessCollector

PREFIX = "sgid_rp"

LOGINS = Counter(
    f"{PREFIX}_logins",
    "Logins that carried a live attempt, by outcome (success or the failure category).",
    ["outcome"],
)
SGID_SECONDS = Histogram(
    f"{PREFIX}_sgid_request_seconds",
    "Time from request to answer of each call to sgID, by endpoint (token, userinfo, jwks).",
    ["endpoint"],
    buckets=(0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 2.0, 3.0, 5.0, 10.0),
)
SGID_ANSWERS = Counter(
    f"{PREFIX}_sgid_responses",
    "Answers from sgID, by endpoint and status class (2xx, 4xx, 5xx).",
    ["endpoint", "status"],
)
SGID_FAILURES = Counter(
    f"{PREFIX}_sgid_failures",
    "Callbacks that failed in a call to sgID or in its answer, by kind: unavailable (no answer, "
    "a timeout, an error status) or untrusted (an answer that failed a check).",
    ["kind"],
)
JWKS_REFETCHES_REFUSED = Counter(
    f"{PREFIX}_jwks_refetch_refusals",
    "Refetches of sgID's keys for an unknown kid refused by the cooldown.",
)
RATE_LIMITED = Counter(
    f"{PREFIX}_rate_limited",
    "Requests refused with 429 by the per-network rate limits, by limit.",
    ["limit"],
)
BULKHEAD_REFUSALS = Counter(
    f"{PREFIX}_bulkhead_refusals",
    "Callbacks turned away because every sgID slot of the process was in use.",
)
REQUESTS = Counter(
    f"{PREFIX}_requests",
    "Requests answered, by route name (or 'unmatched') and status code.",
    ["route", "status"],
)
DEPENDENCY_ERRORS = Counter(
    f"{PREFIX}_dependency_errors",
    "Requests or probes that met an unreachable database or cache, by dependency.",
    ["dependency"],
)


def exposition() -> bytes:
    """Every metric in the text format: every worker's, added up, under gunicorn."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry)
    return generate_latest(REGISTRY)


@require_GET
@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    """The scrape endpoint: a bearer token, or nothing to see."""
    token = settings.METRICS_TOKEN
    if not token:
        raise Http404
    given = request.headers.get("Authorization", "").encode()
    if not hmac.compare_digest(given, f"Bearer {token}".encode()):
        response = HttpResponse(b"", status=401)
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
