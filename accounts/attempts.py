"""Pending login attempts, kept server-side in the Django session as a map keyed by `state`.

Several tabs can log in at once; at most MAX_PENDING are kept (the oldest is dropped); each lives
ATTEMPT_LIFETIME seconds and is used once: `take` removes it before the token call, so a replayed
or reloaded callback finds nothing. A visitor who is not signed in keeps their session only as
long as an attempt lives, so a login that is never finished leaves nothing behind for long.
"""

from __future__ import annotations

import hashlib

from django.contrib.sessions.backends.base import SessionBase
from django.db import IntegrityError

from .activity import one_statement
from .models import UsedState
from .sgid.authorize import LoginAttempt

SESSION_KEY = "sgid_attempts"
# Callbacks that completed, {state: next_path}, so a reloaded callback can go on to `next`.
COMPLETED_KEY = "sgid_completed"
MAX_PENDING = 10
MAX_COMPLETED = 5
ATTEMPT_LIFETIME = 10 * 60


def _pending(session: SessionBase, now: float) -> dict[str, LoginAttempt]:
    stored = session.get(SESSION_KEY)
    attempts: dict[str, LoginAttempt] = {}
    if isinstance(stored, dict):
        for state, data in stored.items():
            try:
                attempt = LoginAttempt.from_dict(data)
            except (KeyError, TypeError, ValueError):
                continue
            if attempt.state == state and not attempt.is_expired(now, ATTEMPT_LIFETIME):
                attempts[state] = attempt
    return attempts


def _save(session: SessionBase, attempts: dict[str, LoginAttempt]) -> None:
    session[SESSION_KEY] = {state: a.to_dict() for state, a in attempts.items()}


def remember(
    session: SessionBase, attempt: LoginAttempt, now: float, *, signed_in: bool = True
) -> None:
    """File the attempt. For a visitor not signed in, the session ends with the attempt."""
    if not signed_in:
        session.set_expiry(ATTEMPT_LIFETIME)
    attempts = _pending(session, now)
    attempts[attempt.state] = attempt
    while len(attempts) > MAX_PENDING:
        oldest = min(attempts.values(), key=lambda a: a.created_at)
        del attempts[oldest.state]
    _save(session, attempts)


def take(session: SessionBase, state: str, now: float) -> LoginAttempt | None:
    """Remove and return the live attempt filed under `state`, or None.

    Single use does not rest on the session: a row in the database (`UsedState`), inserted and
    committed before the token call, lets exactly one callback have the attempt — whether two
    race with one state, a concurrent request's save brings the attempt back, the answer is a 5xx
    (for which SessionMiddleware does not save the session's removal), or the cache restarts.
    """
    attempts = _pending(session, now)
    attempt = attempts.pop(state, None)
    if attempt is not None or len(attempts) != len(session.get(SESSION_KEY) or {}):
        _save(session, attempts)
    if attempt is None:
        return None
    state_hash = hashlib.sha256(state.encode()).hexdigest()
    try:
        with one_statement():
            UsedState.objects.create(state_hash=state_hash)
    except IntegrityError:
        return None
    return attempt


def mark_completed(session: SessionBase, attempt: LoginAttempt) -> None:
    completed = session.get(COMPLETED_KEY)
    completed = dict(completed) if isinstance(completed, dict) else {}
    completed[attempt.state] = attempt.next_path
    session[COMPLETED_KEY] = dict(list(completed.items())[-MAX_COMPLETED:])


def completed_next(session: SessionBase, state: str) -> str | None:
    completed = session.get(COMPLETED_KEY)
    if isinstance(completed, dict) and isinstance(completed.get(state), str):
        return str(completed[state])
    return None
