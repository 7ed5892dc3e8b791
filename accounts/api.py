"""The JSON API a single-page app uses: who is signed in, and a CSRF token for its calls."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.middleware.csrf import get_token
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from operations.responses import json_error

from .profile import api_data, api_fields
from .session import PROFILE_SESSION_KEY


@require_GET
@never_cache
def me(request: HttpRequest) -> JsonResponse:
    if not request.user.is_authenticated:
        return json_error("not_authenticated", _("You are not signed in."), status=401)
    stored = request.session.get(PROFILE_SESSION_KEY) or {}
    data = stored.get("data") or {}
    user: Any = request.user
    return JsonResponse(
        {
            "sub": user.sub,
            "name": user.name or None,
            "data": api_data(data),
            # The same labels, masking and formatting as the server-rendered profile.
            "fields": api_fields(data),
        }
    )


@require_GET
@never_cache
def csrf(request: HttpRequest) -> JsonResponse:
    """A CSRF token for the SPA to send as X-CSRFToken; also sets the CSRF cookie."""
    return JsonResponse({"csrfToken": get_token(request)})
