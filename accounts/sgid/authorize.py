"""The authorization request (OIDC Core §3.1.2.1) and the login attempt that remembers it.

A login attempt holds what the callback needs to finish that one login: the `state` it is filed
under, the `nonce` the ID token must carry, the PKCE verifier, the exact `redirect_uri` string sent
(the token request must repeat it), where to go afterwards, and when it began.
"""

from __future__ import annotations

import secrets
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlencode

from .config import ClientConfig
from .errors import LoginCancelled, ProviderUnavailable, SgidError
from .pkce import new_verifier, s256_challenge


@dataclass(frozen=True)
class LoginAttempt:
    state: str
    nonce: str = field(repr=False)
    code_verifier: str = field(repr=False)
    redirect_uri: str
    next_path: str
    created_at: float
    # How the login was started: "page" (a form post) or "json" (a single-page app).
    mode: str = "page"

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
            next_path=str(data["next_path"]),
            created_at=float(data["created_at"]),
            mode=str(data.get("mode", "page")),
        )


def new_attempt(
    config: ClientConfig, *, next_path: str, now: float, mode: str = "page"
) -> LoginAttempt:
    """A login attempt with its own unguessable state, nonce and PKCE verifier."""
    return LoginAttempt(
        state=secrets.token_urlsafe(32),
        nonce=secrets.token_urlsafe(32),
        code_verifier=new_verifier(),
        redirect_uri=config.redirect_uri,
        next_path=next_path,
        created_at=now,
        mode=mode,
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


def error_from_callback(error: str) -> SgidError:
    """The error to raise for a callback carrying `error=…` (RFC 6749 §4.1.2.1)."""
    known = error if error in _KNOWN_ERRORS else "other"
    if known == "access_denied":
        return LoginCancelled("the person declined at sgID")
    return ProviderUnavailable(f"sgID returned an authorization error: {known}")
