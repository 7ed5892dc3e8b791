"""Liveness and health: `/livez` for a load balancer, `/healthz` for monitoring.

`/livez` answers 200 whenever the process can serve a request, and touches nothing else: an
outage of PostgreSQL or Redis hits every server alike, so pulling servers out of a load
balancer for it would only swap the site's own 503 page (with Retry-After) for the balancer's.
`/healthz` says which dependency failed, for monitoring and alerts.
"""

from __future__ import annotations

import uuid

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .outages import report


@require_GET
@never_cache
def livez(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database and the cache answer (each with a short timeout), else 503."""
    checks = {"database": _database_answers(), "cache": _cache_answers()}
    healthy = all(checks.values())
    body = {"status": "ok" if healthy else "unavailable"}
    body.update({name: "ok" if ok else "error" for name, ok in checks.items()})
    return JsonResponse(body, status=200 if healthy else 503)


def _database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        report("database", exc, "health check failed")
        return False
    return True


def _cache_answers() -> bool:
    # A key of this probe's own: probes running at once on several servers (a load balancer
    # polls each) must not read one another's value and report a healthy cache as broken.
    key = f"healthz:{uuid.uuid4().hex}"
    try:
        cache.set(key, 1, 10)
        answered: bool = cache.get(key) == 1
        cache.delete(key)
    except Exception as exc:  # every cache backend has its own connection errors
        report("cache", exc, "health check failed")
        return False
    if not answered:
        # django-redis answers a miss when Redis is unreachable (and logs that itself).
        report("cache", None, "health check: the cache did not return what was stored")
    return answered
