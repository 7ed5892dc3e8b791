"""sgID's end-to-end encrypted userinfo: both layers, both algorithm families, every rejection,
and either of two client keys while one is rotated."""

from __future__ import annotations

import json

import pytest
from jwcrypto import jwe, jwk

from accounts.sgid.errors import DecryptionFailed, ProviderUntrusted, UserinfoInvalid
from accounts.sgid.keys import DecryptionKeys, key_id
from accounts.sgid.userinfo import decrypt_userinfo
from tests.support import material as m

CLIENT_KEY = DecryptionKeys(jwk.JWK.from_pyca(m.rsa_key("client")))
DATA = {
    "myinfo.name": "陈美玲 NGUYỄN THỊ MAI",
    "myinfo.children_birth_records": json.dumps([{"name": "TAN XIAO MING"}]),
    "myinfo.hdbtype": "NA",
}


@pytest.mark.parametrize("family", ["sgid", "alt"])
def test_decrypts_both_algorithm_families_exactly(family):
    body = m.userinfo(DATA, family=family)
    assert decrypt_userinfo(body, CLIENT_KEY, m.SUB) == DATA


def test_openid_only_without_key_or_data_is_an_empty_profile():
    assert decrypt_userinfo({"sub": m.SUB}, CLIENT_KEY, m.SUB) == {}


def test_rejects_a_sub_other_than_the_id_tokens():
    body = m.userinfo(DATA, sub="someone-else")
    with pytest.raises(UserinfoInvalid, match="sub"):
        decrypt_userinfo(body, CLIENT_KEY, m.SUB)


def test_rejects_a_missing_sub():
    with pytest.raises(UserinfoInvalid):
        decrypt_userinfo({}, CLIENT_KEY, m.SUB)


def test_rejects_a_key_encrypted_to_another_rsa_key():
    body = m.userinfo(DATA, recipient=m.rsa_key("stranger"))
    with pytest.raises(DecryptionFailed):
        decrypt_userinfo(body, CLIENT_KEY, m.SUB)


def test_rejects_a_tampered_field():
    body = m.userinfo(DATA)
    parts = body["data"]["myinfo.name"].split(".")
    tag = parts[4]
    parts[4] = ("A" if tag[0] != "A" else "B") + tag[1:]
    body["data"]["myinfo.name"] = ".".join(parts)
    with pytest.raises(DecryptionFailed):
        decrypt_userinfo(body, CLIENT_KEY, m.SUB)


@pytest.mark.parametrize(
    ("key_algs", "field_algs", "bits"),
    [
        (("RSA1_5", "A256GCM"), None, None),
        (("RSA-OAEP-256", "A192GCM"), None, None),
        (None, ("A256KW", "A256GCM"), 256),
        (None, ("A128GCMKW", "A192GCM"), None),
    ],
    ids=["key-RSA1_5", "key-A192GCM", "field-A256KW", "field-A192GCM"],
)
def test_rejects_an_algorithm_outside_the_allow_list(key_algs, field_algs, bits):
    body = m.userinfo(DATA, key_algs=key_algs, field_algs=field_algs, data_key_bits=bits)
    with pytest.raises(DecryptionFailed, match="JWE rejected"):
        decrypt_userinfo(body, CLIENT_KEY, m.SUB)


def test_the_same_material_with_allowed_algorithms_decrypts():
    """Control for the test above: only the algorithm differs."""
    body = m.userinfo(DATA, key_algs=("RSA-OAEP", "A256GCM"), field_algs=("dir", "A128GCM"))
    assert decrypt_userinfo(body, CLIENT_KEY, m.SUB) == DATA


@pytest.mark.parametrize("key", ["", "not-a-jwe", "a.b.c.d.e", 42])
def test_rejects_a_malformed_key(key):
    body = {**m.userinfo(DATA), "key": key}
    with pytest.raises((DecryptionFailed, UserinfoInvalid)):
        decrypt_userinfo(body, CLIENT_KEY, m.SUB)


def test_rejects_data_without_its_key():
    body = m.userinfo(DATA)
    del body["key"]
    with pytest.raises(UserinfoInvalid, match="key"):
        decrypt_userinfo(body, CLIENT_KEY, m.SUB)


def test_rejects_data_that_is_not_a_map_of_strings():
    body = {**m.userinfo(DATA), "data": {"myinfo.name": 42}}
    with pytest.raises(UserinfoInvalid):
        decrypt_userinfo(body, CLIENT_KEY, m.SUB)


def test_rejects_a_key_layer_that_is_not_a_symmetric_jwk():
    public = jwk.JWK.from_pyca(m.rsa_key("client").public_key())
    body = {**m.userinfo(DATA)}
    body["key"] = m.encrypt(b'{"kty": "RSA"}', public, "RSA-OAEP-256", "A256GCM")
    with pytest.raises(DecryptionFailed, match="symmetric"):
        decrypt_userinfo(body, CLIENT_KEY, m.SUB)


def test_rejects_a_value_that_is_not_utf8():
    data_key = jwk.JWK.generate(kty="oct", size=128)
    public = jwk.JWK.from_pyca(m.rsa_key("client").public_key())
    body = {
        "sub": m.SUB,
        "key": m.encrypt(data_key.export().encode(), public, "RSA-OAEP-256", "A256GCM"),
        "data": {"myinfo.name": m.encrypt(b"\xff\xfe", data_key, "A128GCMKW", "A128GCM")},
    }
    with pytest.raises(DecryptionFailed, match="UTF-8"):
        decrypt_userinfo(body, CLIENT_KEY, m.SUB)


@pytest.mark.parametrize(
    "plaintext",
    [b'{"kty": "oct"}', b'{"kty": "oct", "k": 5}', b"[" * 100_000, b'{"kty": "oct", "k": NaN}'],
    ids=["no-k", "k-not-text", "deeply-nested", "nan"],
)
def test_rejects_a_key_layer_plaintext_that_is_not_a_usable_jwk(plaintext):
    public = jwk.JWK.from_pyca(m.rsa_key("client").public_key())
    body = {**m.userinfo(DATA)}
    body["key"] = m.encrypt(plaintext, public, "RSA-OAEP-256", "A256GCM")
    with pytest.raises(DecryptionFailed):
        decrypt_userinfo(body, CLIENT_KEY, m.SUB)


@pytest.mark.parametrize(
    "sub",
    ["\ud800", m.SUB + "\x00", "\x00" + m.SUB, m.SUB * 20],
    ids=["surrogate", "nul-after", "nul-before", "long"],
)
def test_rejects_a_userinfo_sub_that_is_not_the_id_tokens_exactly(sub):
    with pytest.raises(UserinfoInvalid, match="sub"):
        decrypt_userinfo({"sub": sub}, CLIENT_KEY, m.SUB)


@pytest.mark.parametrize(
    "name",
    ["TAN\x00AH KOW", "\x00", "TAN\x1b[2JAH KOW", "TAN\x7f", "TAN\x85AH", "TAN\x9bAH", "TAN\x0bAH"],
    ids=["nul", "only-nul", "escape", "del", "c1-nel", "c1-csi", "vertical-tab"],
)
def test_rejects_a_name_with_control_characters(name):
    body = m.userinfo({**DATA, "myinfo.name": name})
    with pytest.raises(UserinfoInvalid, match="control characters"):
        decrypt_userinfo(body, CLIENT_KEY, m.SUB)


@pytest.mark.parametrize("scope", ["myinfo.registered_address", "myinfo.vehicles", "x.unknown"])
def test_rejects_control_characters_in_any_scopes_value(scope):
    body = m.userinfo({**DATA, scope: "BLK 1\x00"})
    with pytest.raises(UserinfoInvalid, match="control characters"):
        decrypt_userinfo(body, CLIENT_KEY, m.SUB)


def test_keeps_line_breaks_tabs_and_text_beyond_ascii():
    data = {
        **DATA,
        "myinfo.registered_address": "BLK 123 ANG MO KIO AVE 3\r\n#01-234\nSINGAPORE 560123",
        "myinfo.occupation": "ENGINEER\tSENIOR",
        "myinfo.name": "ZOË\u00a0ÑÚÑEZ \u200d\U0001f600",
    }
    assert decrypt_userinfo(m.userinfo(data), CLIENT_KEY, m.SUB) == data


@pytest.mark.parametrize(
    "scope", ["", "myinfo name", "myinfo.name\x00", 'my"info', "myinfo\\name", "myinfo.名"]
)
def test_rejects_a_scope_name_that_is_no_scope_token(scope):
    body = m.userinfo({**DATA, scope: "value"})
    with pytest.raises(UserinfoInvalid, match="scope"):
        decrypt_userinfo(body, CLIENT_KEY, m.SUB)


# --- Two keys, while the client's key is rotated ---------------------------------------------

CURRENT = jwk.JWK.from_pyca(m.rsa_key("client"))
NEXT = jwk.JWK.from_pyca(m.rsa_key("client-next"))
BOTH = DecryptionKeys(CURRENT, next=NEXT)


def _with_kid(body, recipient, kid):
    """`body` with its key layer encrypted afresh to `recipient`, naming `kid` in the header."""
    data_key = jwk.JWK.generate(kty="oct", size=128)
    header = {"alg": "RSA-OAEP-256", "enc": "A256GCM", "kid": kid}
    token = jwe.JWE(data_key.export().encode(), json.dumps(header))
    token.add_recipient(jwk.JWK.from_pyca(recipient.public_key()))
    fields = {
        scope: m.encrypt(value.encode(), data_key, "A128GCMKW", "A128GCM")
        for scope, value in DATA.items()
    }
    return {**body, "key": token.serialize(compact=True), "data": fields}


@pytest.mark.parametrize("family", ["sgid", "alt"])
@pytest.mark.parametrize("recipient", ["client", "client-next"])
def test_with_two_keys_userinfo_encrypted_to_either_decrypts(recipient, family):
    body = m.userinfo(DATA, recipient=m.rsa_key(recipient), family=family)
    assert decrypt_userinfo(body, BOTH, m.SUB) == DATA


def test_userinfo_encrypted_to_the_next_key_is_refused_without_it():
    body = m.userinfo(DATA, recipient=m.rsa_key("client-next"))
    with pytest.raises(DecryptionFailed):
        decrypt_userinfo(body, DecryptionKeys(CURRENT), m.SUB)


def test_with_two_keys_userinfo_encrypted_to_neither_is_untrusted():
    body = m.userinfo(DATA, recipient=m.rsa_key("stranger"))
    with pytest.raises(ProviderUntrusted) as raised:
        decrypt_userinfo(body, BOTH, m.SUB)
    assert raised.value.code == "untrusted"


@pytest.mark.parametrize("recipient", ["client", "client-next"])
def test_a_kid_naming_one_of_the_keys_decrypts_with_it(recipient):
    key = m.rsa_key(recipient)
    body = _with_kid(m.userinfo(DATA), key, key_id(jwk.JWK.from_pyca(key)))
    assert decrypt_userinfo(body, BOTH, m.SUB) == DATA


def test_a_kid_naming_one_key_is_not_opened_with_the_other():
    body = _with_kid(m.userinfo(DATA), m.rsa_key("client-next"), key_id(CURRENT))
    with pytest.raises(DecryptionFailed):
        decrypt_userinfo(body, BOTH, m.SUB)


@pytest.mark.parametrize("kid", ["sgid-key-1", "", 42, None])
def test_a_kid_naming_neither_key_tries_each_in_turn(kid):
    body = _with_kid(m.userinfo(DATA), m.rsa_key("client-next"), kid)
    assert decrypt_userinfo(body, BOTH, m.SUB) == DATA
