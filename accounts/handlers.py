"""Error pages for 400, 403 (and CSRF failures), 404 and 500: HTML or JSON, never details."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template import loader
from django.utils.translation import gettext as _
from django.views import defaults

from sgid_rp.middleware import current_request_id

from .responses import json_error, wants_json


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
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
    if wants_json(request):
        return json_error("server_error", _("Something went wrong on our side."), status=500)
    # Like Django's own handler (no request context, nothing that could fail again), plus the
    # request id for the person to quote.
    try:
        template = loader.get_template("500.html")
        return HttpResponseServerError(template.render({"request_id": current_request_id()}))
    except Exception:
        return HttpResponseServerError(b"<h1>Server error (500)</h1>", content_type="text/html")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: the SPA gets JSON telling it to fetch a token; a browser, a page."""
    if wants_json(request):
        return json_error(
            "csrf_failed",
            _("This request was refused for your security. Reload the page and try again."),
            status=403,
        )
    from django.shortcuts import render

    return render(request, "403_csrf.html", status=403)
