"""Short-lived provider state in Django's default cache: authorization requests, codes, tokens.

The cache is shared by every process of the site, so a request started in one worker can be
finished in another. Keys are SHA-256 digests of the random identifiers, so values that arrive
in requests never reach the cache backend raw. An authorization code is redeemed by deleting
it: `cache.delete()` returns True to exactly one caller, which makes the code single-use even
when two token requests race (RFC 6749 §4.1.2).

Each authorization request also holds a form token, the secret its pages' forms must send back:
the dev provider's forms are protected by it instead of by the site's CSRF token (see
`views.py`). A decided request leaves a short-lived note of where it was going, so that the
Back button after signing in can offer the way back to the service.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass

from django.core.cache import cache

PREFIX = "sgid_mock"
AUTHORIZATION_REQUEST_TTL = 10 * 60
CODE_TTL = 60
ACCESS_TOKEN_TTL = 60 * 60


def _now() -> float:
    """The current time; the seam tests move to expire codes and tokens."""
    return time.time()


def _key(kind: str, identifier: str) -> str:
    digest = hashlib.sha256(identifier.encode("utf-8", "surrogatepass")).hexdigest()
    return f"{PREFIX}:{kind}:{digest}"


def _new_identifier() -> str:
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class AuthorizationRequest:
    """A validated authorization request, waiting for a persona and consent."""

    client_id: str
    redirect_uri: str
    scopes: tuple[str, ...]
    code_challenge: str
    state: str | None
    nonce: str | None
    created_at: float
    # Sent in this request's forms and nowhere else: not in any URL, so not in history, logs,
    # Referer headers or the QR code. Only a page this provider served for the request has it.
    form_token: str


@dataclass(frozen=True)
class CodeGrant:
    """What an authorization code stands for."""

    request: AuthorizationRequest
    persona_id: str
    issued_at: float


@dataclass(frozen=True)
class AccessGrant:
    """What an access token stands for."""

    client_id: str
    sub: str
    persona_id: str
    scopes: tuple[str, ...]
    issued_at: float
    expires_at: float


def save_authorization_request(
    *,
    client_id: str,
    redirect_uri: str,
    scopes: tuple[str, ...],
    code_challenge: str,
    state: str | None,
    nonce: str | None,
) -> str:
    """Store a validated request; returns its id, which appears in the mock's page URLs."""
    request_id = _new_identifier()
    request = AuthorizationRequest(
        client_id=client_id,
        redirect_uri=redirect_uri,
        scopes=scopes,
        code_challenge=code_challenge,
        state=state,
        nonce=nonce,
        created_at=_now(),
        form_token=_new_identifier(),
    )
    cache.set(_key("request", request_id), request, AUTHORIZATION_REQUEST_TTL)
    return request_id


def _remaining_life(request: AuthorizationRequest) -> float:
    return request.created_at + AUTHORIZATION_REQUEST_TTL - _now()


def get_authorization_request(request_id: str) -> AuthorizationRequest | None:
    request = cache.get(_key("request", request_id))
    if not isinstance(request, AuthorizationRequest) or _remaining_life(request) <= 0:
        return None
    return request


def take_authorization_request(request_id: str) -> AuthorizationRequest | None:
    """Remove and return a request, once: a double-clicked Approve yields one code."""
    request = get_authorization_request(request_id)
    if request is None or not cache.delete(_key("request", request_id)):
        return None
    cache.set(
        _key("finished", request_id), request.redirect_uri, max(1, int(_remaining_life(request)))
    )
    return request


def finished_redirect_uri(request_id: str) -> str | None:
    """Where a request that was approved or cancelled went back to, for a while afterwards."""
    redirect_uri = cache.get(_key("finished", request_id))
    return redirect_uri if isinstance(redirect_uri, str) else None


def choose_persona(request_id: str, persona_id: str) -> bool:
    """Remember who is signing in for a request; False if the request is gone."""
    request = get_authorization_request(request_id)
    if request is None:
        return False
    cache.set(_key("persona", request_id), persona_id, max(1, int(_remaining_life(request))))
    return True


def chosen_persona(request_id: str) -> str | None:
    persona_id = cache.get(_key("persona", request_id))
    return persona_id if isinstance(persona_id, str) else None


def issue_code(request: AuthorizationRequest, persona_id: str) -> str:
    code = _new_identifier()
    grant = CodeGrant(request=request, persona_id=persona_id, issued_at=_now())
    cache.set(_key("code", code), grant, CODE_TTL)
    return code


def redeem_code(code: str) -> CodeGrant | None:
    """The grant for a code, at most once and only while it is younger than CODE_TTL.

    A code presented again revokes the access token it was exchanged for (RFC 6749 §4.1.2).
    """
    key = _key("code", code)
    grant = cache.get(key)
    if not isinstance(grant, CodeGrant):
        _revoke_token_issued_for(code)
        return None
    if not cache.delete(key):  # another request redeemed it first
        return None
    if _now() - grant.issued_at >= CODE_TTL:
        return None
    return grant


def _revoke_token_issued_for(code: str) -> None:
    token_key = cache.get(_key("redeemed-code", code))
    if isinstance(token_key, str):
        cache.delete(token_key)


def issue_access_token(
    *, code: str, client_id: str, sub: str, persona_id: str, scopes: tuple[str, ...]
) -> tuple[str, AccessGrant]:
    """A new access token for a redeemed code, and the grant it stands for."""
    token = _new_identifier()
    issued_at = _now()
    grant = AccessGrant(
        client_id=client_id,
        sub=sub,
        persona_id=persona_id,
        scopes=scopes,
        issued_at=issued_at,
        expires_at=issued_at + ACCESS_TOKEN_TTL,
    )
    token_key = _key("access-token", token)
    cache.set(token_key, grant, ACCESS_TOKEN_TTL)
    cache.set(_key("redeemed-code", code), token_key, ACCESS_TOKEN_TTL)
    return token, grant


def get_access_grant(token: str) -> AccessGrant | None:
    grant = cache.get(_key("access-token", token))
    if not isinstance(grant, AccessGrant) or grant.expires_at <= _now():
        return None
    return grant
