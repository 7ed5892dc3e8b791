"""A request id for every request, one log line per request, and the id in every log record.

The id comes from a trusted proxy's `X-Request-ID` when it is a plain token, else it is made here;
it goes back in the response's `X-Request-ID` and on error pages, so a citizen can quote it to
support. The request line is logged as method, path (never the query string: the callback's holds
the authorization code), status and duration. Method and path are the client's text: their control
characters are escaped, as Django's own `log_response` does, so a `%0a` in a path cannot write a
line of its own into the log.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

from operations.addresses import from_trusted_proxy
from operations.metrics import REQUESTS

_request_id: ContextVar[str] = ContextVar("request_id", default="-")
_ACCEPTABLE_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
logger = logging.getLogger("sgid_rp.request")


def current_request_id() -> str:
    return _request_id.get()


def _escaped(text: str) -> str:
    """Client text on one log line: control characters (and non-ASCII) as `\\n`, `\\x1b`."""
    return text.encode("unicode_escape").decode("ascii")


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record, and keeps query strings out of the log.

    Django's own `django.request` records (4xx and 5xx answers) carry the request object, whose
    text shows the full URL: on the callback, that is the authorization code. Formatters that
    print extra attributes (JSON) would write it out, so it is replaced by method and path.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        request_id = _request_id.get()
        if isinstance(request, HttpRequest):
            request_id = getattr(request, "request_id", request_id)
            record.request = _escaped(f"{request.method} {request.path}")
        record.request_id = request_id
        return True


class RequestLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Only a proxy we trust names the request; anyone else could pick a colliding id.
        incoming = request.headers.get("X-Request-ID", "") if from_trusted_proxy(request) else ""
        request_id = incoming if _ACCEPTABLE_ID.fullmatch(incoming) else uuid.uuid4().hex
        token = _request_id.set(request_id)
        # Django logs 4xx/5xx answers after the middleware has returned: keep the id reachable.
        request.request_id = request_id  # type: ignore[attr-defined]
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            duration_ms = (time.perf_counter() - started) * 1000
            response["X-Request-ID"] = request_id
            match = request.resolver_match
            route = (match.url_name or match.view_name) if match is not None else "unmatched"
            REQUESTS.labels(route, str(response.status_code)).inc()
            method, path = _escaped(request.method or ""), _escaped(request.path)
            logger.info(
                "%s %s %s %.1fms",
                method,
                path,
                response.status_code,
                duration_ms,
                extra={
                    "method": method,
                    "path": path,
                    "status": response.status_code,
                    "duration_ms": round(duration_ms, 1),
                },
            )
            return response
        finally:
            _request_id.reset(token)


def request_id(request: HttpRequest) -> dict[str, str]:
    """Template context processor: `{{ request_id }}` for error pages."""
    return {"request_id": _request_id.get()}
