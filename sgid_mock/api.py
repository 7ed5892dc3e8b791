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


def _token_error(error: str, description: str, status: int = 400) -> JsonResponse:
    logger.info("token request refused: %s (%s)", error, description)
    body = {"error": error, "error_description": description}
    return _no_store(JsonResponse(body, status=status))


class _RepeatedParameter(Exception):
    pass


def _single(params: QueryDict, name: str) -> str:
    values = params.getlist(name)
    if len(values) > 1:
        raise _RepeatedParameter(name)
    return values[0] if values else ""


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


def _client_authenticated(client_id: str, client_secret: str) -> bool:
    # Both compared, always, in constant time: no hint which one was wrong.
    id_ok = _same(client_id, settings.SGID_MOCK_CLIENT_ID)
    secret_ok = _same(client_secret, settings.SGID_MOCK_CLIENT_SECRET)
    return id_ok and secret_ok


@csrf_exempt
@require_POST
def token(request: HttpRequest) -> JsonResponse:
    """RFC 6749 §4.1.3 with client_secret_post and PKCE (RFC 7636 §4.5)."""
    if request.content_type != "application/x-www-form-urlencoded":
        return _token_error(
            "invalid_request", "send the parameters as application/x-www-form-urlencoded"
        )
    names = ("grant_type", "code", "redirect_uri", "client_id", "client_secret", "code_verifier")
    try:
        params = {name: _single(request.POST, name) for name in names}
    except _RepeatedParameter as repeated:
        return _token_error("invalid_request", f"{repeated} was sent more than once")
    if not params["grant_type"]:
        return _token_error("invalid_request", "grant_type is required")
    if params["grant_type"] != "authorization_code":
        return _token_error("unsupported_grant_type", "grant_type must be authorization_code")
    if not _client_authenticated(params["client_id"], params["client_secret"]):
        return _token_error(
            "invalid_client", "unknown client or wrong secret (client_secret_post)", status=401
        )
    for name in ("code", "redirect_uri", "code_verifier"):
        if not params[name]:
            return _token_error("invalid_request", f"{name} is required")

    code = params["code"]
    grant = store.redeem_code(code)
    if grant is None:
        return _token_error("invalid_grant", "the code is unknown, expired or already used")
    authorization = grant.request
    if authorization.client_id != params["client_id"]:
        return _token_error("invalid_grant", "the code was issued to another client")
    if authorization.redirect_uri != params["redirect_uri"]:
        return _token_error("invalid_grant", "redirect_uri differs from the authorization request")
    if not pkce.verifier_matches(params["code_verifier"], authorization.code_challenge):
        return _token_error("invalid_grant", "code_verifier does not match the code_challenge")

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
    body = {
        "access_token": access_token,
        "id_token": id_token,
        "token_type": "Bearer",
        "expires_in": store.ACCESS_TOKEN_TTL,
        "scope": " ".join(authorization.scopes),
    }
    return _no_store(JsonResponse(body))


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
        client_key = keys.client_encryption_key(keys.key_dir())
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
