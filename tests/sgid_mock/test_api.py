"""Token, userinfo, JWKS and discovery, as a relying party's server sees them."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

import jwt
import pytest
from django.test import Client
from jwcrypto import jwe, jwk

from sgid_mock import keys, store
from tests.support.relying_party import (
    CLIENT_ID,
    ISSUER,
    MOUNT,
    OTHER_REDIRECT_URI,
    Flow,
)

pytestmark = pytest.mark.urls("tests.support.urlconfs.dev_sgid_alone")


def _verified_claims(client: Client, id_token: str, **options: Any) -> dict[str, Any]:
    jwks = client.get(f"{MOUNT}/.well-known/jwks.json").json()
    kid = jwt.get_unverified_header(id_token)["kid"]
    (entry,) = [key for key in jwks["keys"] if key["kid"] == kid]
    claims: dict[str, Any] = jwt.decode(
        id_token,
        key=jwt.PyJWK(entry),
        algorithms=["RS256"],
        audience=CLIENT_ID,
        **({"issuer": ISSUER} | options),
    )
    return claims


def _decrypt(body: dict[str, Any]) -> dict[str, str]:
    """Userinfo `data` in the clear, using the client's private key file."""
    private = jwk.JWK.from_pem((keys.key_dir() / keys.CLIENT_KEY_FILE).read_bytes())
    outer = jwe.JWE()
    outer.deserialize(body["key"], key=private)
    assert outer.jose_header == {"alg": "RSA-OAEP-256", "enc": "A256GCM"}
    symmetric = jwk.JWK.from_json(outer.payload)
    assert symmetric["kty"] == "oct"
    assert len(base64.urlsafe_b64decode(symmetric["k"] + "==")) == 16
    values = {}
    for scope, token in body["data"].items():
        inner = jwe.JWE()
        inner.deserialize(token, key=symmetric)
        assert inner.jose_header["alg"] == "A128GCMKW"
        assert inner.jose_header["enc"] == "A128GCM"
        values[scope] = inner.payload.decode("utf-8")
    return values


# --- token ---------------------------------------------------------------------------------


def test_token_response_carries_tokens_and_is_not_cached(flow: Flow) -> None:
    response = flow.token(flow.code())
    body = response.json()

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert body["scope"].split()[0] == "openid"
    assert body["access_token"]
    assert body["id_token"].count(".") == 2


def test_id_token_verifies_with_the_jwks_and_has_the_expected_claims(
    flow: Flow, client: Client
) -> None:
    body = flow.tokens()

    header = jwt.get_unverified_header(body["id_token"])
    claims = _verified_claims(client, body["id_token"])

    assert header["alg"] == "RS256"
    assert header["typ"] == "JWT"
    assert claims["iss"] == "http://testserver/sgid-mock/v2"
    assert claims["aud"] == CLIENT_ID
    assert claims["nonce"] == flow.nonce
    assert claims["amr"] == ["pwd"]
    assert claims["exp"] - claims["iat"] == 600
    digest = hashlib.sha256(body["access_token"].encode("ascii")).digest()
    expected_at_hash = base64.urlsafe_b64encode(digest[:16]).rstrip(b"=").decode()
    assert claims["at_hash"] == expected_at_hash


def test_id_token_carries_no_personal_data(flow: Flow, client: Client) -> None:
    claims = _verified_claims(client, flow.tokens()["id_token"])

    assert set(claims) == {"iss", "sub", "aud", "iat", "exp", "nonce", "amr", "at_hash"}
    assert "S8503127I" not in json.dumps(claims)


def test_id_token_has_no_nonce_when_none_was_sent(flow: Flow, client: Client) -> None:
    claims = _verified_claims(client, flow.tokens(nonce=None)["id_token"])

    assert "nonce" not in claims


def test_issuer_follows_the_origin_the_provider_is_reached_at(flow: Flow) -> None:
    code = flow.code()
    flow.client.defaults["HTTP_HOST"] = "127.0.0.1:8000"

    response = flow.token(code)

    claims = _verified_claims(flow.client, response.json()["id_token"], issuer=None)
    assert claims["iss"] == "http://127.0.0.1:8000/sgid-mock/v2"


@pytest.mark.parametrize(
    "overrides",
    [{"client_secret": "wrong"}, {"client_id": "someone-else"}, {"client_secret": "wrönğ"}],
)
def test_wrong_client_credentials_are_unauthorized(flow: Flow, overrides: dict[str, str]) -> None:
    response = flow.token(flow.code(), **overrides)

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert response["Cache-Control"] == "no-store"


def test_wrong_grant_type_is_unsupported(flow: Flow) -> None:
    response = flow.token(flow.code(), grant_type="refresh_token")

    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"


def test_json_body_is_refused(flow: Flow, client: Client) -> None:
    response = client.post(
        f"{MOUNT}/oauth/token",
        {"grant_type": "authorization_code"},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_get_on_token_endpoint_is_not_allowed(client: Client) -> None:
    assert client.get(f"{MOUNT}/oauth/token").status_code == 405


def test_code_reuse_is_an_invalid_grant_and_revokes_the_first_token(flow: Flow) -> None:
    code = flow.code()
    first = flow.token(code)

    second = flow.token(code)

    assert first.status_code == 200
    assert second.status_code == 400
    assert second.json() == {
        "error": "invalid_grant",
        "error_description": "the code is unknown, expired or already used",
    }
    assert flow.userinfo(first.json()["access_token"]).status_code == 401


@pytest.mark.parametrize(
    "verifier",
    [
        "x" * 43,  # well formed, does not match
        "short",
        "a" * 129,
        "ä" * 43,
    ],
)
def test_wrong_code_verifier_is_an_invalid_grant(flow: Flow, verifier: str) -> None:
    response = flow.token(flow.code(), code_verifier=verifier)

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_wrong_redirect_uri_is_an_invalid_grant(flow: Flow) -> None:
    response = flow.token(flow.code(), redirect_uri=OTHER_REDIRECT_URI)

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_unknown_code_is_an_invalid_grant(flow: Flow) -> None:
    response = flow.token("no-such-code")

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_code_older_than_a_minute_is_an_invalid_grant(
    flow: Flow, monkeypatch: pytest.MonkeyPatch
) -> None:
    code = flow.code()
    issued = store._now()
    monkeypatch.setattr(store, "_now", lambda: issued + 60)

    response = flow.token(code)

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_missing_code_is_an_invalid_request(flow: Flow) -> None:
    response = flow.token("")

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


# --- userinfo ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer "},
        {"Authorization": "Bearer unknown"},
        {"Authorization": "Basic eDp5"},
    ],
)
def test_userinfo_without_a_valid_bearer_token_is_unauthorized(
    client: Client, headers: dict[str, str]
) -> None:
    response = client.get(f"{MOUNT}/oauth/userinfo", headers=headers)

    assert response.status_code == 401
    assert response.json() == {"error": "invalid_token"}
    assert response["WWW-Authenticate"] == 'Bearer error="invalid_token"'


def test_userinfo_decrypts_to_the_personas_exact_values(flow: Flow, client: Client) -> None:
    tokens = flow.tokens("nguyen-thi-mai", scope="openid myinfo.name myinfo.date_of_birth")

    response = flow.userinfo(tokens["access_token"])
    body = response.json()

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert body["sub"] == _verified_claims(client, tokens["id_token"])["sub"]
    assert _decrypt(body) == {"myinfo.name": "NGUYỄN THỊ MAI", "myinfo.date_of_birth": "1990-07"}


def test_userinfo_is_encrypted_to_the_client_key_registered_last(
    flow: Flow, settings: Any, tmp_path: Any
) -> None:
    upcoming = jwk.JWK.generate(kty="RSA", size=2048)
    registered = tmp_path / "registered.pem"
    registered.write_bytes(upcoming.export_to_pem())  # its public key only, as sgID holds it
    settings.SGID_MOCK_CLIENT_KEY_FILE = str(registered)
    tokens = flow.tokens("nguyen-thi-mai", scope="openid myinfo.name")

    body = flow.userinfo(tokens["access_token"]).json()

    with pytest.raises(Exception, match="No recipient matched"):
        _decrypt(body)  # the generated client key no longer opens it
    outer = jwe.JWE()
    outer.deserialize(body["key"], key=upcoming)
    inner = jwe.JWE()
    inner.deserialize(body["data"]["myinfo.name"], key=jwk.JWK.from_json(outer.payload))
    assert inner.payload.decode() == "NGUYỄN THỊ MAI"


def test_userinfo_sends_json_text_and_multi_line_values_as_they_are(flow: Flow) -> None:
    tokens = flow.tokens("nur-aisyah")

    values = _decrypt(flow.userinfo(tokens["access_token"]).json())

    assert (
        values["myinfo.registered_address"] == "BLK 45 SAMPLE STREET 11\n#02-07\nSINGAPORE 310045"
    )
    assert json.loads(values["pocdex.public_officer_details"])[0]["agency_name"]
    assert json.loads(values["myinfo.vehicles"])[0]["vehicle_number"] == "SKX1234A"
    assert values["myinfo.children_birth_records"] == "NA"


def test_missing_and_unknown_scopes_are_na(flow: Flow) -> None:
    tokens = flow.tokens("koh-ah-beng", scope="openid myinfo.email myinfo.not_a_thing")

    values = _decrypt(flow.userinfo(tokens["access_token"]).json())

    assert values == {"myinfo.email": "NA", "myinfo.not_a_thing": "NA"}


def test_openid_only_gives_just_the_sub(flow: Flow) -> None:
    tokens = flow.tokens(scope="openid")

    body = flow.userinfo(tokens["access_token"]).json()

    assert set(body) == {"sub"}


def test_each_response_uses_a_fresh_symmetric_key(flow: Flow) -> None:
    access_token = flow.tokens(scope="openid myinfo.name")["access_token"]

    first = flow.userinfo(access_token).json()
    second = flow.userinfo(access_token).json()

    assert first["key"] != second["key"]
    assert _decrypt(first) == _decrypt(second)


def test_expired_access_token_is_unauthorized(flow: Flow, monkeypatch: pytest.MonkeyPatch) -> None:
    access_token = flow.tokens()["access_token"]
    issued = store._now()
    monkeypatch.setattr(store, "_now", lambda: issued + 3600)

    assert flow.userinfo(access_token).status_code == 401


def test_sub_is_stable_for_a_persona(flow: Flow, client: Client) -> None:
    first = flow.tokens("lim-wei-ming")
    second = Flow(client).tokens("lim-wei-ming")
    other = Flow(client).tokens("nur-aisyah")

    def sub(tokens: dict[str, str]) -> str:
        return str(_verified_claims(client, tokens["id_token"])["sub"])

    assert sub(first) == sub(second) != sub(other)


# --- keys and discovery --------------------------------------------------------------------


def test_jwks_publishes_the_signing_key(client: Client) -> None:
    response = client.get(f"{MOUNT}/.well-known/jwks.json")

    (entry,) = response.json()["keys"]
    assert set(entry) == {"kty", "n", "e", "kid", "use", "alg"}
    assert (entry["kty"], entry["use"], entry["alg"]) == ("RSA", "sig", "RS256")
    assert "d" not in entry


def test_discovery_document_matches_the_endpoints(client: Client) -> None:
    document = client.get(f"{MOUNT}/.well-known/openid-configuration").json()

    assert document["issuer"] == ISSUER
    assert document["authorization_endpoint"] == f"{ISSUER}/oauth/authorize"
    assert document["token_endpoint"] == f"{ISSUER}/oauth/token"
    assert document["userinfo_endpoint"] == f"{ISSUER}/oauth/userinfo"
    assert document["jwks_uri"] == f"{ISSUER}/.well-known/jwks.json"
    assert document["response_types_supported"] == ["code"]
    assert document["code_challenge_methods_supported"] == ["S256"]
    assert document["token_endpoint_auth_methods_supported"] == ["client_secret_post"]
    assert document["id_token_signing_alg_values_supported"] == ["RS256"]
    assert {"openid", "myinfo.name", "pocdex.public_officer_details"} <= set(
        document["scopes_supported"]
    )
