"""Views: each reads the request, makes one call, and maps the result or the error to a response."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import attempts
from .failures import FAILURES, Failure, failure_for
from .profile import api_data, display_fields
from .provider import get_client
from .redirects import safe_next
from .sgid.authorize import error_from_callback
from .sgid.errors import LoginExpired, ProviderUntrusted, SgidError

logger = logging.getLogger("accounts.login")
# Failures that may be someone tampering with a login go where Django reports suspicious activity.
security_logger = logging.getLogger("django.security.sgid")

PROFILE_SESSION_KEY = "sgid_profile"
MAX_CODE_LENGTH = 2048


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/home.html", {"next": reverse("profile")})


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    """GET: the sign-in page. POST: start a login attempt and go to sgID."""
    next_path = safe_next(request.POST.get("next") or request.GET.get("next"))
    if request.method == "GET":
        return render(request, "accounts/login.html", {"next": next_path})
    try:
        client = get_client()
    except SgidError as exc:
        return _failure(request, exc, next_path)
    attempt, url = client.start(next_path=next_path)
    attempts.remember(request.session, attempt, attempt.created_at)
    return HttpResponseRedirect(url)


def _no_referrer(
    view: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """The callback URL holds the authorization code: never send it as a Referer."""

    @wraps(view)
    def wrapped(request: HttpRequest) -> HttpResponse:
        response = view(request)
        response["Referrer-Policy"] = "no-referrer"
        return response

    return wrapped


@require_GET
@never_cache
@_no_referrer
def callback(request: HttpRequest) -> HttpResponse:
    """sgID sends the browser back here with `code` and `state`, or with `error`."""
    state = request.GET.get("state", "")
    attempt = attempts.take(request.session, state, time.time()) if state else None
    next_path = attempt.next_path if attempt else str(reverse("profile"))
    try:
        if attempt is None:
            # A reloaded callback of a login that already succeeded in this session: go on.
            done = attempts.completed_next(request.session, state) if state else None
            if done is not None and request.user.is_authenticated:
                return redirect(done)
            # Without a live attempt, not even `error=` is sgID's word: it could come from
            # any link on any site.
            raise LoginExpired("unknown, expired or already used state")
        if error := request.GET.get("error"):
            raise error_from_callback(error)
        code = request.GET.get("code", "")
        if not code or len(code) > MAX_CODE_LENGTH:
            raise ProviderUntrusted("callback without a usable code")
        identity = get_client().finish(attempt, code)
    except SgidError as exc:
        return _failure(request, exc, next_path)

    user = authenticate(request, sgid_identity=identity)
    if user is None:
        logger.warning("login refused: category=disabled")
        return _render_failure(request, FAILURES["disabled"], next_path)
    login(request, user)
    request.session[PROFILE_SESSION_KEY] = {"sub": identity.sub, "data": dict(identity.data)}
    attempts.mark_completed(request.session, attempt)
    logger.info("login succeeded: category=success")
    return redirect(attempt.next_path)


@login_required
@never_cache
def profile(request: HttpRequest) -> HttpResponse:
    stored = request.session.get(PROFILE_SESSION_KEY) or {}
    fields = display_fields(stored.get("data") or {})
    return render(request, "accounts/profile.html", {"fields": fields, "has_sgid": bool(stored)})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.success(
        request,
        _(
            "You are signed out of this site. sgID keeps no session for this site, "
            "so there is nothing to sign out of at sgID."
        ),
    )
    return redirect("home")


@require_GET
@never_cache
def api_me(request: HttpRequest) -> JsonResponse:
    if not request.user.is_authenticated:
        return json_error("not_authenticated", _("You are not signed in."), status=401)
    stored = request.session.get(PROFILE_SESSION_KEY) or {}
    user: Any = request.user
    return JsonResponse(
        {
            "sub": user.sub,
            "name": user.name or None,
            "data": api_data(stored.get("data") or {}),
        }
    )


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("health check: database unavailable")
        return JsonResponse({"status": "unavailable", "database": "error"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def json_error(code: str, message: str, *, status: int) -> JsonResponse:
    """The one shape of every JSON error: {"error": code, "message": sentence}."""
    return JsonResponse({"error": code, "message": message}, status=status)


def _failure(request: HttpRequest, error: SgidError, next_path: str) -> HttpResponse:
    failure = failure_for(error)
    log = security_logger if error.code in {"expired", "untrusted"} else logger
    log.warning("login failed: category=%s reason=%s", error.code, error.reason)
    return _render_failure(request, failure, next_path)


def _render_failure(request: HttpRequest, failure: Failure, next_path: str) -> HttpResponse:
    return render(
        request,
        "accounts/login_failed.html",
        {"failure": failure, "next": next_path},
        status=failure.status,
    )
