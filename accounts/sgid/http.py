"""The one way the client talks to sgID: a bounded request whose failures become typed errors.

Transport failures, 5xx and non-JSON 4xx answers are `ProviderUnavailable`; a 2xx body that is
not a JSON object is `ProviderUntrusted`. Redirects are never followed (a secret or token must not
travel elsewhere). The body is read up to a size limit and within a total deadline, so a hostile
or broken endpoint that drips bytes cannot hold a worker longer than about twice the timeout.
"""

from __future__ import annotations

import http.cookiejar
import time
from dataclasses import dataclass
from typing import Any

import requests
import requests.adapters

from .errors import ProviderUnavailable, ProviderUntrusted
from .jsontext import loads

MAX_BODY_BYTES = 1024 * 1024
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class JsonResponse:
    status: int
    body: dict[str, Any]


def request_json(
    http: requests.Session,
    method: str,
    url: str,
    *,
    what: str,
    timeout: float,
    data: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> JsonResponse:
    """Send one request; return the status and JSON object, or raise a typed error.

    `timeout` bounds connecting and each wait for data; the body must also arrive within
    `timeout` of the headers. `what` names the endpoint in error reasons ("token endpoint").
    """
    try:
        response = http.request(
            method,
            url,
            data=data,
            # Uncompressed answers only: the size limit then bounds memory, with no gzip bomb.
            headers={
                "Accept": "application/json",
                "Accept-Encoding": "identity",
                **(headers or {}),
            },
            timeout=(timeout, timeout),
            allow_redirects=False,
            stream=True,
        )
        try:
            raw = _read_limited(response, deadline=time.monotonic() + timeout, what=what)
        finally:
            response.close()
    except requests.Timeout as exc:
        raise ProviderUnavailable(f"{what} timed out") from exc
    except (requests.RequestException, OSError) as exc:
        raise ProviderUnavailable(f"{what} unreachable ({type(exc).__name__})") from exc

    status = response.status_code
    if status >= 500:
        raise ProviderUnavailable(f"{what} answered {status}")
    if len(raw) > MAX_BODY_BYTES:
        raise ProviderUntrusted(f"{what} answered more than {MAX_BODY_BYTES} bytes")
    try:
        body = loads(raw)
    except ValueError as exc:
        # A gateway's HTML error page (429, 403, ...) is an outage, not tampering.
        if status >= 400:
            raise ProviderUnavailable(f"{what} answered {status}") from exc
        raise ProviderUntrusted(f"{what} answered {status} with a body that is not JSON") from exc
    if not isinstance(body, dict):
        raise ProviderUntrusted(f"{what} answered {status} with JSON that is not an object")
    return JsonResponse(status=status, body=body)


def _read_limited(response: requests.Response, *, deadline: float, what: str) -> bytes:
    """The body, stopping one byte past the size limit, or when the deadline passes."""
    raw = response.raw
    # read1 returns what has arrived instead of waiting to fill the chunk, so the deadline is
    # checked at least once per socket timeout even when the server sends a byte at a time.
    read = getattr(raw, "read1", None) or raw.read
    chunks: list[bytes] = []
    size = 0
    while size <= MAX_BODY_BYTES:
        if time.monotonic() > deadline:
            raise ProviderUnavailable(f"{what} took too long to send its answer")
        chunk = read(_CHUNK)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def new_session(pool_size: int = 10) -> requests.Session:
    """A pooled session for one process: connections to sgID are reused across logins.

    The session is shared by every login, so it keeps no cookies: a cookie sgID (or a load
    balancer in front of it) sets for one person's call must not ride along with the next one's.
    Proxy and CA-bundle settings from the environment (HTTPS_PROXY, REQUESTS_CA_BUNDLE) apply.
    """
    session = requests.Session()
    session.cookies.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
    adapter = requests.adapters.HTTPAdapter(
        pool_connections=2, pool_maxsize=pool_size, max_retries=0
    )
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session
