"""The provider's key files: made once, private, shared by processes that start together; and the
client public key registered with it, which can be switched to another (a rotation)."""

from __future__ import annotations

import base64
import hashlib
import json
import multiprocessing
import os
import stat
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from django.core.exceptions import ImproperlyConfigured
from pytest_django import Settings

from sgid_mock import keys

KEY_FILES = (keys.SIGNING_KEY_FILE, keys.CLIENT_KEY_FILE)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_creates_two_private_rsa_2048_keys_readable_only_by_the_owner(tmp_path: Path) -> None:
    directory = tmp_path / "new" / "keys"

    keys.ensure_keys(directory)

    assert _mode(directory) == 0o700
    for name in KEY_FILES:
        pem = (directory / name).read_bytes()
        assert pem.startswith(b"-----BEGIN PRIVATE KEY-----")  # PKCS#8
        key = serialization.load_pem_private_key(pem, password=None)
        assert isinstance(key, rsa.RSAPrivateKey)
        assert key.key_size == 2048
        assert _mode(directory / name) == 0o600
    assert sorted(p.name for p in directory.iterdir()) == sorted(KEY_FILES)
    assert (directory / keys.SIGNING_KEY_FILE).read_bytes() != (
        directory / keys.CLIENT_KEY_FILE
    ).read_bytes()


def test_app_start_made_the_configured_keys() -> None:
    for name in KEY_FILES:
        assert _mode(keys.key_dir() / name) == 0o600


def test_second_ensure_keeps_the_keys(tmp_path: Path) -> None:
    keys.ensure_keys(tmp_path)
    before = {name: (tmp_path / name).read_bytes() for name in KEY_FILES}

    keys.ensure_keys(tmp_path)

    assert {name: (tmp_path / name).read_bytes() for name in KEY_FILES} == before


def _ensure_and_read(directory: str) -> bytes:
    keys.ensure_keys(Path(directory))
    return (Path(directory) / keys.SIGNING_KEY_FILE).read_bytes()


def test_processes_starting_together_agree_on_one_key(tmp_path: Path) -> None:
    with multiprocessing.get_context("fork").Pool(4) as pool:
        seen = pool.map(_ensure_and_read, [str(tmp_path)] * 4)

    assert len(set(seen)) == 1
    assert (tmp_path / keys.SIGNING_KEY_FILE).read_bytes() == seen[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(KEY_FILES)


def test_keys_are_parsed_once_per_process(tmp_path: Path) -> None:
    assert keys.signing_key(tmp_path) is keys.signing_key(tmp_path)
    assert keys.client_encryption_key(tmp_path) is keys.client_encryption_key(tmp_path)


def test_kid_is_the_rfc_7638_thumbprint(tmp_path: Path) -> None:
    public = keys.signing_key(tmp_path).public_jwk

    canonical = json.dumps(
        {"e": public["e"], "kty": "RSA", "n": public["n"]}, separators=(",", ":"), sort_keys=True
    )
    digest = hashlib.sha256(canonical.encode()).digest()
    assert public["kid"] == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def test_client_encryption_key_is_the_public_half_of_the_client_key_file(tmp_path: Path) -> None:
    public = keys.client_encryption_key(tmp_path)
    private = serialization.load_pem_private_key(
        (tmp_path / keys.CLIENT_KEY_FILE).read_bytes(), password=None
    )

    assert not public.has_private
    assert isinstance(private, rsa.RSAPrivateKey)
    n = int.from_bytes(base64.urlsafe_b64decode(public["n"] + "=="), "big")
    assert n == private.public_key().public_numbers().n


def test_without_hard_links_the_key_is_still_created_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_links(source: str, target: Path) -> None:
        raise PermissionError("this filesystem has no hard links")

    monkeypatch.setattr(os, "link", no_links)
    keys.ensure_keys(tmp_path)
    before = (tmp_path / keys.SIGNING_KEY_FILE).read_bytes()

    keys.ensure_keys(tmp_path)

    assert (tmp_path / keys.SIGNING_KEY_FILE).read_bytes() == before
    assert _mode(tmp_path / keys.SIGNING_KEY_FILE) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(KEY_FILES)


def _modulus(public: Any) -> int:
    return int.from_bytes(base64.urlsafe_b64decode(public["n"] + "=="), "big")


def _new_key_file(path: Path, *, public: bool) -> rsa.RSAPrivateKey:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    if public:
        pem = key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    else:
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    path.write_bytes(pem)
    return key


def test_the_registered_client_key_is_the_generated_one_by_default(settings: Settings) -> None:
    settings.SGID_MOCK_CLIENT_KEY_FILE = ""

    assert keys.registered_client_key() is keys.client_encryption_key(keys.key_dir())


@pytest.mark.parametrize("public", [True, False], ids=["public-key", "key-pair"])
def test_the_registered_client_key_can_be_another_pem_file(
    settings: Settings, tmp_path: Path, public: bool
) -> None:
    path = tmp_path / "registered.pem"
    key = _new_key_file(path, public=public)
    settings.SGID_MOCK_CLIENT_KEY_FILE = str(path)

    registered = keys.registered_client_key()

    assert not registered.has_private
    assert _modulus(registered) == key.public_key().public_numbers().n
    assert keys.registered_client_key() is registered  # parsed once


def test_an_unusable_registered_client_key_names_the_setting(
    settings: Settings, tmp_path: Path
) -> None:
    not_rsa = tmp_path / "ec.pem"
    not_rsa.write_bytes(
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("garbage")
    for path in (tmp_path / "missing.pem", garbage, not_rsa):
        settings.SGID_MOCK_CLIENT_KEY_FILE = str(path)
        with pytest.raises(ImproperlyConfigured, match="SGID_MOCK_CLIENT_KEY_FILE"):
            keys.registered_client_key()
