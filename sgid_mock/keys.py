"""The dev provider's two RSA key pairs, kept as PEM files in `SGID_MOCK_KEY_DIR`.

- `signing-key.pem`: the provider's ID-token signing key, published in the JWKS.
- `client-private-key.pem`: the registered dev client's end-to-end-encryption key pair. The
  relying party reads this file as its private key; the provider encrypts userinfo to its
  public half, as sgID does to the public key registered with a client.

`SGID_MOCK_CLIENT_KEY_FILE` registers another public key for the client instead (a rotation:
sgID encrypts to whichever key was registered last), from a PEM file of a public key or a key pair.

Each key is generated once, on first start, and never overwritten. Two processes starting
together race safely: each writes a private temporary file and hard-links it into place, and
the loser of the link reads the winner's key. Keys are parsed once per process.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from jwcrypto import jwk

SIGNING_KEY_FILE = "signing-key.pem"
CLIENT_KEY_FILE = "client-private-key.pem"
RSA_KEY_BITS = 2048


@dataclass(frozen=True)
class SigningKey:
    """The provider's signing key with what is derived from it."""

    jwk: Any  # jwcrypto.jwk.JWK (private): jwcrypto ships no type hints
    kid: str  # RFC 7638 thumbprint
    public_jwk: dict[str, str]  # the JWKS entry
    sub_secret: bytes  # keys the pairwise subject identifiers


def key_dir() -> Path:
    """The configured key directory."""
    return Path(settings.SGID_MOCK_KEY_DIR)


def ensure_keys(directory: Path) -> None:
    """Create the key directory (mode 0700) and any missing key (mode 0600)."""
    with contextlib.suppress(FileExistsError):
        directory.mkdir(parents=True, mode=0o700)
        # mkdir's mode is filtered by the umask; the directory holds private keys.
        directory.chmod(0o700)
    for name in (SIGNING_KEY_FILE, CLIENT_KEY_FILE):
        _ensure_private_key(directory / name)


def _ensure_private_key(path: Path) -> None:
    if path.exists():
        return
    key = rsa.generate_private_key(public_exponent=65537, key_size=RSA_KEY_BITS)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    # mkstemp creates the file with mode 0600; the hard link keeps that mode.
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(pem)
            file.flush()
            os.fsync(file.fileno())
        # link() fails if the name exists: whichever process links first wins, and
        # nobody ever sees a half-written key or has a key replaced under them.
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
        except OSError:  # a filesystem without hard links
            _create_exclusively(path, pem)
    finally:
        os.unlink(temporary)


def _create_exclusively(path: Path, pem: bytes) -> None:
    # O_EXCL still lets only one process create the file, though not atomically filled.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "wb") as file:
        file.write(pem)


def _load_private_jwk(path: Path) -> Any:
    ensure_keys(path.parent)
    return jwk.JWK.from_pem(path.read_bytes())


@functools.cache
def signing_key(directory: Path) -> SigningKey:
    """The provider's signing key, parsed once per process."""
    private = _load_private_jwk(directory / SIGNING_KEY_FILE)
    kid = private.thumbprint()
    public_jwk = {
        **private.export_public(as_dict=True),
        "kid": kid,
        "use": "sig",
        "alg": "RS256",
    }
    secret_material = private.export_to_pem(private_key=True, password=None)
    sub_secret = hashlib.sha256(b"sgid_mock pairwise sub v1\x00" + secret_material).digest()
    return SigningKey(jwk=private, kid=kid, public_jwk=public_jwk, sub_secret=sub_secret)


@functools.cache
def client_encryption_key(directory: Path) -> Any:
    """The public half of the dev client's key pair (a jwcrypto JWK), parsed once."""
    return _load_private_jwk(directory / CLIENT_KEY_FILE).public()


def registered_client_key() -> Any:
    """The public key registered for the dev client, which userinfo is encrypted to."""
    configured = settings.SGID_MOCK_CLIENT_KEY_FILE
    if not configured:
        return client_encryption_key(key_dir())
    return public_key_of(Path(configured))


@functools.cache
def public_key_of(path: Path) -> Any:
    """The RSA public key in a PEM file (a public key, or a key pair's public half), parsed once."""
    try:
        key = jwk.JWK.from_pem(path.read_bytes())
    except (OSError, ValueError, TypeError) as exc:
        raise ImproperlyConfigured(
            f"SGID_MOCK_CLIENT_KEY_FILE: {path} is not a readable PEM key ({type(exc).__name__})."
        ) from exc
    if key.get("kty") != "RSA":
        raise ImproperlyConfigured(f"SGID_MOCK_CLIENT_KEY_FILE: {path} is not an RSA key.")
    return key.public() if key.has_private else key
