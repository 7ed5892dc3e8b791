"""The JSON API a single-page app uses: who is signed in, a CSRF token, the employment acted in."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.middleware.csrf import get_token
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from operations.responses import json_error

from . import employment
from .jsonbody import json_body
from .profile import api_data, api_fields
from .session_keys import PROFILE


@require_GET
@never_cache
def me(request: HttpRequest) -> JsonResponse:
    if not request.user.is_authenticated:
        return json_error("not_authenticated", _("You are not signed in."), status=401)
    stored = request.session.get(PROFILE) or {}
    data = stored.get("data") or {}
    user: Any = request.user
    return JsonResponse(
        {
            "sub": user.sub,
            "name": user.name or None,
            "data": api_data(data),
            # The same labels, masking and formatting as the server-rendered profile.
            "fields": api_fields(data),
            "employment": _employment(request),
        }
    )


@require_POST
@never_cache
def choose_employment(request: HttpRequest) -> JsonResponse:
    """`{"index": n}`: act in employment n for this session; answers as `employment` in /api/me."""
    if not request.user.is_authenticated:
        return json_error("not_authenticated", _("You are not signed in."), status=401)
    if request.content_type != "application/json":
        return json_error("bad_request", _("Send the choice as JSON."), status=400)
    body = json_body(request)
    try:
        employment.choose(request.session, body.get("index") if isinstance(body, dict) else None)
    except employment.NoSuchEmployment:
        return json_error("no_such_employment", _("Choose one of your employments."), status=400)
    return JsonResponse(_employment(request))


@require_GET
@never_cache
def csrf(request: HttpRequest) -> JsonResponse:
    """A CSRF token for the SPA to send as X-CSRFToken; also sets the CSRF cookie."""
    return JsonResponse({"csrfToken": get_token(request)})


def _employment(request: HttpRequest) -> dict[str, Any]:
    chosen = employment.current(request.session)
    return {
        "current": chosen.as_dict() if chosen is not None else None,
        "choices": [option.as_dict() for option in employment.choices(request.session)],
    }
