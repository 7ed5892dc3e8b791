"""The client's private key: PEM formats accepted, and each unusable key named."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import serialization

from accounts.sgid.errors import ConfigurationError
from accounts.sgid.keys import load_private_key, read_private_key
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
