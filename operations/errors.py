"""Error pages for 400, 403 (and CSRF failures), 404, 500 and outages: HTML or JSON, no details."""

from __future__ import annotations

import sys
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _
from django.views import defaults

from .outages import dependency_of, outage_of
from .requestlog import current_request_id
from .responses import json_error, wants_json

# Seconds a person (or a client) is asked to wait when a dependency is down.
RETRY_AFTER = 30


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    # A session that could not be saved because the database went away mid-request reaches
    # here as SessionInterrupted: that is an outage, not a bad request.
    if outage_of(exception) is not None:
        return unavailable(request)
    if wants_json(request):
        return json_error("bad_request", _("The request could not be understood."), status=400)
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if wants_json(request):
        return json_error("forbidden", _("You do not have access to this."), status=403)
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if wants_json(request):
        return json_error("not_found", _("There is nothing at this address."), status=404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: the designed 503 when the database or the cache failed, else the 500 page.

    Django calls it while handling the exception, wherever it was raised (a view, a lazy
    session or user load, SessionMiddleware's save), so the exception is still in flight here.
    """
    if dependency_of(sys.exception()) is not None:
        return unavailable(request)
    if wants_json(request):
        return json_error("server_error", _("Something went wrong on our side."), status=500)
    return _standalone(request, "500.html", 500)


def unavailable(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After: a page saying the service is briefly unavailable, or JSON."""
    return try_again_later(
        request,
        code="unavailable",
        message=_("The service is briefly unavailable. Please try again in a minute."),
        status=503,
        retry_after=RETRY_AFTER,
        page=lambda: _standalone(request, "503.html", 503),
    )


def try_again_later(
    request: HttpRequest,
    *,
    code: str,
    message: str,
    status: int,
    retry_after: int,
    page: Callable[[], HttpResponse],
) -> HttpResponse:
    """A refusal that passes (an outage, a rate limit): the page or the JSON shape, Retry-After."""
    response = json_error(code, message, status=status) if wants_json(request) else page()
    response["Retry-After"] = str(retry_after)
    return response


def _standalone(request: HttpRequest, template_name: str, status: int) -> HttpResponse:
    # Like Django's own handler: no request context (the session, the user and the messages
    # each need the database that may be what failed), plus the request id to quote and what
    # the language chooser needs (the CSRF token, kept in a cookie).
    try:
        template = loader.get_template(template_name)
        context = {
            "request_id": current_request_id(),
            "retry_after": RETRY_AFTER,
            "csrf_token": get_token(request),
        }
        body = template.render(context)
    except Exception:
        body = f"<h1>Service error ({status})</h1>"
    return HttpResponse(body, status=status, content_type="text/html; charset=utf-8")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: the SPA gets JSON telling it to fetch a token; a browser, a page."""
    if wants_json(request):
        return json_error(
            "csrf_failed",
            _("This request was refused for your security. Reload the page and try again."),
            status=403,
        )
    return render(request, "403_csrf.html", status=403)
