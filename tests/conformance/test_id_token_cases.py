"""ID-token and userinfo checks against a hostile sgID, case by case.

Mirrors the OpenID RP certification cases for the code flow:
- rp-response_type-code, rp-token_endpoint-client_secret_post: the happy path (the provider
  checks code, PKCE S256, client id and secret in the body, and the exact redirect_uri);
- rp-id_token-sig-rs256, rp-id_token-bad-sig-rs256: invalid RS256 signature;
- rp-id_token-sig-none, rp-id_token-sig-hs256, rp-id_token-sig-es256: each expected to be
  *rejected* here, since sgID's clients are registered for RS256 (OIDC Core §3.1.3.7 (7));
- rp-id_token-issuer-mismatch, rp-id_token-aud (with azp, §3.1.3.7 (4)-(5)), rp-id_token-iat,
  rp-id_token-sub (and sub's form, OIDC Core §2), rp-nonce-invalid; exp and a future iat have
  no certification id of their own (§3.1.3.7 (9)-(10));
- rp-id_token-kid-absent-single-jwks, rp-id_token-kid-absent-multiple-jwks,
  rp-key-rotation-op-sign-key (and its negative: a kid that stays unknown);
- rp-userinfo-bad-sub-claim, rp-userinfo-bearer-header, rp-scope-userinfo-claims.
"""

from __future__ import annotations

import base64
import json
import time

import pytest
import requests
from django.test import Client
from jwcrypto import jwk

from tests.support import material as m
from tests.support.conformance import (
    CLIENT_ID,
    CLIENT_SECRET,
    REDIRECT_URI,
    assert_logged_in,
    assert_rejected,
    login,
)

pytestmark = pytest.mark.django_db


def _now() -> int:
    return int(time.time())


def _tamper_payload(token: str) -> str:
    """The same signature over claims that now name another subject."""
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = "someone-else"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


def assert_id_token_rejected(client, hostile, caplog) -> None:
    """Untrusted, and refused before its access token was ever used at userinfo."""
    assert_rejected(client, login(client, hostile), "untrusted", hostile, caplog)
    assert hostile.count("userinfo") == 0


def test_happy_path_signs_in_with_a_correct_token_request(client, hostile, caplog):
    me = assert_logged_in(client, login(client, hostile), hostile, caplog)
    assert me["name"] == "TAN AH KOW"
    assert [r.endpoint for r in hostile.requests] == ["token", "jwks", "userinfo"]
    token_call = hostile.requests[0]
    assert token_call.form["grant_type"] == "authorization_code"
    assert token_call.form["client_id"] == CLIENT_ID
    assert token_call.form["client_secret"] == CLIENT_SECRET
    assert token_call.form["redirect_uri"] == REDIRECT_URI
    assert set(token_call.form) == {
        "grant_type",
        "code",
        "redirect_uri",
        "client_id",
        "client_secret",
        "code_verifier",
    }
    assert "Authorization" not in token_call.headers  # client_secret_post, not Basic


def test_a_warm_login_calls_sgid_twice(client, hostile, caplog):
    other_browser = Client()
    assert_logged_in(other_browser, login(other_browser, hostile), hostile, caplog)
    before = len(hostile.requests)
    assert_logged_in(client, login(client, hostile), hostile, caplog)
    assert [r.endpoint for r in hostile.requests[before:]] == ["token", "userinfo"]


def test_logins_reuse_one_connection_to_sgid(client, hostile, caplog):
    # sgID keeps connections open: a warm login must not pay a new TCP (and TLS) handshake for
    # each of its calls, nor leave connections behind.
    for browser in (Client(), Client(), client):
        assert_logged_in(browser, login(browser, hostile), hostile, caplog)
    assert [r.endpoint for r in hostile.requests] == ["token", "jwks", "userinfo"] + [
        "token",
        "userinfo",
    ] * 2
    assert hostile.connections == 1


@pytest.mark.parametrize("forgery", ["another-key", "altered-claims"])
def test_rejects_an_invalid_rs256_signature(client, hostile, caplog, forgery):
    if forgery == "another-key":
        hostile.signing_key = m.rsa_key("impostor")  # still under kid k1
    else:
        hostile.mangle_id_token = _tamper_payload
    assert_id_token_rejected(client, hostile, caplog)


def test_rejects_an_unsigned_token(client, hostile, caplog):
    hostile.alg = "none"
    assert_id_token_rejected(client, hostile, caplog)


def test_rejects_hs256_signed_with_the_client_secret(client, hostile, caplog):
    hostile.alg, hostile.signing_key = "HS256", CLIENT_SECRET
    assert_id_token_rejected(client, hostile, caplog)


def test_rejects_an_algorithm_outside_the_allow_list(client, hostile, caplog):
    ec_public = json.loads(jwk.JWK.from_pyca(m.ec_key().public_key()).export_public())
    hostile.jwks = m.jwks(m.public_jwk(m.rsa_key()), {**ec_public, "kid": "ec1", "alg": "ES256"})
    hostile.alg, hostile.signing_key, hostile.kid = "ES256", m.ec_key(), "ec1"
    assert_id_token_rejected(client, hostile, caplog)


@pytest.mark.parametrize(
    "iss", ["https://api.id.gov.sg/v2", "trailing-slash", None], ids=["sgid", "slash", "missing"]
)
def test_rejects_a_token_from_another_issuer(client, hostile, caplog, iss):
    hostile.claims = {"iss": hostile.issuer + "/" if iss == "trailing-slash" else iss}
    assert_id_token_rejected(client, hostile, caplog)


@pytest.mark.parametrize(
    "aud",
    [None, "another-client", ["another-client", "third-client"]],
    ids=["missing", "another-client", "list-without-us"],
)
def test_rejects_a_token_for_another_audience(client, hostile, caplog, aud):
    hostile.claims = {"aud": aud}
    assert_id_token_rejected(client, hostile, caplog)


@pytest.mark.parametrize("azp", ["another-client", None], ids=["another-client", "missing"])
def test_rejects_a_token_authorised_for_another_client(client, hostile, caplog, azp):
    """With several audiences, azp must name us (§3.1.3.7 (4)-(5); the SHOULD is enforced)."""
    hostile.claims = {"aud": [CLIENT_ID, "another-client"], "azp": azp}
    assert_id_token_rejected(client, hostile, caplog)


def test_accepts_an_audience_list_authorised_for_us(client, hostile, caplog):
    hostile.claims = {"aud": [CLIENT_ID, "another-client"], "azp": CLIENT_ID}
    assert_logged_in(client, login(client, hostile), hostile, caplog)


def test_rejects_a_token_without_iat(client, hostile, caplog):
    hostile.claims = {"iat": None}
    assert_id_token_rejected(client, hostile, caplog)


@pytest.mark.parametrize("exp", [None, -3600], ids=["missing", "an-hour-ago"])
def test_rejects_a_token_without_exp_or_expired(client, hostile, caplog, exp):
    hostile.claims = {"exp": None} if exp is None else {"iat": _now() - 3900, "exp": _now() + exp}
    assert_id_token_rejected(client, hostile, caplog)


def test_rejects_a_token_issued_far_in_the_future(client, hostile, caplog):
    hostile.claims = {"iat": _now() + 3600, "exp": _now() + 3900}
    assert_id_token_rejected(client, hostile, caplog)


@pytest.mark.parametrize("skew", [30, -30], ids=["sgid-ahead", "sgid-behind"])
def test_accepts_30_seconds_of_clock_skew(client, hostile, caplog, skew):
    hostile.claims = {"iat": _now() + skew, "exp": _now() + skew + 60}
    assert_logged_in(client, login(client, hostile), hostile, caplog)


@pytest.mark.parametrize("sub", [None, ""], ids=["missing", "empty"])
def test_rejects_a_token_without_a_subject(client, hostile, caplog, sub):
    hostile.claims = {"sub": sub}
    assert_id_token_rejected(client, hostile, caplog)


@pytest.mark.parametrize(
    "sub",
    ["s" * 256, "s" * 300 + "\x00", "sub\x00", "sub\x7f", "sub\n", "süb"],
    ids=["256-chars", "300-chars-and-nul", "nul", "del", "newline", "non-ascii"],
)
def test_rejects_a_subject_beyond_255_printable_ascii_characters(client, hostile, caplog, sub):
    """OIDC Core §2: sub "MUST NOT exceed 255 ASCII [RFC20] characters in length"."""
    hostile.claims = {"sub": sub}
    assert_id_token_rejected(client, hostile, caplog)


def test_accepts_a_subject_of_exactly_255_characters(client, hostile, caplog):
    hostile.sub = "s" * 255
    assert_logged_in(client, login(client, hostile), hostile, caplog)


@pytest.mark.parametrize("nonce", ["nonce-of-another-attempt", None], ids=["wrong", "missing"])
def test_rejects_a_wrong_or_missing_nonce(client, hostile, caplog, nonce):
    hostile.claims = {"nonce": nonce}
    assert_id_token_rejected(client, hostile, caplog)


def test_accepts_a_token_without_kid_when_the_jwks_holds_one_key(client, hostile, caplog):
    hostile.kid = None
    hostile.jwks = m.jwks(m.public_jwk(m.rsa_key(), kid=None))
    assert_logged_in(client, login(client, hostile), hostile, caplog)


def test_rejects_a_token_without_kid_when_the_jwks_holds_several_keys(client, hostile, caplog):
    hostile.kid = None
    hostile.jwks = m.jwks(m.public_jwk(m.rsa_key()), m.public_jwk(m.rsa_key("next"), kid="k2"))
    assert_id_token_rejected(client, hostile, caplog)


def test_accepts_a_signing_key_rotated_just_before_signing(client, hostile, caplog):
    assert_logged_in(client, login(client, hostile), hostile, caplog)  # warms the JWKS cache
    assert hostile.count("jwks") == 1
    hostile.signing_key, hostile.kid = m.rsa_key("rotated"), "k2"
    hostile.jwks = m.jwks(m.public_jwk(m.rsa_key("rotated"), kid="k2"))
    assert_logged_in(client, login(client, hostile), hostile, caplog)
    assert hostile.count("jwks") == 2


def test_rejects_a_kid_that_stays_unknown_after_one_refetch(client, hostile, caplog):
    hostile.kid = "k-unknown"
    assert_id_token_rejected(client, hostile, caplog)
    assert hostile.count("jwks") == 2  # the cold fetch, then one refetch for the new kid


def test_rejects_userinfo_for_another_subject(client, hostile, caplog):
    hostile.userinfo_sub = "another-persons-sub"
    assert_rejected(client, login(client, hostile), "untrusted", hostile, caplog)


def test_sends_the_access_token_as_a_bearer_header(client, hostile, caplog):
    assert_logged_in(client, login(client, hostile), hostile, caplog)
    (call,) = [r for r in hostile.requests if r.endpoint == "userinfo"]
    access_token = hostile.issued[1]
    assert call.headers["Authorization"] == f"Bearer {access_token}"
    assert call.form == {}
    assert access_token not in call.target


@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer not-issued"}, {"Authorization": "Basic eA=="}]
)
def test_the_provider_refuses_userinfo_without_its_bearer_token(hostile, headers):
    """What makes the happy path prove rp-userinfo-bearer-header: sgID needs the header."""
    answer = requests.get(f"{hostile.issuer}/oauth/userinfo", headers=headers, timeout=5)
    assert answer.status_code == 401
    assert answer.json() == {"error": "invalid_token"}


def test_userinfo_holds_the_scopes_requested(client, hostile, caplog, settings):
    settings.SGID_SCOPES = "openid myinfo.name myinfo.date_of_birth"
    me = assert_logged_in(client, login(client, hostile), hostile, caplog)
    assert me["data"] == {"myinfo.name": "TAN AH KOW", "myinfo.date_of_birth": "1988-02-29"}
    page = client.get("/profile").content.decode()
    assert "29 February 1988" in page
    assert "S9876543A" not in page
    assert "S****543A" not in page
