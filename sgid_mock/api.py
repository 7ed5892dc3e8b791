"""The JSON endpoints a relying party's server calls: token, userinfo, JWKS and discovery.

The issuer is derived from the request (scheme, host and mount path), so the provider is
whatever origin the relying party reaches it at, e.g. `http://127.0.0.1:8000/sgid-mock/v2`.
"""

from __future__ import annotations

import hmac
import logging
from typing import Any

from django.conf import settings
from django.http import HttpRequest, JsonResponse, QueryDict
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from sgid_mock import e2ee, keys, personas, pkce, scopes, store, tokens

_DISCOVERY_PATH = "/.well-known/openid-configuration"

# Failure categories only: never codes, tokens, secrets or personal data.
logger = logging.getLogger(__name__)


def issuer(request: HttpRequest) -> str:
    discovery = request.build_absolute_uri(reverse("sgid_mock:openid_configuration"))
    return discovery.removesuffix(_DISCOVERY_PATH)


def _no_store(response: JsonResponse) -> JsonResponse:
    # RFC 6749 §5.1: responses carrying tokens must not be cached.
    response["Cache-Control"] = "no-store"
    response["Pragma"] = "no-cache"
    return response


class _TokenRefused(Exception):
    """A refused token request: its RFC 6749 §5.2 error code, description and HTTP status."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status


def _token_error(refused: _TokenRefused) -> JsonResponse:
    logger.info("token request refused: %s (%s)", refused.error, refused.description)
    body = {"error": refused.error, "error_description": refused.description}
    return _no_store(JsonResponse(body, status=refused.status))


_TOKEN_PARAMETERS = (
    "grant_type",
    "code",
    "redirect_uri",
    "client_id",
    "client_secret",
    "code_verifier",
)


def _single(params: QueryDict, name: str) -> str:
    values = params.getlist(name)
    if len(values) > 1:
        raise _TokenRefused("invalid_request", f"{name} was sent more than once")
    return values[0] if values else ""


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


def _client_authenticated(client_id: str, client_secret: str) -> bool:
    # Both compared, always, in constant time: no hint which one was wrong.
    id_ok = _same(client_id, settings.SGID_MOCK_CLIENT_ID)
    secret_ok = _same(client_secret, settings.SGID_MOCK_CLIENT_SECRET)
    return id_ok and secret_ok


def _token_params(request: HttpRequest) -> dict[str, str]:
    """The token request's parameters, checked before the code is touched (RFC 6749 §5.2).

    The order is the answer a client sees when several things are wrong: the client is
    authenticated before anything about the code is looked at, so invalid_client comes first.
    """
    if request.content_type != "application/x-www-form-urlencoded":
        raise _TokenRefused(
            "invalid_request", "send the parameters as application/x-www-form-urlencoded"
        )
    params = {name: _single(request.POST, name) for name in _TOKEN_PARAMETERS}
    if not params["grant_type"]:
        raise _TokenRefused("invalid_request", "grant_type is required")
    if params["grant_type"] != "authorization_code":
        raise _TokenRefused("unsupported_grant_type", "grant_type must be authorization_code")
    if not _client_authenticated(params["client_id"], params["client_secret"]):
        raise _TokenRefused(
            "invalid_client", "unknown client or wrong secret (client_secret_post)", status=401
        )
    for name in ("code", "redirect_uri", "code_verifier"):
        if not params[name]:
            raise _TokenRefused("invalid_request", f"{name} is required")
    return params


def _redeem(params: dict[str, str]) -> store.CodeGrant:
    """Use up the code, then check it was issued for this request (RFC 6749 §4.1.3).

    The code is spent even when a check fails, so a wrong guess cannot be retried.
    """
    grant = store.redeem_code(params["code"])
    if grant is None:
        raise _TokenRefused("invalid_grant", "the code is unknown, expired or already used")
    authorization = grant.request
    if authorization.client_id != params["client_id"]:
        raise _TokenRefused("invalid_grant", "the code was issued to another client")
    if authorization.redirect_uri != params["redirect_uri"]:
        raise _TokenRefused("invalid_grant", "redirect_uri differs from the authorization request")
    # RFC 7636 §4.6: the verifier must hash to the challenge sent with the authorization request.
    if not pkce.verifier_matches(params["code_verifier"], authorization.code_challenge):
        raise _TokenRefused("invalid_grant", "code_verifier does not match the code_challenge")
    return grant


def _tokens_for(request: HttpRequest, grant: store.CodeGrant, code: str) -> dict[str, Any]:
    """The successful token response's body (RFC 6749 §5.1, OIDC Core §3.1.3.3)."""
    authorization = grant.request
    signing_key = keys.signing_key(keys.key_dir())
    sub = tokens.pairwise_sub(
        signing_key, client_id=authorization.client_id, persona_id=grant.persona_id
    )
    access_token, access = store.issue_access_token(
        code=code,
        client_id=authorization.client_id,
        sub=sub,
        persona_id=grant.persona_id,
        scopes=authorization.scopes,
    )
    id_token = tokens.mint_id_token(
        signing_key,
        issuer=issuer(request),
        sub=sub,
        client_id=authorization.client_id,
        nonce=authorization.nonce,
        access_token=access_token,
        issued_at=int(access.issued_at),
    )
    return {
        "access_token": access_token,
        "id_token": id_token,
        "token_type": "Bearer",
        "expires_in": store.ACCESS_TOKEN_TTL,
        "scope": " ".join(authorization.scopes),
    }


@csrf_exempt
@require_POST
def token(request: HttpRequest) -> JsonResponse:
    """RFC 6749 §4.1.3 with client_secret_post and PKCE (RFC 7636 §4.5)."""
    try:
        params = _token_params(request)
        grant = _redeem(params)
    except _TokenRefused as refused:
        return _token_error(refused)
    return _no_store(JsonResponse(_tokens_for(request, grant, params["code"])))


def _bearer_token(request: HttpRequest) -> str | None:
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    value = value.strip()
    return value if scheme.lower() == "bearer" and value else None


def _invalid_token() -> JsonResponse:
    logger.info("userinfo request refused: invalid_token")
    response = _no_store(JsonResponse({"error": "invalid_token"}, status=401))
    response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
    return response


@require_GET
def userinfo(request: HttpRequest) -> JsonResponse:
    """OIDC Core §5.3 with sgID's end-to-end encryption of every value."""
    access_token = _bearer_token(request)
    grant = store.get_access_grant(access_token) if access_token else None
    persona = personas.get(grant.persona_id) if grant else None
    if grant is None or persona is None:
        return _invalid_token()
    body: dict[str, Any] = {"sub": grant.sub}
    shared = [scope for scope in grant.scopes if scope != scopes.OPENID]
    if shared:
        values = {scope: persona.value(scope) for scope in shared}
        client_key = keys.registered_client_key()
        body["key"], body["data"] = e2ee.encrypt_userinfo(values, client_key)
    return _no_store(JsonResponse(body))


@require_GET
def jwks(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"keys": [keys.signing_key(keys.key_dir()).public_jwk]})


@require_GET
def openid_configuration(request: HttpRequest) -> JsonResponse:
    """OpenID Connect Discovery 1.0 §3, consistent with what the endpoints accept."""

    def url(name: str) -> str:
        return request.build_absolute_uri(reverse(f"sgid_mock:{name}"))

    return JsonResponse(
        {
            "issuer": issuer(request),
            "authorization_endpoint": url("authorize"),
            "token_endpoint": url("token"),
            "userinfo_endpoint": url("userinfo"),
            "jwks_uri": url("jwks"),
            "scopes_supported": list(scopes.SUPPORTED),
            "response_types_supported": ["code"],
            "response_modes_supported": ["query"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post"],
            "code_challenge_methods_supported": [pkce.METHOD],
            "claims_supported": ["iss", "sub", "aud", "exp", "iat", "nonce", "amr", "at_hash"],
        }
    )
