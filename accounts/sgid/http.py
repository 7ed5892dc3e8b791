"""The one way the client talks to sgID: a bounded request whose failures become typed errors.

Transport failures and 5xx answers are `ProviderUnavailable`; a body that is not a JSON object is
`ProviderUntrusted`. Redirects are never followed (a secret or token must not travel elsewhere)
and bodies are read up to a limit, so a hostile endpoint cannot exhaust memory.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import requests
import requests.adapters

from .errors import ProviderUnavailable, ProviderUntrusted

MAX_BODY_BYTES = 1024 * 1024


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

    `what` names the endpoint in error reasons ("token endpoint").
    """
    try:
        response = http.request(
            method,
            url,
            data=data,
            headers={"Accept": "application/json", **(headers or {})},
            timeout=(timeout, timeout),
            allow_redirects=False,
            stream=True,
        )
        try:
            raw = _read_limited(response)
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
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ProviderUntrusted(f"{what} answered {status} with a body that is not JSON") from exc
    if not isinstance(body, dict):
        raise ProviderUntrusted(f"{what} answered {status} with JSON that is not an object")
    return JsonResponse(status=status, body=body)


def _read_limited(response: requests.Response) -> bytes:
    """The body, stopping one byte past the limit."""
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_content(chunk_size=64 * 1024):
        chunks.append(chunk)
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            break
    return b"".join(chunks)


def new_session(pool_size: int = 10) -> requests.Session:
    """A pooled session for one process: connections to sgID are reused across logins."""
    session = requests.Session()
    adapter = requests.adapters.HTTPAdapter(
        pool_connections=2, pool_maxsize=pool_size, max_retries=0
    )
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    # Proxies and credentials come from configuration, not from ~/.netrc or the environment.
    session.trust_env = False
    return session
