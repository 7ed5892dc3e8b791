"""Views: each reads the request, makes one call, and maps the result or the error to a response.

Sign-in serves both patterns: a server-rendered page POSTs a form and is redirected to sgID; a
single-page app POSTs with `Accept: application/json` and gets `{"url": ...}` to go to itself.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from operations.connections import release_while_waiting
from operations.metrics import SGID_FAILURES
from operations.requestlog import current_request_id
from operations.responses import json_error, wants_json

from . import attempts, bulkhead, deactivation, signin
from .deactivation import tells_the_deactivated
from .events import record_login
from .failures import FAILURES, Failure, FailureRecord, failure_for
from .jsonbody import json_body
from .models import User
from .profile import display_fields
from .provider import get_client
from .ratelimits import limited
from .redirects import safe_next
from .session_index import end_sessions
from .session_keys import FAILURE, PROFILE
from .sgid.errors import LoginExpired, SgidError

logger = logging.getLogger("accounts.login")
# The failures of a callback that are sgID's (no usable answer, or one that failed a check).
SGID_FAILURE_KINDS = frozenset({"unavailable", "untrusted"})
# Failures that may be someone tampering with a login go where Django reports suspicious activity.
security_logger = logging.getLogger("django.security.sgid")


@never_cache  # greets a signed-in person by name
@tells_the_deactivated
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/home.html",
        {
            "next": reverse("profile"),
            "session_minutes": settings.SESSION_COOKIE_AGE // 60,
            "retention_days": settings.LOGIN_EVENT_RETENTION_DAYS,
        },
    )


@require_http_methods(["GET", "POST"])
@limited("login-start", "RATE_LIMIT_LOGIN", "POST")
@tells_the_deactivated
def login_view(request: HttpRequest) -> HttpResponse:
    """GET: the sign-in page. POST: start a login attempt; go to sgID, or say where (JSON)."""
    as_json = request.method == "POST" and wants_json(request)
    next_path = safe_next(_requested_next(request))
    if request.method == "GET":
        return render(request, "accounts/login.html", {"next": next_path})
    try:
        client = get_client()
    except SgidError as exc:
        return _failure(request, exc, next_path, as_json=as_json)
    attempt, url = client.start()
    pending = attempts.Pending(attempt, next_path, "json" if as_json else "page")
    attempts.remember(request.session, pending, signed_in=request.user.is_authenticated)
    if as_json:
        return JsonResponse({"url": url})
    return HttpResponseRedirect(url)


def _requested_next(request: HttpRequest) -> object:
    """`next` from a JSON body (400 if it is not JSON), a form, or the query."""
    if request.content_type == "application/json" and request.body:
        body = json_body(request)
        return body.get("next", "") if isinstance(body, dict) else ""
    return request.POST.get("next") or request.GET.get("next")


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
@limited("callback", "RATE_LIMIT_CALLBACK", "GET")
def callback(request: HttpRequest) -> HttpResponse:
    """sgID sends the browser back here with `code` and `state`, or with `error`."""
    state = request.GET.get("state", "")
    if not state or attempts.peek(request.session, state, time.time()) is None:
        return _stale_callback(request, state)  # no sgID call: no slot needed
    timing, pending = _ServerTiming(), None
    try:
        with bulkhead.slot():  # before the attempt is used: a busy site leaves it as it was
            pending = attempts.take(request.session, state, time.time())
            if pending is None:  # another request of this browser took it meanwhile
                return _stale_callback(request, state)
            release_while_waiting()  # no database connection held while sgID answers
            identity = get_client().finish(pending.attempt, request.GET, timing.add)
        with timing.step("user"):
            signed_in = signin.complete(request, pending, identity)
    except bulkhead.Busy:  # the attempt stays: it still says where Try again leads
        pending = attempts.peek(request.session, state, time.time())
        return _callback_failure(request, None, pending, failure=FAILURES["busy"])
    except SgidError as exc:
        record_login(request, exc.code)
        if exc.code in SGID_FAILURE_KINDS:
            SGID_FAILURES.labels(exc.code).inc()
        return _callback_failure(request, exc, pending)
    except signin.AccountDisabled:
        return _callback_failure(request, None, pending)
    response = redirect(signed_in.destination)
    deactivation.remember(response, signed_in.user)
    return timing.written_to(response)


def _stale_callback(request: HttpRequest, state: str) -> HttpResponse:
    # A reloaded callback of a login that already succeeded in this session: go on.
    done = attempts.completed_next(request.session, state) if state else None
    if done is not None and request.user.is_authenticated:
        return redirect(done)
    # Without a live attempt, not even `error=` is sgID's word: it could come from any link on
    # any site. Logged as a failure, but no login event: anyone can send these.
    return _callback_failure(request, LoginExpired("unknown, expired or already used state"))


class _ServerTiming:
    """Each login step's duration in a Server-Timing header, when SGID_SERVER_TIMING asks."""

    def __init__(self) -> None:
        self.steps: list[tuple[str, float]] = []

    def add(self, name: str, ms: float) -> None:
        self.steps.append((name, ms))

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        yield
        self.add(name, round((time.perf_counter() - started) * 1000, 2))

    def written_to(self, response: HttpResponse) -> HttpResponse:
        if settings.SGID_SERVER_TIMING:
            response["Server-Timing"] = ", ".join(f"{n};dur={ms}" for n, ms in self.steps)
        return response


@login_required
@never_cache
def profile(request: HttpRequest) -> HttpResponse:
    stored = request.session.get(PROFILE) or {}
    fields = display_fields(stored.get("data") or {})
    return render(request, "accounts/profile.html", {"fields": fields, "has_sgid": bool(stored)})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    as_json = wants_json(request)
    response = HttpResponse(status=204) if as_json else redirect("home")
    deactivation.forget(response)  # signed out by choice: nothing to explain next time
    if as_json:
        return response
    messages.success(
        request,
        _(
            "You are signed out of this site. sgID keeps no session for this site, "
            "so there is nothing to sign out of at sgID."
        ),
    )
    return response


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request: HttpRequest) -> HttpResponse:
    """GET: what deleting means, and a confirm button. POST: delete the user and every session."""
    if request.method == "GET":
        return render(
            request,
            "accounts/delete_account.html",
            {"retention_days": settings.LOGIN_EVENT_RETENTION_DAYS},
        )
    user = request.user
    assert isinstance(user, User)
    logout(request)
    end_sessions(user)
    user.delete()  # login events stay, no longer linked to anyone
    messages.success(request, _("Your account and what this site kept about you are deleted."))
    response = redirect("home")
    deactivation.forget(response)
    return response


@tells_the_deactivated
def spa(request: HttpRequest) -> HttpResponse:
    """The single-page app's shell; it takes the failure sentences with it, for its error route."""
    failures = {
        code: {"title": str(f.title), "message": str(f.message)} for code, f in FAILURES.items()
    }
    return render(request, "spa/index.html", {"failures": failures})


def _failure(
    request: HttpRequest, error: SgidError, next_path: str, *, as_json: bool = False
) -> HttpResponse:
    failure = _log_failure(error)
    if as_json:
        return json_error(failure.code, failure.message, status=failure.status)
    return _render_failure(request, failure, next_path)


def _callback_failure(
    request: HttpRequest,
    error: SgidError | None,
    pending: attempts.Pending | None = None,
    *,
    failure: Failure | None = None,
) -> HttpResponse:
    """Redirect to the failure page, or for a login the SPA started, to its own error route.

    The callback's own URL is no page to stay on: it is sent with no referrer (so its forms post
    with `Origin: null`) and a reload finds the attempt used. The failure is filed in the
    session for `/auth/failed`, with this request's id, the one the login event holds.
    """
    if failure is None:
        failure = _log_failure(error) if error is not None else FAILURES["disabled"]
    record = FailureRecord(
        failure,
        reference=current_request_id(),
        next_path=pending.next_path if pending else str(reverse("profile")),
        mode=pending.mode if pending else "page",
    )
    if not request.user.is_authenticated:
        # A visitor's session lives only as long as a login attempt (attempts.py): one that a
        # stray or replayed callback starts, for its failure page, too.
        request.session.set_expiry(attempts.ATTEMPT_LIFETIME)
    request.session[FAILURE] = record.to_session()
    return redirect(_failure_location(record))


def _failure_location(record: FailureRecord) -> str:
    if record.mode == "json":
        query = urlencode({"code": record.failure.code, "reference": record.reference})
        return f"{reverse('spa')}#/error?{query}"
    return str(reverse("login-failed"))


@require_GET
@never_cache
def login_failed(request: HttpRequest) -> HttpResponse:
    """The page a failed callback leads to, with the status of its failure; the same on reload."""
    record = FailureRecord.from_session(request.session.get(FAILURE))
    if record is None:
        # Nothing filed (a stray callback, or a visit with no callback at all): the one
        # failure such a visit can have met.
        record = FailureRecord(FAILURES["expired"], current_request_id(), str(reverse("profile")))
    elif record.mode == "json":
        return redirect(_failure_location(record))
    return _render_failure(request, record.failure, record.next_path, reference=record.reference)


def _log_failure(error: SgidError) -> Failure:
    log = security_logger if error.code in {"expired", "untrusted"} else logger
    log.warning("login failed: category=%s reason=%s", error.code, error.reason)
    return failure_for(error)


def _render_failure(
    request: HttpRequest, failure: Failure, next_path: str, *, reference: str | None = None
) -> HttpResponse:
    context: dict[str, object] = {"failure": failure, "next": next_path}
    if reference is not None:
        context["request_id"] = reference  # the callback's id, not this page's
    return render(request, "accounts/login_failed.html", context, status=failure.status)
