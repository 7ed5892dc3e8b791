"""Purging what has expired, as the site goes: no operator has to remember a cron line.

Expired sessions (and with them the consented data and pending attempts they hold), the session
index rows whose session is gone, used-state markers past any attempt's lifetime, and login
events and audit trail entries (accounts/audit.py) past their retention. After a response has
been sent (`request_finished`), at most once per PURGE_INTERVAL per process, and once per
interval across servers when the shared cache answers. `manage.py purge_expired` does the same on
demand (or from cron, if preferred).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.signals import request_finished
from django.db import DatabaseError
from django.db.models import Exists, OuterRef
from django.utils import timezone

from operations.outages import report

from .attempts import ATTEMPT_LIFETIME
from .models import LoginEvent, UsedState, UserSession

logger = logging.getLogger("accounts.maintenance")
LOCK_KEY = "accounts:purge"
# A used state is worthless once its attempt has expired; a minute more for clock skew.
USED_STATE_LIFETIME = timedelta(seconds=ATTEMPT_LIFETIME + 60)


@dataclass(frozen=True)
class Purged:
    sessions: int
    session_index: int
    used_states: int
    login_events: int
    audit_entries: int


def purge(now: datetime | None = None, *, event_days: int | None = None) -> Purged:
    now = now or timezone.now()
    days = settings.LOGIN_EVENT_RETENTION_DAYS if event_days is None else event_days
    # What `clearsessions` does for the database store (SESSION_ENGINE), with the count.
    sessions, _ = Session.objects.filter(expire_date__lt=now).delete()
    # NOT EXISTS, which PostgreSQL runs as an anti-join (NOT IN with a subquery may not be).
    index, _ = UserSession.objects.filter(
        ~Exists(Session.objects.filter(session_key=OuterRef("session_key")))
    ).delete()
    used, _ = UsedState.objects.filter(used_at__lt=now - USED_STATE_LIFETIME).delete()
    events, _ = LoginEvent.objects.filter(created_at__lt=now - timedelta(days=days)).delete()
    # Every admin log entry, Django's own included: each is part of the audit trail (the user
    # admin's carry the request id), and one retention for the whole log is one rule to state.
    audit, _ = LogEntry.objects.filter(action_time__lt=now - timedelta(days=days)).delete()
    return Purged(sessions, index, used, events, audit)


class _Schedule:
    """Per process: whether the interval has passed since this process last tried."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._next = 0.0

    def due(self, interval: float) -> bool:
        now = time.monotonic()
        with self._lock:
            if now < self._next:
                return False
            self._next = now + interval
            return True

    def reset(self) -> None:
        with self._lock:
            self._next = 0.0


schedule = _Schedule()


def purge_if_due(sender: Any = None, **kwargs: Any) -> None:
    """`request_finished` receiver: purge when due; never fails the request it follows."""
    interval = settings.PURGE_INTERVAL
    if interval <= 0 or not schedule.due(interval):
        return
    # One server purges per interval; with the cache down, every process may (each at most
    # once per interval), which costs a few indexed DELETEs.
    if cache.add(LOCK_KEY, 1, interval) is False:
        return
    try:
        purged = purge()
    except DatabaseError as exc:
        report("database", exc, "purge of expired data skipped")
        return
    logger.info(
        "purged expired data: sessions=%d session_index=%d used_states=%d login_events=%d "
        "audit_entries=%d",
        purged.sessions,
        purged.session_index,
        purged.used_states,
        purged.login_events,
        purged.audit_entries,
    )


def connect() -> None:
    request_finished.connect(purge_if_due, dispatch_uid="accounts.maintenance.purge")
