"""When PostgreSQL or Redis goes away: which dependency failed, and one log line per outage.

An outage makes every request fail the same way. A traceback per request would bury the one line
an operator needs, so records whose exception is an outage are reported once per interval per
dependency, as one line naming it and the error's type (never its text: a driver's message can
hold a host name or a query), and dropped for the rest of the interval with a count.
"""

from __future__ import annotations

import logging
import threading
import time

from django.db import DatabaseError, InterfaceError, OperationalError
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import RedisError

# Seconds between two log lines about the same dependency, per process.
REPORT_INTERVAL = 60.0

logger = logging.getLogger("operations.outages")


def dependency_of(exc: BaseException | None) -> str | None:
    """ "database" or "cache" when `exc` (or what caused it) is that dependency failing."""
    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, (ConnectionInterrupted, RedisError)):
            return "cache"
        if isinstance(exc, DatabaseError):
            return "database"
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return None


def is_connectivity(exc: BaseException) -> bool:
    """An outage (the server is unreachable or went away), not a bug in a query."""
    return isinstance(exc, (OperationalError, InterfaceError, ConnectionInterrupted, RedisError))


class _Reporter:
    """Per process: may this dependency's failure be logged now, and how many were held back."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last: dict[str, float] = {}
        self._held: dict[str, int] = {}

    def due(self, dependency: str) -> tuple[bool, int]:
        now = time.monotonic()
        with self._lock:
            last = self._last.get(dependency)
            if last is not None and now - last < REPORT_INTERVAL:
                self._held[dependency] = self._held.get(dependency, 0) + 1
                return False, 0
            self._last[dependency] = now
            return True, self._held.pop(dependency, 0)

    def reset(self) -> None:
        with self._lock:
            self._last.clear()
            self._held.clear()


reporter = _Reporter()


# The site works on without the cache (a warning); without the database it cannot (an error).
LEVELS = {"cache": logging.WARNING, "database": logging.ERROR}


def report(dependency: str, exc: BaseException | None, what: str) -> None:
    """Log `what` happened because `dependency` failed, at most once per interval."""
    due, held = reporter.due(dependency)
    if due:
        logger.log(LEVELS[dependency], _summary(dependency, exc, what, held))


def _summary(dependency: str, exc: BaseException | None, what: str, held: int) -> str:
    kind = type(exc.__cause__ or exc).__name__ if exc is not None else "no answer"
    line = f"{dependency} unavailable ({kind}): {what}"
    if held:
        line += f"; {held} more since the last report"
    return line + f"; next report in {REPORT_INTERVAL:.0f} s at the earliest"


# Statuses the site answers by design to an outage (503) or to abuse (429). Each request already
# has its request line; Django's own "Service Unavailable: /path" per request would be a flood.
DESIGNED_STATUSES = {429, 503}


class OutageLogFilter(logging.Filter):
    """On `django.request` and the cache's logger: one line per outage interval, no traceback.

    A record whose exception is not a dependency's connectivity failure passes untouched (a
    DataError is a bug, and its traceback is wanted).
    """

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if exc is None:
            return getattr(record, "status_code", None) not in DESIGNED_STATUSES
        if not is_connectivity(exc):
            return True
        dependency = dependency_of(exc)
        if dependency is None:
            return True
        due, held = reporter.due(dependency)
        if not due:
            return False
        what = (
            "treated as a cache miss"
            if record.name != "django.request"
            else "answering 503 with Retry-After"
        )
        record.msg = _summary(dependency, exc, what, held)
        record.args = ()
        record.levelno = LEVELS[dependency]
        record.levelname = logging.getLevelName(record.levelno)
        record.exc_info = None
        record.exc_text = None
        return True
