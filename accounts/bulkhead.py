"""How many threads of this process may wait on sgID at once: a bulkhead.

A login holds its thread for both calls to sgID (token, then userinfo). When sgID is slow or
hangs, callbacks would otherwise take every thread of every worker, and a signed-in person's
next page would queue behind them. `slot()` lets at most SGID_MAX_CONCURRENT_CALLS callbacks of
a process talk to sgID at once; the next one gets `Busy` at once — the designed "try again"
page — instead of a thread. A slot is given back on every path: success, error or timeout.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed

from operations.metrics import BULKHEAD_REFUSALS
from operations.outages import Reporter

logger = logging.getLogger("accounts.login")
_reporter = Reporter()
_lock = threading.Lock()
_slots: threading.BoundedSemaphore | None = None


class Busy(Exception):
    """Every slot of this process is waiting on sgID."""


def _semaphore() -> threading.BoundedSemaphore:
    global _slots
    slots = _slots
    if slots is None:
        with _lock:
            if _slots is None:
                _slots = threading.BoundedSemaphore(settings.SGID_MAX_CONCURRENT_CALLS)
            slots = _slots
    return slots


@contextmanager
def slot() -> Iterator[None]:
    """Hold one of the process's slots for calls to sgID, or raise Busy without waiting."""
    slots = _semaphore()
    if not slots.acquire(blocking=False):
        BULKHEAD_REFUSALS.inc()
        # One line per interval, with how many were turned away since: a flood of callbacks
        # while sgID hangs is one fact, not a line each.
        due, held = _reporter.due("sgid-busy")
        if due:
            logger.warning(
                "login turned away: category=busy, all %d sgID slots of this process in use%s",
                settings.SGID_MAX_CONCURRENT_CALLS,
                f" ({held} more since the last report)" if held else "",
            )
        raise Busy
    try:
        yield
    finally:
        slots.release()


def _on_setting_changed(*, setting: str, **kwargs: Any) -> None:
    global _slots
    if setting == "SGID_MAX_CONCURRENT_CALLS":
        with _lock:
            _slots = None
        _reporter.reset()


def connect_signals() -> None:
    setting_changed.connect(_on_setting_changed, dispatch_uid="accounts.bulkhead.reset")
