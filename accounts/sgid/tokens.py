"""The token request (OIDC Core §3.1.3.1, RFC 6749 §4.1.3) with PKCE (RFC 7636 §4.5).

sgID authenticates clients with `client_secret_post`: the id and secret travel in the form body.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import requests

from .config import ClientConfig
from .errors import LoginExpired, ProviderUnavailable, ProviderUntrusted
from .http import request_json

# RFC 6749 §5.2; any other value is sgID's free text and stays out of the logs.
_TOKEN_ERRORS = frozenset(
    {
        "invalid_request",
        "invalid_client",
        "invalid_grant",
        "unauthorized_client",
        "unsupported_grant_type",
        "invalid_scope",
    }
)


@dataclass(frozen=True)
class TokenResponse:
    access_token: str = field(repr=False)
    id_token: str = field(repr=False)


def exchange_code(
    http: requests.Session,
    config: ClientConfig,
    *,
    code: str,
    code_verifier: str,
    redirect_uri: str,
) -> TokenResponse:
    """Exchange an authorization code for sgID's access token and ID token."""
    response = request_json(
        http,
        "POST",
        config.token_endpoint,
        what="token endpoint",
        timeout=config.http_timeout,
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "client_id": config.client_id,
            "client_secret": config.client_secret,
            "code_verifier": code_verifier,
        },
    )
    body = response.body
    if response.status != 200:
        error = body.get("error")
        # RFC 6749 §5.2: the code is invalid, expired, already used, or its PKCE proof failed.
        if error == "invalid_grant":
            raise LoginExpired("token endpoint: invalid_grant")
        shown = error if error in _TOKEN_ERRORS else "other"
        raise ProviderUnavailable(
            f"token endpoint refused the request ({response.status}, {shown})"
        )
    access_token = body.get("access_token")
    id_token = body.get("id_token")
    if not isinstance(access_token, str) or not access_token:
        raise ProviderUntrusted("token response without an access_token")
    if not isinstance(id_token, str) or not id_token:
        raise ProviderUntrusted("token response without an id_token")
    token_type = body.get("token_type", "Bearer")
    if not isinstance(token_type, str) or token_type.lower() != "bearer":
        raise ProviderUntrusted("token response with a token_type other than Bearer")
    return TokenResponse(access_token=access_token, id_token=id_token)
