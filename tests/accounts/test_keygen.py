"""`manage.py sgid_keygen`: a usable key, private to its owner, never over an existing one; its
public key as sgID registers it (PEM, and a JWK with kid, use and alg), then or later
(`--public-of`)."""

from __future__ import annotations

import json
import re
import stat
from io import StringIO

import pytest
from cryptography.hazmat.primitives import serialization
from django.core.management import CommandError, call_command

from accounts.sgid.keys import key_id, read_private_key
from tests.support import material as m


def test_writes_a_pkcs8_key_readable_only_by_its_owner_and_prints_the_public_key(tmp_path):
    path = tmp_path / "sgid.pem"
    out = StringIO()
    call_command("sgid_keygen", str(path), stdout=out)
    text = path.read_text()
    assert text.startswith("-----BEGIN PRIVATE KEY-----")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    key = read_private_key(path=str(path))  # what the site itself will load
    printed = out.getvalue()
    public_pem = printed[printed.index("-----BEGIN PUBLIC KEY-----") :].split("\n\n")[0]
    public = serialization.load_pem_public_key(public_pem.encode())
    assert public.public_numbers().n == key.get_op_key("unwrapKey").public_key().public_numbers().n
    assert public.key_size == 2048
    assert "BEGIN PRIVATE KEY" not in printed


def test_refuses_to_overwrite_an_existing_file(tmp_path):
    path = tmp_path / "sgid.pem"
    path.write_text("precious")
    with pytest.raises(CommandError, match="exists already"):
        call_command("sgid_keygen", str(path), stdout=StringIO())
    assert path.read_text() == "precious"


def test_a_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="cannot create"):
        call_command("sgid_keygen", str(tmp_path / "no" / "such" / "key.pem"), stdout=StringIO())


def _printed_public_key(printed):
    """The PEM and the JWK a command printed."""
    pem = printed[printed.index("-----BEGIN PUBLIC KEY-----") :].split("\n\n")[0]
    jwk = json.loads(printed[printed.index("{") : printed.rindex("}") + 1])
    return pem, jwk


def test_prints_the_jwk_sgid_registers_named_by_its_thumbprint(tmp_path):
    path = tmp_path / "sgid.pem"
    out = StringIO()
    call_command("sgid_keygen", str(path), stdout=out)
    key = read_private_key(path=str(path))
    _, jwk = _printed_public_key(out.getvalue())
    assert set(jwk) == {"kty", "n", "e", "kid", "use", "alg"}
    assert (jwk["kty"], jwk["use"], jwk["alg"]) == ("RSA", "enc", "RSA-OAEP-256")
    assert jwk["kid"] == key_id(key)
    assert (jwk["n"], jwk["e"]) == (key["n"], key["e"])
    assert re.search(rf"\bkid\b.*: {re.escape(jwk['kid'])}$", out.getvalue(), re.M)
    assert "SGID_PRIVATE_KEY_NEXT_FILE" in out.getvalue()


def test_public_of_prints_the_same_public_key_as_at_generation_and_writes_nothing(tmp_path):
    path = tmp_path / "sgid.pem"
    generated = StringIO()
    call_command("sgid_keygen", str(path), stdout=generated)
    before = sorted(tmp_path.iterdir())
    again = StringIO()
    call_command("sgid_keygen", "--public-of", str(path), stdout=again)
    assert _printed_public_key(again.getvalue()) == _printed_public_key(generated.getvalue())
    assert sorted(tmp_path.iterdir()) == before
    assert "BEGIN PRIVATE KEY" not in again.getvalue()


def test_public_of_reads_a_pkcs1_key_from_elsewhere(tmp_path):
    path = tmp_path / "issued.pem"
    path.write_text(m.pem(m.rsa_key("client"), "pkcs1"))
    out = StringIO()
    call_command("sgid_keygen", "--public-of", str(path), stdout=out)
    pem, jwk = _printed_public_key(out.getvalue())
    public = serialization.load_pem_public_key(pem.encode())
    assert public.public_numbers() == m.rsa_key("client").public_key().public_numbers()
    assert jwk["kid"] == key_id(read_private_key(path=str(path)))


@pytest.mark.parametrize(
    ("content", "words"),
    [(None, "cannot be read"), ("garbage", "not PEM"), ("small", "1024 bits")],
)
def test_public_of_an_unusable_key_is_a_clear_error(tmp_path, content, words):
    path = tmp_path / "key.pem"
    if content == "small":
        path.write_text(m.pem(m.rsa_key("small", bits=1024)))
    elif content is not None:
        path.write_text(content)
    with pytest.raises(CommandError, match=words):
        call_command("sgid_keygen", "--public-of", str(path), stdout=StringIO())


def test_takes_a_path_or_public_of_but_not_neither(tmp_path):
    with pytest.raises(CommandError, match="either PATH"):
        call_command("sgid_keygen", stdout=StringIO())


def test_takes_a_path_or_public_of_but_not_both(tmp_path):
    existing = tmp_path / "existing.pem"
    existing.write_text(m.pem(m.rsa_key("client")))
    with pytest.raises(CommandError, match="either PATH"):
        call_command(
            "sgid_keygen",
            str(tmp_path / "new.pem"),
            "--public-of",
            str(existing),
            stdout=StringIO(),
        )
    assert not (tmp_path / "new.pem").exists()
