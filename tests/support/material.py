"""Signed and encrypted sgID material for tests, made with PyJWT and jwcrypto directly.

Nothing here uses the client's own code, so a bug in the client cannot hide in its test vectors.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import time
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwcrypto import jwe, jwk

ISSUER = "https://sgid.test/v2"
CLIENT_ID = "rp-test-client"
CLIENT_SECRET = "rp-test-secret"
REDIRECT_URI = "https://rp.test/auth/callback"
SUB = "u7Q2qG1t0Xb4kq9lZ3wN"


@functools.cache
def rsa_key(name: str = "sgid", bits: int = 2048) -> rsa.RSAPrivateKey:
    """One RSA key per name for the whole run: generating keys is the slow part of these tests."""
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


@functools.cache
def ec_key(name: str = "ec") -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def pem(key: Any, fmt: str = "pkcs8") -> str:
    formats = {
        "pkcs8": serialization.PrivateFormat.PKCS8,
        "pkcs1": serialization.PrivateFormat.TraditionalOpenSSL,
    }
    return key.private_bytes(
        serialization.Encoding.PEM, formats[fmt], serialization.NoEncryption()
    ).decode()


def public_jwk(key: rsa.RSAPrivateKey, kid: str | None = "k1", **extra: Any) -> dict[str, Any]:
    data = json.loads(jwk.JWK.from_pyca(key.public_key()).export_public())
    data.pop("kid", None)
    if kid is not None:
        data["kid"] = kid
    data.update(extra)
    return data


def jwks(*entries: dict[str, Any]) -> dict[str, Any]:
    return {"keys": list(entries)}


def at_hash(access_token: str) -> str:
    digest = hashlib.sha256(access_token.encode()).digest()
    return base64.urlsafe_b64encode(digest[:16]).rstrip(b"=").decode()


def claims(**overrides: Any) -> dict[str, Any]:
    """Valid ID-token claims for CLIENT_ID; pass name=None to drop a claim."""
    now = int(time.time())
    base: dict[str, Any] = {
        "iss": ISSUER,
        "sub": SUB,
        "aud": CLIENT_ID,
        "iat": now,
        "exp": now + 300,
        "nonce": "nonce-1",
        "amr": ["pwd"],
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def sign(
    payload: dict[str, Any],
    key: Any = None,
    *,
    kid: str | None = "k1",
    alg: str = "RS256",
) -> str:
    headers = {"kid": kid} if kid is not None else {}
    return jwt.encode(
        payload, key if key is not None else rsa_key(), algorithm=alg, headers=headers
    )


FAMILIES = {
    # sgID's SDK test vectors
    "sgid": {"key": ("RSA-OAEP-256", "A256GCM"), "field": ("A128GCMKW", "A128GCM"), "bits": 128},
    # other sgID-compatible providers
    "alt": {"key": ("RSA-OAEP", "A128CBC-HS256"), "field": ("dir", "A256GCM"), "bits": 256},
}


def encrypt(plaintext: bytes, key: jwk.JWK, alg: str, enc: str) -> str:
    token = jwe.JWE(plaintext, json.dumps({"alg": alg, "enc": enc}), algs=[alg, enc])
    token.add_recipient(key)
    return str(token.serialize(compact=True))


def userinfo(
    data: dict[str, str],
    *,
    sub: str = SUB,
    recipient: rsa.RSAPrivateKey | None = None,
    family: str = "sgid",
    key_algs: tuple[str, str] | None = None,
    field_algs: tuple[str, str] | None = None,
    data_key_bits: int | None = None,
) -> dict[str, Any]:
    """A userinfo body with `data` encrypted end to end to `recipient`'s public key.

    `key_algs` / `field_algs` override the family's (alg, enc) for a layer.
    """
    spec = FAMILIES[family]
    public = jwk.JWK.from_pyca((recipient or rsa_key("client")).public_key())
    data_key = jwk.JWK.generate(kty="oct", size=data_key_bits or spec["bits"])
    return {
        "sub": sub,
        "key": encrypt(data_key.export().encode(), public, *(key_algs or spec["key"])),
        "data": {
            scope: encrypt(value.encode("utf-8"), data_key, *(field_algs or spec["field"]))
            for scope, value in data.items()
        },
    }
