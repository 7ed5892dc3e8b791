"""OIDC Core §3.1.3.7: one test per rejection rule, on real RS256-signed tokens."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from jwt import PyJWK

from accounts.sgid.errors import IdTokenInvalid
from accounts.sgid.id_token import verify_id_token
from tests.support import material as m

NOW = time.time()


@pytest.fixture(autouse=True)
def _now():
    """A fresh "now" per test: tokens get their times when made, verification must agree."""
    global NOW
    NOW = time.time()


def keys_for(*entries):
    table = {e.get("kid"): PyJWK(e, algorithm="RS256") for e in entries}

    def key_for(kid):
        if kid is None and len(table) == 1:
            return next(iter(table.values()))
        if kid not in table:
            raise IdTokenInvalid("unknown kid")
        return table[kid]

    return key_for


def verify(token, *, nonce="nonce-1", now=None, access_token=None, key_for=None):
    return verify_id_token(
        token,
        key_for=key_for or keys_for(m.public_jwk(m.rsa_key())),
        issuer=m.ISSUER,
        client_id=m.CLIENT_ID,
        nonce=nonce,
        now=NOW if now is None else now,
        access_token=access_token,
    )


def test_accepts_a_valid_token():
    result = verify(m.sign(m.claims(iat=int(NOW), exp=int(NOW) + 300)))
    assert result.sub == m.SUB
    assert result.amr == ("pwd",)


def test_rejects_a_signature_by_another_key():
    token = m.sign(m.claims(), m.rsa_key("attacker"))
    with pytest.raises(IdTokenInvalid, match="signature"):
        verify(token)


def test_rejects_a_tampered_payload():
    header, payload, signature = m.sign(m.claims()).split(".")
    forged = jwt.utils.base64url_encode(
        jwt.utils.base64url_decode(payload).replace(m.SUB.encode(), b"someone-else-entirely")
    ).decode()
    with pytest.raises(IdTokenInvalid):
        verify(f"{header}.{forged}.{signature}")


def test_rejects_alg_none():
    token = jwt.encode(m.claims(), key=None, algorithm="none", headers={"kid": "k1"})
    with pytest.raises(IdTokenInvalid, match="allow-list"):
        verify(token)


def test_rejects_hs256_signed_with_the_client_secret():
    token = jwt.encode(m.claims(), m.CLIENT_SECRET + "-padded-to-32-bytes-min", algorithm="HS256")
    with pytest.raises(IdTokenInvalid, match="allow-list"):
        verify(token)


def test_rejects_hs256_signed_with_the_public_key_as_secret():
    public_pem = (
        m.rsa_key()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    header = jwt.utils.base64url_encode(b'{"alg":"HS256","typ":"JWT","kid":"k1"}')
    body = jwt.utils.base64url_encode(json.dumps(m.claims()).encode())
    mac = hmac.new(public_pem, header + b"." + body, hashlib.sha256).digest()
    token = (header + b"." + body + b"." + jwt.utils.base64url_encode(mac)).decode()
    with pytest.raises(IdTokenInvalid, match="allow-list"):
        verify(token)


def test_rejects_an_algorithm_outside_the_allow_list():
    token = m.sign(m.claims(), m.ec_key(), alg="ES256")
    with pytest.raises(IdTokenInvalid, match="allow-list"):
        verify(token)


def test_rejects_another_issuer():
    with pytest.raises(IdTokenInvalid, match="iss"):
        verify(m.sign(m.claims(iss="https://evil.example/v2")))


def test_rejects_an_issuer_with_a_trailing_slash():
    with pytest.raises(IdTokenInvalid, match="iss"):
        verify(m.sign(m.claims(iss=m.ISSUER + "/")))


@pytest.mark.parametrize("aud", [None, "another-client", ["another-client", "third"], [], 42])
def test_rejects_an_audience_without_us(aud):
    token = m.sign({**m.claims(), "aud": aud} if aud is not None else m.claims(aud=None))
    with pytest.raises(IdTokenInvalid, match="aud"):
        verify(token)


def test_accepts_an_audience_list_containing_us_with_azp():
    token = m.sign(m.claims(aud=[m.CLIENT_ID, "other"], azp=m.CLIENT_ID))
    assert verify(token).sub == m.SUB


def test_rejects_several_audiences_without_azp():
    with pytest.raises(IdTokenInvalid, match="azp"):
        verify(m.sign(m.claims(aud=[m.CLIENT_ID, "other"])))


def test_rejects_azp_of_another_client():
    with pytest.raises(IdTokenInvalid, match="azp"):
        verify(m.sign(m.claims(azp="another-client")))


@pytest.mark.parametrize("missing", ["iat", "exp"])
def test_rejects_a_token_without_a_time_claim(missing):
    with pytest.raises(IdTokenInvalid, match=missing):
        verify(m.sign(m.claims(**{missing: None})))


def test_rejects_an_expired_token():
    with pytest.raises(IdTokenInvalid, match="expired"):
        verify(m.sign(m.claims(iat=int(NOW) - 900, exp=int(NOW) - 61)))


def test_rejects_iat_far_in_the_future():
    with pytest.raises(IdTokenInvalid, match="future"):
        verify(m.sign(m.claims(iat=int(NOW) + 3600, exp=int(NOW) + 3900)))


def test_accepts_thirty_seconds_of_clock_skew_either_way():
    ahead = m.sign(m.claims(iat=int(NOW) + 30, exp=int(NOW) + 330))
    just_expired = m.sign(m.claims(iat=int(NOW) - 330, exp=int(NOW) - 30))
    assert verify(ahead).sub == m.SUB
    assert verify(just_expired).sub == m.SUB


def test_rejects_a_token_before_its_nbf():
    with pytest.raises(IdTokenInvalid, match="nbf"):
        verify(m.sign(m.claims(nbf=int(NOW) + 600)))


def test_rejects_a_boolean_time():
    with pytest.raises(IdTokenInvalid, match="exp"):
        verify(m.sign(m.claims(exp=True)))


@pytest.mark.parametrize("nonce", ["another-nonce", None])
def test_rejects_a_wrong_or_missing_nonce(nonce):
    with pytest.raises(IdTokenInvalid, match="nonce"):
        verify(m.sign(m.claims(nonce=nonce)))


@pytest.mark.parametrize("sub", [None, "", "   ", 123])
def test_rejects_a_missing_or_empty_sub(sub):
    token = m.sign({**m.claims(), "sub": sub} if sub is not None else m.claims(sub=None))
    with pytest.raises(IdTokenInvalid, match="sub"):
        verify(token)


@pytest.mark.parametrize(
    "sub",
    ["a" * 256, "a" * 100_000, "abc\x00def", "\x00", "abc\x7f", "ab\ncd", "ab\tcd", "\x85abc"],
    ids=["256-chars", "100k-chars", "nul", "only-nul", "del", "newline", "tab", "c1-control"],
)
def test_rejects_a_sub_outside_printable_ascii_up_to_255_characters(sub):
    with pytest.raises(IdTokenInvalid, match="sub"):
        verify(m.sign(m.claims(sub=sub)))


@pytest.mark.parametrize(
    "sub",
    ["é" * 10, "user\u200b", "\ud800", "😀"],
    ids=["latin", "zero-width", "surrogate", "emoji"],
)
def test_rejects_a_sub_with_characters_beyond_ascii(sub):
    # Signed as JSON text, as a lone surrogate would arrive: PyJWT cannot encode one itself.
    with pytest.raises(IdTokenInvalid, match="sub"):
        verify(sign_json(json.dumps(m.claims(sub=sub))))


@pytest.mark.parametrize(
    "sub",
    ["a" * 255, "~!#$%&'()*+,-./09:;<=>?@AZ[\\]^_`az{|}", "with space"],
    ids=["255-chars", "punctuation", "space"],
)
def test_accepts_any_printable_ascii_sub_up_to_255_characters(sub):
    assert verify(m.sign(m.claims(sub=sub))).sub == sub


def test_checks_at_hash_when_present():
    token = m.sign(m.claims(at_hash=m.at_hash("the-access-token")))
    assert verify(token, access_token="the-access-token").sub == m.SUB
    with pytest.raises(IdTokenInvalid, match="at_hash"):
        verify(token, access_token="another-access-token")


def test_accepts_a_token_without_kid_when_one_key_is_published():
    token = m.sign(m.claims(), kid=None)
    assert verify(token).sub == m.SUB


def test_picks_the_key_named_by_kid_among_several():
    key_for = keys_for(
        m.public_jwk(m.rsa_key("old"), kid="old"), m.public_jwk(m.rsa_key(), kid="k1")
    )
    assert verify(m.sign(m.claims()), key_for=key_for).sub == m.SUB
    with pytest.raises(IdTokenInvalid):
        verify(m.sign(m.claims(), kid=None), key_for=key_for)


def test_rejects_garbage():
    for token in ["", "not-a-jwt", "a.b.c", "....", "x" * 5000]:
        with pytest.raises(IdTokenInvalid):
            verify(token)


@pytest.mark.parametrize("value", [10**400, float("inf"), float("nan")], ids=["huge", "inf", "nan"])
@pytest.mark.parametrize("claim", ["exp", "iat"])
def test_rejects_times_that_are_not_finite_numbers(claim, value):
    payload = m.claims()
    payload[claim] = value
    # PyJWT refuses to encode NaN; sign the JSON text as sgID's bytes would arrive.
    with pytest.raises(IdTokenInvalid, match=claim):
        verify(sign_json(json.dumps(payload, allow_nan=True)))


def sign_json(text: str) -> str:
    """An RS256 token over this exact JSON text, for claims PyJWT would not encode."""
    header = jwt.utils.base64url_encode(b'{"alg":"RS256","typ":"JWT","kid":"k1"}')
    signing_input = header + b"." + jwt.utils.base64url_encode(text.encode())
    signature = jwt.algorithms.RSAAlgorithm(jwt.algorithms.RSAAlgorithm.SHA256).sign(
        signing_input, m.rsa_key()
    )
    return (signing_input + b"." + jwt.utils.base64url_encode(signature)).decode()
