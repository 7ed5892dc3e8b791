"""Recording login outcomes and ending a person's sessions."""

from __future__ import annotations

import logging
from contextlib import AbstractContextManager, nullcontext
from importlib import import_module

from django.conf import settings
from django.db import DatabaseError, transaction
from django.http import HttpRequest

from operations.addresses import client_network
from operations.requestlog import current_request_id

from .models import LoginEvent, User, UserSession

USER_AGENT_LENGTH = 120
logger = logging.getLogger("accounts.login")


def one_statement() -> AbstractContextManager[object]:
    """For a single write that may be refused: inside a transaction, a savepoint keeps the
    refusal from spoiling the rest of it; outside one, the statement is atomic by itself and
    needs no BEGIN and COMMIT around it (two round trips fewer)."""
    return transaction.atomic() if transaction.get_connection().in_atomic_block else nullcontext()


def record_login(request: HttpRequest, outcome: str, user: User | None = None) -> None:
    """Write the login event; a failure to write it is logged, never the person's problem."""
    try:
        with one_statement():
            LoginEvent.objects.create(
                outcome=outcome,
                user=user,
                request_id=current_request_id(),
                client_ip=client_network(request),
                user_agent=request.headers.get("User-Agent", "")[:USER_AGENT_LENGTH],
            )
    except DatabaseError as exc:
        logger.error("login event not recorded: outcome=%s (%s)", outcome, type(exc).__name__)


def remember_session(request: HttpRequest, user: User) -> None:
    """After login(): file this session under the user."""
    if request.session.session_key is None:
        request.session.save()
    key = request.session.session_key
    assert key is not None
    # One INSERT. The row exists already when the user signs in again in the same session
    # (login() keeps the key then); a key never passes to another user (login() flushes).
    UserSession.objects.bulk_create(
        [UserSession(session_key=key, user=user)], ignore_conflicts=True
    )


def end_sessions(users: list[User] | User) -> int:
    """Delete every session of these users; returns how many were ended."""
    users = [users] if isinstance(users, User) else users
    store = import_module(settings.SESSION_ENGINE).SessionStore
    rows = UserSession.objects.filter(user__in=users)
    keys = list(rows.values_list("session_key", flat=True))
    for key in keys:
        store(session_key=key).delete()
    # Only the rows whose sessions were ended: a session filed since then keeps its row.
    UserSession.objects.filter(session_key__in=keys).delete()
    return len(keys)
