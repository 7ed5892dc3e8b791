"""The client's private keys: PEM formats accepted, each unusable key named, and the two keys of a
rotation named by their RFC 7638 thumbprints."""

from __future__ import annotations

import base64
import hashlib
import json

import pytest
from cryptography.hazmat.primitives import serialization

from accounts.sgid.errors import ConfigurationError
from accounts.sgid.keys import (
    DecryptionKeys,
    key_id,
    load_private_key,
    public_jwk,
    public_pem,
    read_optional_private_key,
    read_private_key,
)
from tests.support import material as m


@pytest.mark.parametrize("fmt", ["pkcs8", "pkcs1"])
def test_reads_pkcs8_and_pkcs1(fmt):
    key = load_private_key(m.pem(m.rsa_key("client"), fmt))
    assert key.has_private
    assert key["kty"] == "RSA"


def test_accepts_literal_backslash_n_from_an_environment_variable():
    one_line = m.pem(m.rsa_key("client")).replace("\n", "\\n")
    assert load_private_key(one_line).has_private


def test_reads_a_file(tmp_path):
    path = tmp_path / "key.pem"
    path.write_text(m.pem(m.rsa_key("client")))
    assert read_private_key(path=str(path)).has_private


def test_pem_text_wins_over_a_file(tmp_path):
    key = read_private_key(pem=m.pem(m.rsa_key("client")), path=str(tmp_path / "absent"))
    assert key.has_private


def test_rejects_a_missing_file(tmp_path):
    with pytest.raises(ConfigurationError, match="cannot be read"):
        read_private_key(path=str(tmp_path / "absent.pem"))


def test_rejects_no_key_at_all():
    with pytest.raises(ConfigurationError, match="no private key"):
        read_private_key()


def test_rejects_a_key_that_is_not_rsa():
    with pytest.raises(ConfigurationError, match="not an RSA key"):
        load_private_key(m.pem(m.ec_key()))


def test_rejects_a_key_under_2048_bits():
    with pytest.raises(ConfigurationError, match="1024 bits"):
        load_private_key(m.pem(m.rsa_key("small", bits=1024)))


@pytest.mark.parametrize(
    "text",
    [
        "",
        "hello",
        "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----",
        # PKCS#8 naming an algorithm no library knows (OID 1.2.3.4)
        "-----BEGIN PRIVATE KEY-----\nMA4CAQAwBQYDKgMEBAIFAA==\n-----END PRIVATE KEY-----",
    ],
    ids=["empty", "text", "not-der", "unknown-algorithm"],
)
def test_rejects_text_that_is_not_a_pem_key(text):
    with pytest.raises(ConfigurationError):
        load_private_key(text)


def test_rejects_an_encrypted_key_without_echoing_it():
    encrypted = (
        m.rsa_key("client")
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"passphrase"),
        )
        .decode()
    )
    with pytest.raises(ConfigurationError) as raised:
        load_private_key(encrypted)
    assert "MII" not in str(raised.value)


def _b64(number: int) -> str:
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def test_a_key_is_named_by_its_rfc_7638_thumbprint():
    numbers = m.rsa_key("client").public_key().public_numbers()
    canonical = json.dumps(
        {"e": _b64(numbers.e), "kty": "RSA", "n": _b64(numbers.n)},
        separators=(",", ":"),
        sort_keys=True,
    )
    expected = base64.urlsafe_b64encode(hashlib.sha256(canonical.encode()).digest())
    key = load_private_key(m.pem(m.rsa_key("client")))
    assert key_id(key) == expected.rstrip(b"=").decode()


def test_the_public_jwk_to_register_is_the_public_half_for_encryption():
    key = load_private_key(m.pem(m.rsa_key("client")))
    jwk = public_jwk(key)
    numbers = m.rsa_key("client").public_key().public_numbers()
    assert jwk == {
        "kty": "RSA",
        "n": _b64(numbers.n),
        "e": _b64(numbers.e),
        "kid": key_id(key),
        "use": "enc",
        "alg": "RSA-OAEP-256",
    }


def test_the_public_pem_is_the_public_half():
    key = load_private_key(m.pem(m.rsa_key("client")))
    public = serialization.load_pem_public_key(public_pem(key).encode())
    assert public.public_numbers() == m.rsa_key("client").public_key().public_numbers()
    assert "PRIVATE" not in public_pem(key)


def test_a_second_key_that_is_not_set_is_none():
    assert read_optional_private_key() is None
    assert read_optional_private_key(pem="  \n") is None


def test_a_second_key_that_is_set_must_be_usable(tmp_path):
    assert read_optional_private_key(pem=m.pem(m.rsa_key("client-next"))).has_private
    with pytest.raises(ConfigurationError, match="cannot be read"):
        read_optional_private_key(path=str(tmp_path / "absent.pem"))


def test_decryption_keys_try_the_current_key_first_unless_a_kid_names_one():
    current = load_private_key(m.pem(m.rsa_key("client")))
    upcoming = load_private_key(m.pem(m.rsa_key("client-next")))
    keys = DecryptionKeys(current, next=upcoming)
    assert keys.to_try(None) == (current, upcoming)
    assert keys.to_try("another-kid") == (current, upcoming)
    assert keys.to_try(key_id(upcoming)) == (upcoming,)
    assert keys.to_try(key_id(current)) == (current,)
    assert DecryptionKeys(current).to_try(key_id(upcoming)) == (current,)


def test_decryption_keys_show_their_ids_and_no_key_material():
    keys = DecryptionKeys(load_private_key(m.pem(m.rsa_key("client"))))
    text = repr(keys)
    assert key_id(keys.current) in text
    assert keys.current["n"][:20] not in text
    assert keys.current["d"][:20] not in text
