"""One address in development: a request for another host is sent to the dev sgID's origin.

The dev sgID returns the browser to the callback on `SGID_DEV_ORIGIN` (the registered redirect
URI, exactly), and the session cookie that holds the login attempt belongs to the host that began
it: a login begun on http://localhost:8000 comes back to http://127.0.0.1:8000 without its cookie
and fails as expired. So when `CANONICAL_ORIGIN` is set (development with the dev sgID only, see
sgid_rp/settings.py), a GET or HEAD for another host is redirected to the same path there, and any
other method, whose body a redirect would lose, is refused with a page naming the address to use.
Unset, as in production and in the tests, this does nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .responses import json_error, wants_json


class CanonicalOriginMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Read per request, not once: a test (or a reload) may change it.
        origin: str | None = getattr(settings, "CANONICAL_ORIGIN", None)
        # get_host() refuses a host outside ALLOWED_HOSTS (a 400) before anything is decided here.
        if origin and request.get_host().lower() != urlsplit(origin).netloc.lower():
            if request.method in ("GET", "HEAD"):
                return HttpResponseRedirect(origin + request.get_full_path())
            return wrong_address(request, origin)
        return self.get_response(request)


def wrong_address(request: HttpRequest, origin: str) -> HttpResponse:
    """400: a form or an API call sent to another address; a redirect would drop its body."""
    message = _(
        "This development site works only at %(origin)s, the address printed when it started: "
        "the dev sgID returns the browser there, and a sign-in is kept for that address only. "
        "Open it and try again."
    ) % {"origin": origin}
    if wants_json(request):
        return json_error("wrong_address", message, status=400)
    # Standalone, like the outage page: no session or user is loaded for a request refused here.
    body = format_html(
        '<!DOCTYPE html>\n<html lang="{}"><head><meta charset="utf-8"><title>{}</title></head>'
        '<body><main><h1>{}</h1><p>{}</p><p><a href="{}/">{}</a></p></main></body></html>\n',
        get_language(),
        _("Use the address the server printed"),
        _("Use the address the server printed"),
        message,
        origin,
        _("Open %(origin)s") % {"origin": origin},
    )
    return HttpResponse(body, status=400, content_type="text/html; charset=utf-8")
