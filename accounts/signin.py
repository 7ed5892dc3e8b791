"""Completing a sign-in once sgID's answer is verified: every step, in order, in one place.

1. May this person sign in? A deactivated account may not (`AccountDisabled`).
2. Create or refresh their user (backends.SgidBackend: the name, `last_login`, in one write).
3. `login()`: a new session key; the session is filed under the user (signals.py).
4. Keep the consented data in the session, and only there.
5. Mark the attempt used, so a reloaded callback goes on to where it was going.
6. Record the login event, after the commit: a record of the login, not a part of it.

The user and the index of their sessions are written together and committed once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.contrib.auth import authenticate, login
from django.db import transaction
from django.http import HttpRequest

from . import attempts, employment
from .events import record_login
from .models import User
from .session_keys import FAILURE, PROFILE
from .sgid.client import Identity

logger = logging.getLogger("accounts.login")


class AccountDisabled(Exception):
    """The account with this sgID subject is deactivated: it may not sign in."""


@dataclass(frozen=True)
class SignedIn:
    user: User
    # Where the person goes now: `next`, or first the employment choice (employment.py).
    destination: str


def complete(request: HttpRequest, pending: attempts.Pending, identity: Identity) -> SignedIn:
    """Sign in the person sgID vouched for; raises AccountDisabled, recorded as such."""
    with transaction.atomic():
        user = authenticate(request, sgid_identity=identity)
        if user is not None:
            login(request, user)
    if user is None:
        logger.warning("login refused: category=disabled")
        record_login(request, "disabled", User.objects.filter(sub=identity.sub).first())
        raise AccountDisabled
    request.session[PROFILE] = {"sub": identity.sub, "data": dict(identity.data)}
    request.session.pop(FAILURE, None)
    attempts.mark_completed(request.session, pending)
    record_login(request, "success", user)
    logger.info("login succeeded: category=success")
    return SignedIn(user, _destination(request, pending))


def _destination(request: HttpRequest, pending: attempts.Pending) -> str:
    # A public officer with several employments chooses one first: on the choice page, or in
    # the SPA (through /api/me and /api/employment) for a login the SPA began.
    if pending.mode == "json":
        return pending.next_path
    return employment.after_login(request, pending.next_path)
