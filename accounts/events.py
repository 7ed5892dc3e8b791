"""Login events: one row per login that carried a live attempt, whatever its outcome.

Who signed in (or which category of failure), when, from which network, with which browser, and
the request id a person quotes to support. Kept LOGIN_EVENT_RETENTION_DAYS (maintenance.py).
"""

from __future__ import annotations

import logging

from django.db import DatabaseError
from django.http import HttpRequest

from operations.addresses import client_network
from operations.metrics import LOGINS
from operations.requestlog import current_request_id

from .db import one_statement
from .models import LoginEvent, User

USER_AGENT_LENGTH = 120
logger = logging.getLogger("accounts.login")


def record_login(request: HttpRequest, outcome: str, user: User | None = None) -> None:
    """Write the login event; a failure to write it is logged, never the person's problem."""
    LOGINS.labels(outcome).inc()
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
