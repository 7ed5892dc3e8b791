"""Telling a citizen whose account was deactivated why their session ended.

Deactivation deletes the person's sessions (signals.py), so on their next request the session
knows nothing. A cookie set at each sgID login remembers, for as long as a session lives, which
account the browser's session belonged to: the user's internal id, signed and timestamped for
this purpose only. It names nothing personal (no name, no sgID subject), and cannot be forged to
show the notice to someone else. (It cannot be bound to the session key: the first request after
the session is gone also deletes the session cookie, before the person reaches a page.) Logging
out drops it; a login as someone else replaces it.

The pages a signed-out person lands on (home, log in, the SPA shell; every page that needs a
sign-in redirects to log in) read it once, show the notice if that account is now deactivated,
and drop it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.http import HttpRequest, HttpResponse

from .failures import FAILURES
from .models import User

COOKIE_NAME = "sgid_account"
_SALT = "accounts.deactivation"


def remember(response: HttpResponse, user: User) -> None:
    """After a login: mark the browser as holding `user`'s session."""
    value = signing.dumps({"u": user.pk}, salt=_SALT)
    response.set_cookie(
        COOKIE_NAME,
        value,
        max_age=settings.SESSION_COOKIE_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def forget(response: HttpResponse) -> None:
    response.delete_cookie(COOKIE_NAME, samesite="Lax")


def held_by_deactivated_user(request: HttpRequest) -> bool:
    """Whether the session this browser held (and no longer has) was a now-deactivated user's."""
    try:
        marker = signing.loads(
            request.COOKIES[COOKIE_NAME], salt=_SALT, max_age=settings.SESSION_COOKIE_AGE
        )
    except (KeyError, signing.BadSignature):
        return False
    user_id = marker.get("u") if isinstance(marker, dict) else None
    if not isinstance(user_id, int):
        return False
    return User.objects.filter(pk=user_id, is_active=False).exists()


def tells_the_deactivated(
    view: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """For a page a signed-out person lands on: say so if their account was deactivated."""

    @wraps(view)
    def wrapped(request: HttpRequest) -> HttpResponse:
        # No query on the usual request: only a page (GET) for a browser with the marker and
        # no sign-in.
        if (
            request.method != "GET"
            or COOKIE_NAME not in request.COOKIES
            or request.user.is_authenticated
        ):
            return view(request)
        if held_by_deactivated_user(request):
            disabled = FAILURES["disabled"]
            messages.error(request, f"{disabled.title}. {disabled.message}")
        response = view(request)
        forget(response)
        return response

    return wrapped
