"""The index of each person's sessions (`UserSession`), so that their sessions can all be ended.

Django's session store cannot be asked "which sessions are this user's": this index answers it
when an account is deactivated or deleted (signals.py), or an admin ends someone's sessions.
"""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.http import HttpRequest

from .models import User, UserSession


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


def forget_session(session_key: str | None) -> None:
    """After logout(): the session is gone, so is its row."""
    if session_key:
        UserSession.objects.filter(session_key=session_key).delete()


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
