"""Where to go after signing in: only a path on this site, whatever the browser sent."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest, candidate: object) -> str:
    """`candidate` if it is a same-origin relative path, else LOGIN_REDIRECT_URL."""
    default = str(settings.LOGIN_REDIRECT_URL)
    if not isinstance(candidate, str) or not candidate or len(candidate) > 2000:
        return default
    # Django's check refuses other hosts, schemes such as javascript:, `//host`, `/\\host` and
    # control characters; a relative path is required on top, so no absolute URL is followed.
    if not url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return default
    parts = urlsplit(candidate)
    if parts.scheme or parts.netloc or not candidate.startswith("/") or "\\" in candidate:
        return default
    return candidate
