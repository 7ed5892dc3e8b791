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
from collections.abc import Callable

from django.db import DatabaseError, InterfaceError, OperationalError
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import RedisError

from .metrics import DEPENDENCY_ERRORS

# Seconds between two log lines about the same dependency, per process.
REPORT_INTERVAL = 60.0

logger = logging.getLogger("operations.outages")


def _chain(exc: BaseException | None) -> list[BaseException]:
    """`exc` and what caused it (`raise ... from`, or raised while handling), a few levels."""
    chain: list[BaseException] = []
    while exc is not None and len(chain) < 5:
        chain.append(exc)
        exc = exc.__cause__ or exc.__context__
    return chain


def _dependency(exc: BaseException) -> str | None:
    if isinstance(exc, (ConnectionInterrupted, RedisError)):
        return "cache"
    if isinstance(exc, DatabaseError):
        return "database"
    return None


def dependency_of(exc: BaseException | None) -> str | None:
    """ "database" or "cache" when `exc` (or what caused it) is an error of that dependency."""
    for link in _chain(exc):
        if dependency := _dependency(link):
            return dependency
    return None


def is_connectivity(exc: BaseException) -> bool:
    """An outage (the server is unreachable or went away), not a bug in a query."""
    return isinstance(exc, (OperationalError, InterfaceError, ConnectionInterrupted, RedisError))


def outage_of(exc: BaseException | None) -> tuple[str, BaseException] | None:
    """The dependency and its error when `exc` (or what caused it) is an outage: the server is
    unreachable or went away, not a query that is wrong. Django wraps some (a session that could
    not be saved is a SessionInterrupted, a 400), so the cause is looked through."""
    for link in _chain(exc):
        if is_connectivity(link) and (dependency := _dependency(link)):
            return dependency, link
    return None


class Reporter:
    """Per process: may this dependency's failure be logged now, and how many were held back."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._last: dict[str, float] = {}
        self._held: dict[str, int] = {}

    def due(self, dependency: str) -> tuple[bool, int]:
        now = self._clock()
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


reporter = Reporter()


# The site works on without the cache (a warning); without the database it cannot (an error).
LEVELS = {"cache": logging.WARNING, "database": logging.ERROR}


def report(dependency: str, exc: BaseException | None, what: str) -> None:
    """Log `what` happened because `dependency` failed, at most once per interval."""
    DEPENDENCY_ERRORS.labels(dependency).inc()
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
        outage = outage_of(exc)
        if outage is None:
            return True
        dependency, exc = outage
        DEPENDENCY_ERRORS.labels(dependency).inc()
        due, held = reporter.due(dependency)
        if not due:
            return False
        what = (
            "treated as a cache miss"
            if not record.name.startswith("django.")
            else "answering 503 with Retry-After"
        )
        record.msg = _summary(dependency, exc, what, held)
        record.args = ()
        record.levelno = LEVELS[dependency]
        record.levelname = logging.getLevelName(record.levelno)
        record.exc_info = None
        record.exc_text = None
        return True
