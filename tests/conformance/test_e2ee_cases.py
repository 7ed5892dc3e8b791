"""sgID's end-to-end encrypted userinfo from a hostile provider.

The OpenID RP certification has no case for sgID's two-layer JWE; the nearest is rp-userinfo-enc
(an encrypted userinfo response the RP must decrypt). These cases follow sgID's protocol instead:
a key for someone else, a tampered tag, algorithms outside the allow-list, a malformed key, both
algorithm families, `openid` alone, non-ASCII text, control characters, addresses, JSON-text
records and "NA".
"""

from __future__ import annotations

import base64
import json
import re
from typing import Any

import pytest
from django.utils.html import escape
from jwcrypto import jwe, jwk

from tests.support import material as m
from tests.support.conformance import assert_logged_in, assert_rejected, login

pytestmark = pytest.mark.django_db

CHILDREN = [
    {"name": "TAN XIAO MING", "birth_cert_no": "T1234567Z", "date_of_birth": "2015-06-01"},
    {"name": "TAN XIAO HUA", "birth_cert_no": "T1876543Y", "date_of_birth": "2018-11-30"},
]
OFFICER = [
    {
        "work_email": "ahkow@agency.gov.sg",
        "agency_name": "Ministry of Testing",
        "department_name": "Conformance Division",
        "employment_type": "Permanent",
        "employment_title": "Senior Engineer",
    }
]


def _flip_tag(token: str) -> str:
    """The same JWE with one bit of its authentication tag flipped."""
    *rest, tag = token.split(".")
    raw = bytearray(base64.urlsafe_b64decode(tag + "=" * (-len(tag) % 4)))
    raw[0] ^= 1
    return ".".join([*rest, base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()])


def _open(token: str, key: Any, algs: tuple[str, str]) -> Any:
    """Decrypt with jwcrypto alone, allowing exactly `algs`; a JWK back for the key layer."""
    if not isinstance(key, jwk.JWK):
        key = jwk.JWK.from_pyca(key)
    token_object = jwe.JWE(algs=list(algs))
    token_object.deserialize(token, key=key)
    payload: bytes = token_object.payload
    return jwk.JWK(**json.loads(payload)) if b'"kty"' in payload else payload


def test_rejects_a_key_encrypted_to_another_rsa_key(client, hostile, caplog):
    hostile.encryption["recipient"] = m.rsa_key("stranger")
    assert_rejected(client, login(client, hostile), "untrusted", hostile, caplog)


@pytest.mark.parametrize("layer", ["field", "key"])
def test_rejects_a_tampered_ciphertext(client, hostile, caplog, layer):
    def tamper(body: dict[str, Any]) -> dict[str, Any]:
        if layer == "key":
            return {**body, "key": _flip_tag(body["key"])}
        return {
            **body,
            "data": {**body["data"], "myinfo.name": _flip_tag(body["data"]["myinfo.name"])},
        }

    hostile.mangle_userinfo = tamper
    assert_rejected(client, login(client, hostile), "untrusted", hostile, caplog)


@pytest.mark.parametrize(
    ("key_algs", "field_algs"),
    [
        (("RSA1_5", "A256GCM"), None),
        (("RSA-OAEP-256", "A192GCM"), None),
        (None, ("A128KW", "A128GCM")),
        (None, ("A128GCMKW", "A128CBC-HS256")),
    ],
    ids=["key-alg", "key-enc", "field-alg", "field-enc"],
)
def test_rejects_an_algorithm_outside_the_allow_list(client, hostile, caplog, key_algs, field_algs):
    sent: list[dict[str, Any]] = []
    hostile.encryption.update(key_algs=key_algs, field_algs=field_algs)
    hostile.mangle_userinfo = lambda body: sent.append(body) or body
    assert_rejected(client, login(client, hostile), "untrusted", hostile, caplog)
    # Only the algorithm is wrong: with it allowed, the same answer decrypts.
    family = m.FAMILIES["sgid"]
    data_key = _open(sent[0]["key"], m.rsa_key("client"), key_algs or family["key"])
    name = _open(sent[0]["data"]["myinfo.name"], data_key, field_algs or family["field"])
    assert name == b"TAN AH KOW"


@pytest.mark.parametrize(
    "key",
    [
        "not-a-jwe",
        None,
        12345,
        lambda: m.encrypt(
            b"not a key",
            jwk.JWK.from_pyca(m.rsa_key("client").public_key()),
            "RSA-OAEP-256",
            "A256GCM",
        ),
    ],
    ids=["not-compact", "absent", "not-a-string", "plaintext-not-a-jwk"],
)
def test_rejects_a_malformed_key(client, hostile, caplog, key):
    def replace_key(body: dict[str, Any]) -> dict[str, Any]:
        return {**body, "key": key() if callable(key) else key}

    hostile.mangle_userinfo = replace_key
    assert_rejected(client, login(client, hostile), "untrusted", hostile, caplog)


@pytest.mark.parametrize("family", ["sgid", "alt"])
def test_accepts_both_algorithm_families(client, hostile, caplog, family):
    hostile.encryption["family"] = family
    me = assert_logged_in(client, login(client, hostile), hostile, caplog)
    assert me["data"] == {"myinfo.name": "TAN AH KOW", "myinfo.nric_number": "S9876543A"}


def test_accepts_openid_alone_with_no_key_or_data(client, hostile, caplog, settings):
    settings.SGID_SCOPES = "openid"
    me = assert_logged_in(client, login(client, hostile), hostile, caplog)
    assert me["data"] == {}
    assert me["name"] is None
    page = client.get("/profile").content.decode()
    assert "without sharing any details" in page


def test_shows_non_ascii_values_exactly(client, hostile, caplog):
    name = "NGUYỄN THỊ HẰNG 陈美玲 Zoë Ñúñez"
    hostile.persona["myinfo.name"] = name
    me = assert_logged_in(client, login(client, hostile), hostile, caplog)
    assert me["name"] == name
    assert me["data"]["myinfo.name"] == name
    assert name in client.get("/profile").content.decode()


def test_parses_json_text_records(client, hostile, caplog, settings):
    settings.SGID_SCOPES = "openid myinfo.children_birth_records pocdex.public_officer_details"
    hostile.persona["myinfo.children_birth_records"] = json.dumps(CHILDREN)
    hostile.persona["pocdex.public_officer_details"] = json.dumps(OFFICER)
    me = assert_logged_in(client, login(client, hostile), hostile, caplog)
    assert me["data"]["myinfo.children_birth_records"] == CHILDREN
    assert me["data"]["pocdex.public_officer_details"] == OFFICER
    page = client.get("/profile").content.decode()
    # Each record a card of labelled values; a child's birth certificate number masked as NRICs are.
    for cell in ("TAN XIAO HUA", "T****543Y", "Ministry of Testing", "Senior Engineer"):
        assert re.search(rf"<dt>[^<]+</dt><dd>{re.escape(cell)}</dd>", page)
    assert "T1876543Y" not in page


@pytest.mark.parametrize(
    ("scope", "value"),
    [
        ("myinfo.name", "TAN\x00AH KOW"),
        ("myinfo.name", "TAN AH KOW\x1b]8;;https://evil.example\x07"),
        ("myinfo.name", "TAN\x85AH KOW"),
        ("myinfo.nric_number", "S9876543A\x00"),
    ],
    ids=["nul-in-name", "escape-sequence-in-name", "c1-in-name", "nul-in-nric"],
)
def test_rejects_values_with_control_characters(client, hostile, caplog, scope, value):
    hostile.persona[scope] = value
    assert_rejected(client, login(client, hostile), "untrusted", hostile, caplog)


def test_keeps_the_line_breaks_of_an_address(client, hostile, caplog, settings):
    settings.SGID_SCOPES = "openid myinfo.registered_address"
    address = "BLK 123 ANG MO KIO AVE 3\n#01-234\r\nSINGAPORE 560123"
    hostile.persona["myinfo.registered_address"] = address
    me = assert_logged_in(client, login(client, hostile), hostile, caplog)
    assert me["data"]["myinfo.registered_address"] == address


@pytest.mark.parametrize(
    "records",
    ['[{"name": "TAN \\ud800"}]', '[{"engine_cc": 1e999}]'],
    ids=["lone-surrogate", "float-overflow"],
)
def test_records_that_are_no_usable_json_are_shown_as_their_text(
    client, hostile, caplog, settings, records
):
    """A lone surrogate cannot be written to a page; 1e999 reads as Infinity, which is no JSON."""
    settings.SGID_SCOPES = "openid myinfo.vehicles"
    hostile.persona["myinfo.vehicles"] = records
    me = assert_logged_in(client, login(client, hostile), hostile, caplog)
    assert me["data"]["myinfo.vehicles"] == records
    page = client.get("/profile")
    assert page.status_code == 200
    assert escape(records) in page.content.decode()


def test_shows_na_as_not_available(client, hostile, caplog, settings):
    settings.SGID_SCOPES = "openid myinfo.name myinfo.nric_number myinfo.date_of_birth"
    hostile.persona.update({"myinfo.nric_number": "NA", "myinfo.date_of_birth": "NA"})
    me = assert_logged_in(client, login(client, hostile), hostile, caplog)
    assert me["data"] == {
        "myinfo.name": "TAN AH KOW",
        "myinfo.nric_number": None,
        "myinfo.date_of_birth": None,
    }
    page = client.get("/profile").content.decode()
    assert page.count("Not available") == 2
    assert "S****" not in page
