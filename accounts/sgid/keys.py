"""The client's RSA private key, which decrypts sgID's end-to-end encrypted userinfo.

sgID issues an RSA-2048 key pair at registration; the private key comes as PEM, PKCS#8
(`BEGIN PRIVATE KEY`) or PKCS#1 (`BEGIN RSA PRIVATE KEY`). Environment variables often carry
PEM with literal `\\n` sequences instead of line breaks; both are accepted. Parsing costs tens of
milliseconds, so callers parse once per process.
"""

from __future__ import annotations

from pathlib import Path

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from jwcrypto.jwk import JWK

from .errors import ConfigurationError

MIN_RSA_BITS = 2048


def load_private_key(pem: str) -> JWK:
    """Parse PEM text into a JWK usable for decryption, or raise ConfigurationError."""
    text = pem.strip().replace("\\n", "\n")
    if "-----BEGIN" not in text:
        raise ConfigurationError("the private key is not PEM text")
    try:
        key = load_pem_private_key(text.encode("ascii"), password=None)
    except (ValueError, TypeError, UnicodeEncodeError, UnsupportedAlgorithm) as exc:
        # The message of a failed parse can quote key material: say only what failed.
        raise ConfigurationError(
            "the private key could not be read (PEM, PKCS#8 or PKCS#1, unencrypted)"
        ) from exc
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ConfigurationError("the private key is not an RSA key")
    if key.key_size < MIN_RSA_BITS:
        raise ConfigurationError(
            f"the private key has {key.key_size} bits; at least {MIN_RSA_BITS} are required"
        )
    jwk = JWK.from_pyca(key)
    # jwcrypto rebuilds (and validates) the key object on first use, then keeps it: do that
    # here, at load, so that no login pays for it.
    jwk.get_op_key("unwrapKey")
    return jwk


def read_private_key(*, pem: str = "", path: str = "") -> JWK:
    """The private key from PEM text, else from a file."""
    if pem.strip():
        return load_private_key(pem)
    if path:
        try:
            text = Path(path).read_text(encoding="ascii")
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigurationError(
                f"the private key file cannot be read ({type(exc).__name__})"
            ) from exc
        return load_private_key(text)
    raise ConfigurationError("no private key is configured")
