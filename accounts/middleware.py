"""Keeps the user → session index true when Django gives a signed-in session a new key by itself.

`login()` files the session under the user (signals.py). But Django's `get_user()` also cycles a
signed-in session's key, without a signal, when the session was verified under one of
SECRET_KEY_FALLBACKS (a SECRET_KEY rotation). Unfiled, that session would survive the person's
deactivation or account deletion. So after each response: if the session key is not the one the
browser sent, no login filed it in this request, and the person is signed in, the new key is
filed too. Nothing happens (no query) on the usual request, whose key has not changed.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from .models import User
from .session_index import remember_session


class SessionIndexMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        sent = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        response = self.get_response(request)
        session = getattr(request, "session", None)
        key = session.session_key if session is not None else None
        if sent and key and key != sent and key != getattr(request, "indexed_session_key", None):
            user = getattr(request, "user", None)
            if isinstance(user, User) and user.is_authenticated:
                remember_session(request, user)
        return response
