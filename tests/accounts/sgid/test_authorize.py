"""The authorization request: endpoints from the issuer, PKCE S256, fresh state and nonce."""

from __future__ import annotations

import base64
import hashlib
from urllib.parse import parse_qs, urlsplit

import pytest

from accounts.sgid.authorize import authorization_url, error_from_callback, new_attempt
from accounts.sgid.errors import LoginCancelled, ProviderUnavailable
from accounts.sgid.pkce import is_valid_verifier, s256_challenge
from tests.support import material as m
from tests.support.factories import make_config

CONFIG = make_config(issuer=m.ISSUER + "/", scopes="openid myinfo.name openid")


def test_endpoints_derive_from_the_issuer_without_its_trailing_slash():
    assert CONFIG.issuer == m.ISSUER
    assert CONFIG.authorize_endpoint == "https://sgid.test/v2/oauth/authorize"
    assert CONFIG.token_endpoint == "https://sgid.test/v2/oauth/token"
    assert CONFIG.userinfo_endpoint == "https://sgid.test/v2/oauth/userinfo"
    assert CONFIG.jwks_uri == "https://sgid.test/v2/.well-known/jwks.json"


def test_the_secret_never_shows_in_a_repr():
    assert m.CLIENT_SECRET not in repr(CONFIG)
    attempt = new_attempt(CONFIG, now=0)
    assert attempt.code_verifier not in repr(attempt)


def test_authorization_url_carries_every_parameter():
    attempt = new_attempt(CONFIG, now=0)
    url = urlsplit(authorization_url(CONFIG, attempt))
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert f"{url.scheme}://{url.netloc}{url.path}" == CONFIG.authorize_endpoint
    assert query == {
        "response_type": "code",
        "client_id": m.CLIENT_ID,
        "redirect_uri": m.REDIRECT_URI,
        "scope": "openid myinfo.name",
        "state": attempt.state,
        "nonce": attempt.nonce,
        "code_challenge": query["code_challenge"],
        "code_challenge_method": "S256",
    }
    digest = hashlib.sha256(attempt.code_verifier.encode()).digest()
    assert query["code_challenge"] == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def test_each_attempt_has_its_own_unguessable_values():
    attempts = [new_attempt(CONFIG, now=0) for _ in range(50)]
    for name in ("state", "nonce", "code_verifier"):
        values = {getattr(a, name) for a in attempts}
        assert len(values) == 50
        assert all(len(v) >= 43 for v in values)
    assert all(is_valid_verifier(a.code_verifier) for a in attempts)
    assert all(len(a.code_verifier) <= 128 for a in attempts)


def test_rfc7636_appendix_b_vector():
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    assert s256_challenge(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


@pytest.mark.parametrize("verifier", ["short", "x" * 129, "a" * 42 + "!"])
def test_rejects_an_invalid_verifier(verifier):
    with pytest.raises(ValueError, match="43 to 128"):
        s256_challenge(verifier)


def test_attempt_round_trips_through_the_session_format():
    attempt = new_attempt(CONFIG, now=12.5)
    assert type(attempt).from_dict(attempt.to_dict()) == attempt


def test_access_denied_is_a_cancellation_and_other_errors_are_unavailable():
    assert isinstance(error_from_callback("access_denied"), LoginCancelled)
    other = error_from_callback("server_error")
    assert isinstance(other, ProviderUnavailable)
    injected = error_from_callback("evil\nFAKE LOG LINE")
    assert "FAKE" not in injected.reason
