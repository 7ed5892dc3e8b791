"""`manage.py sgid_keygen`: a usable key, private to its owner, never over an existing one."""

from __future__ import annotations

import stat
from io import StringIO

import pytest
from cryptography.hazmat.primitives import serialization
from django.core.management import CommandError, call_command

from accounts.sgid.keys import read_private_key


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
