"""Where to go after signing in: only a path on this site, whatever the browser sent."""

from __future__ import annotations

import unicodedata

from django.conf import settings
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(candidate: object) -> str:
    """`candidate` if it is a path on this site, else LOGIN_REDIRECT_URL."""
    default = str(settings.LOGIN_REDIRECT_URL)
    if not isinstance(candidate, str) or not candidate.startswith("/") or len(candidate) > 2000:
        return default
    # Browsers drop or rewrite whitespace and invisible characters in URLs; no path needs them.
    if any(ch.isspace() or unicodedata.category(ch).startswith("C") for ch in candidate):
        return default
    # With no allowed host, Django's check accepts only URLs without a host: it refuses
    # `//host`, `/\\host`, schemes such as javascript: and control characters.
    if not url_has_allowed_host_and_scheme(candidate, allowed_hosts=set()):
        return default
    return candidate
