"""The client's RSA private keys, which decrypt sgID's end-to-end encrypted userinfo.

sgID issues an RSA-2048 key pair at registration; the private key comes as PEM, PKCS#8
(`BEGIN PRIVATE KEY`) or PKCS#1 (`BEGIN RSA PRIVATE KEY`). Environment variables often carry
PEM with literal `\\n` sequences instead of line breaks; both are accepted. Parsing costs tens of
milliseconds, so callers parse once per process.

sgID encrypts to the one public key registered for the client, and registering a new one takes
effect at sgID's moment, not ours: during a rotation the client holds two keys, the current one
and the next, and opens userinfo encrypted to either (`DecryptionKeys`). A key is named by its
RFC 7638 thumbprint, the `kid` printed for registration (`public_jwk`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from jwcrypto.jwk import JWK

from .errors import ConfigurationError

MIN_RSA_BITS = 2048
# The key-management algorithm of sgID's SDK test vectors: what a registered JWK names.
KEY_ALGORITHM = "RSA-OAEP-256"


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


def read_optional_private_key(*, pem: str = "", path: str = "") -> JWK | None:
    """A second key, such as the next one of a rotation: None when neither form is set."""
    if not pem.strip() and not path:
        return None
    return read_private_key(pem=pem, path=path)


def key_id(key: JWK) -> str:
    """The key's RFC 7638 SHA-256 thumbprint: the same for its private and public halves."""
    return str(key.thumbprint())


def public_jwk(key: JWK) -> dict[str, str]:
    """The public half as the JWK to register with sgID (RFC 7517 §4: kid, use, alg)."""
    public: dict[str, str] = key.export_public(as_dict=True)
    return {**public, "kid": key_id(key), "use": "enc", "alg": KEY_ALGORITHM}


def public_pem(key: JWK) -> str:
    """The public half as PEM (SubjectPublicKeyInfo), the other form sgID's registration takes."""
    pem: bytes = key.get_op_key("wrapKey").public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return pem.decode("ascii")


@dataclass(frozen=True)
class DecryptionKeys:
    """The private keys userinfo may be encrypted to: the current one and, while a rotation is
    under way, a second one (the next key, or the previous one until it is retired)."""

    current: JWK = field(repr=False)
    next: JWK | None = field(default=None, repr=False)
    ids: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "ids", tuple(key_id(key) for key in self.all))

    @property
    def all(self) -> tuple[JWK, ...]:
        return (self.current,) if self.next is None else (self.current, self.next)

    def to_try(self, kid: object) -> tuple[JWK, ...]:
        """The keys to try, in order, on a JWE whose header names `kid` (or nothing).

        A `kid` that is one of our thumbprints names the key; any other, or none, says nothing
        we can use, so the current key is tried first, then the second.
        """
        named = tuple(key for key, id_ in zip(self.all, self.ids, strict=True) if id_ == kid)
        return named or self.all
