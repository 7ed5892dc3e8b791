"""Logins under way, kept server-side in the Django session as a map keyed by `state`.

Several tabs can log in at once; at most MAX_PENDING are kept (the oldest is dropped); each lives
ATTEMPT_LIFETIME seconds and is used once: `take` removes it before the token call, so a replayed
or reloaded callback finds nothing. A visitor who is not signed in keeps their session only as
long as an attempt lives, so a login that is never finished leaves nothing behind for long.

Beside the protocol's `LoginAttempt`, a pending login holds the site's own business: where the
person goes afterwards, and how the login was started ("page": a form; "json": the SPA).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.sessions.backends.base import SessionBase
from django.db import IntegrityError

from .db import one_statement
from .models import UsedState
from .session_keys import ATTEMPTS, COMPLETED
from .sgid.authorize import LoginAttempt

MAX_PENDING = 10
MAX_COMPLETED = 5
ATTEMPT_LIFETIME = 10 * 60
MODES = ("page", "json")


@dataclass(frozen=True)
class Pending:
    attempt: LoginAttempt
    next_path: str
    mode: str = "page"

    @property
    def state(self) -> str:
        return self.attempt.state

    def to_session(self) -> dict[str, Any]:
        return {"attempt": self.attempt.to_dict(), "next": self.next_path, "mode": self.mode}

    @classmethod
    def from_session(cls, stored: Mapping[str, Any]) -> Pending:
        """Raises KeyError, TypeError or ValueError for anything the site did not write."""
        if "attempt" not in stored:
            # Filed by the release before this one, which kept all three in one map: a login
            # begun just before a deploy still finishes after it.
            old_mode = stored.get("mode")
            return cls(
                LoginAttempt.from_dict(dict(stored)),
                str(stored["next_path"]),
                old_mode if old_mode in MODES else "page",
            )
        mode = stored.get("mode")
        if mode not in MODES:
            raise ValueError("unknown mode")
        return cls(LoginAttempt.from_dict(stored["attempt"]), str(stored["next"]), mode)


def _pending(session: SessionBase, now: float) -> dict[str, Pending]:
    stored = session.get(ATTEMPTS)
    found: dict[str, Pending] = {}
    if isinstance(stored, dict):
        for state, data in stored.items():
            try:
                pending = Pending.from_session(data)
            except (KeyError, TypeError, ValueError):
                continue
            if pending.state == state and not pending.attempt.is_expired(now, ATTEMPT_LIFETIME):
                found[state] = pending
    return found


def _save(session: SessionBase, found: dict[str, Pending]) -> None:
    session[ATTEMPTS] = {state: pending.to_session() for state, pending in found.items()}


def remember(session: SessionBase, pending: Pending, *, signed_in: bool = True) -> None:
    """File the login. For a visitor not signed in, the session ends with the attempt."""
    if not signed_in:
        session.set_expiry(ATTEMPT_LIFETIME)
    found = _pending(session, pending.attempt.created_at)
    found[pending.state] = pending
    while len(found) > MAX_PENDING:
        oldest = min(found.values(), key=lambda p: p.attempt.created_at)
        del found[oldest.state]
    _save(session, found)


def peek(session: SessionBase, state: str, now: float) -> Pending | None:
    """The live login filed under `state`, left in place (where it was going, how it began)."""
    return _pending(session, now).get(state)


def take(session: SessionBase, state: str, now: float) -> Pending | None:
    """Remove and return the live login filed under `state`, or None.

    Single use does not rest on the session: a row in the database (`UsedState`), inserted and
    committed before the token call, lets exactly one callback have the attempt — whether two
    race with one state, a concurrent request's save brings the attempt back, the answer is a 5xx
    (for which SessionMiddleware does not save the session's removal), or the cache restarts.
    """
    found = _pending(session, now)
    pending = found.pop(state, None)
    if pending is not None or len(found) != len(session.get(ATTEMPTS) or {}):
        _save(session, found)
    if pending is None:
        return None
    state_hash = hashlib.sha256(state.encode()).hexdigest()
    try:
        with one_statement():
            UsedState.objects.create(state_hash=state_hash)
    except IntegrityError:
        return None
    return pending


def mark_completed(session: SessionBase, pending: Pending) -> None:
    completed = session.get(COMPLETED)
    completed = dict(completed) if isinstance(completed, dict) else {}
    completed[pending.state] = pending.next_path
    session[COMPLETED] = dict(list(completed.items())[-MAX_COMPLETED:])


def completed_next(session: SessionBase, state: str) -> str | None:
    completed = session.get(COMPLETED)
    if isinstance(completed, dict) and isinstance(completed.get(state), str):
        return str(completed[state])
    return None
