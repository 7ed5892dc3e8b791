"""What one client may cost: per-network limits on starting a login and on the callback.

Each login start writes a session row and each callback may call sgID, so both are counted per
client (its address for IPv4, its /64 for IPv6; behind a trusted proxy, the forwarded address)
in the shared cache by django-ratelimit. Past the limit the answer is 429 with Retry-After: the
designed page, or the JSON error shape. When the cache is down nothing is counted: requests are
neither refused nor failed (RATELIMIT_FAIL_OPEN), and the outage is logged once per interval.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django_ratelimit.core import get_usage

from operations.errors import try_again_later
from operations.metrics import RATE_LIMITED
from operations.outages import reporter

logger = logging.getLogger("accounts.ratelimits")

View = Callable[[HttpRequest], HttpResponse]
KEY = "operations.addresses.ratelimit_key"


def limited(group: str, rate_setting: str, method: str) -> Callable[[View], View]:
    """Count `method` requests per client under `group`, at the rate the named setting gives."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest) -> HttpResponse:
            usage = get_usage(
                request,
                group=group,
                key=KEY,
                rate=getattr(settings, rate_setting),
                method=[method],
                increment=True,
            )
            if usage is not None and usage["should_limit"]:
                RATE_LIMITED.labels(group).inc()
                if reporter.due(f"rate limit {group}")[0]:
                    # One line per interval: a flood must not flood the log as well.
                    logger.warning("rate limit reached: group=%s", group)
                return too_many(request, retry_after=max(1, int(usage["time_left"])))
            return view(request)

        return wrapped

    return decorator


def too_many(request: HttpRequest, *, retry_after: int) -> HttpResponse:
    return try_again_later(
        request,
        code="rate_limited",
        message=_("Too many sign-in attempts came from your network. Please wait, then try again."),
        status=429,
        retry_after=retry_after,
        page=lambda: render(request, "429.html", {"retry_after": retry_after}, status=429),
    )
