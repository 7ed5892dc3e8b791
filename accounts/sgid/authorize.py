"""The authorization request (OIDC Core §3.1.2.1) and the login attempt that remembers it.

A login attempt holds what the protocol needs to finish that one login: the `state` it is filed
under, the `nonce` the ID token must carry, the PKCE verifier, the exact `redirect_uri` string sent
(the token request must repeat it), and when it began. Where the person goes afterwards, and how
the login was started, are the site's business (accounts/attempts.py), not the protocol's.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlencode

from .config import ClientConfig
from .errors import LoginCancelled, ProviderUnavailable, ProviderUntrusted, SgidError
from .pkce import new_verifier, s256_challenge


@dataclass(frozen=True)
class LoginAttempt:
    state: str
    nonce: str = field(repr=False)
    code_verifier: str = field(repr=False)
    redirect_uri: str
    created_at: float

    def is_expired(self, now: float, lifetime: float) -> bool:
        return not (self.created_at <= now < self.created_at + lifetime)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LoginAttempt:
        return cls(
            state=str(data["state"]),
            nonce=str(data["nonce"]),
            code_verifier=str(data["code_verifier"]),
            redirect_uri=str(data["redirect_uri"]),
            created_at=float(data["created_at"]),
        )


def new_attempt(config: ClientConfig, *, now: float) -> LoginAttempt:
    """A login attempt with its own unguessable state, nonce and PKCE verifier."""
    return LoginAttempt(
        state=secrets.token_urlsafe(32),
        nonce=secrets.token_urlsafe(32),
        code_verifier=new_verifier(),
        redirect_uri=config.redirect_uri,
        created_at=now,
    )


def authorization_url(config: ClientConfig, attempt: LoginAttempt) -> str:
    """The sgID authorize URL the browser is sent to for this attempt."""
    query = urlencode(
        {
            "response_type": "code",
            "client_id": config.client_id,
            "redirect_uri": attempt.redirect_uri,
            "scope": " ".join(config.scopes),
            "state": attempt.state,
            "nonce": attempt.nonce,
            "code_challenge": s256_challenge(attempt.code_verifier),
            "code_challenge_method": "S256",
        }
    )
    return f"{config.authorize_endpoint}?{query}"


# RFC 6749 §4.1.2.1 error codes; anything else is logged as "other" (the value is
# attacker-controlled text and does not belong in a log line).
_KNOWN_ERRORS = frozenset(
    {
        "invalid_request",
        "unauthorized_client",
        "access_denied",
        "unsupported_response_type",
        "invalid_scope",
        "server_error",
        "temporarily_unavailable",
    }
)


# An authorization code is an opaque string (RFC 6749 §4.1.2); sgID's are far shorter. A longer
# one is no code sgID sent, and is not forwarded to its token endpoint.
MAX_CODE_LENGTH = 2048


def code_from_callback(query: Mapping[str, str]) -> str:
    """The authorization code in the callback's query, or the error it carries instead.

    RFC 6749 §4.1.2: `code` on success; §4.1.2.1: `error` when the person declined or sgID
    refused. Only call this for a callback whose `state` named a live attempt: without one, not
    even `error=` is sgID's word.
    """
    if error := query.get("error"):
        raise error_from_callback(error)
    code = query.get("code", "")
    if not code or len(code) > MAX_CODE_LENGTH:
        raise ProviderUntrusted("callback without a usable code")
    return code


def error_from_callback(error: str) -> SgidError:
    """The error to raise for a callback carrying `error=…` (RFC 6749 §4.1.2.1)."""
    known = error if error in _KNOWN_ERRORS else "other"
    if known == "access_denied":
        return LoginCancelled("the person declined at sgID")
    return ProviderUnavailable(f"sgID returned an authorization error: {known}")
