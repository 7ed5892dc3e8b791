"""How the site answers: a page for a browser, JSON for a single-page app, one error shape."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.utils.functional import Promise

from .requestlog import current_request_id


def wants_json(request: HttpRequest) -> bool:
    """True for API paths and for callers that prefer JSON to HTML (the SPA's fetch calls)."""
    if request.path.startswith("/api/"):
        return True
    return request.get_preferred_type(["text/html", "application/json"]) == "application/json"


def json_error(code: str, message: str | Promise, *, status: int) -> JsonResponse:
    """The one shape of every JSON error: {"error": code, "message": sentence}."""
    return JsonResponse(
        {"error": code, "message": str(message), "request_id": current_request_id()},
        status=status,
    )
