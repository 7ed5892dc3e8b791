"""ID tokens (OIDC Core §2, §3.1.3.6) and the pairwise subject identifiers in them (§8.1)."""

from __future__ import annotations

import base64
import hashlib
import hmac

from jwcrypto import jwt

from sgid_mock.keys import SigningKey

ID_TOKEN_LIFETIME = 10 * 60
AMR = ("pwd",)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def pairwise_sub(key: SigningKey, *, client_id: str, persona_id: str) -> str:
    """An opaque `sub`, stable for a person and a client, different between clients.

    Derived from the signing key's secret, so nobody without the key can link a `sub` to a
    persona or to the same person's `sub` at another client.
    """
    message = f"{client_id}\x00{persona_id}".encode()
    return _b64url(hmac.new(key.sub_secret, message, hashlib.sha256).digest())


def at_hash(access_token: str) -> str:
    """OIDC Core §3.1.3.6: base64url of the left half of SHA-256 of the ASCII access token."""
    digest = hashlib.sha256(access_token.encode("ascii")).digest()
    return _b64url(digest[: len(digest) // 2])


def mint_id_token(
    key: SigningKey,
    *,
    issuer: str,
    sub: str,
    client_id: str,
    nonce: str | None,
    access_token: str,
    issued_at: int,
) -> str:
    """A compact JWS, RS256, carrying no personal data."""
    claims: dict[str, object] = {
        "iss": issuer,
        "sub": sub,
        "aud": client_id,
        "iat": issued_at,
        "exp": issued_at + ID_TOKEN_LIFETIME,
        "amr": list(AMR),
        "at_hash": at_hash(access_token),
    }
    if nonce is not None:
        claims["nonce"] = nonce
    token = jwt.JWT(header={"alg": "RS256", "kid": key.kid, "typ": "JWT"}, claims=claims)
    token.make_signed_token(key.jwk)
    serialized: str = token.serialize()
    return serialized
