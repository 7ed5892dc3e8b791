"""ID token validation, OIDC Core §3.1.3.7, for sgID's RS256-signed tokens.

PyJWT checks the signature against an algorithm allow-list of RS256 alone (never `none`, never
HS*, never what the header asks for). Every claim is then checked here, one function per rule,
against a `now` passed in, so the rules can be read against the spec and tested at any time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jwt
from jwt import PyJWK
from jwt.types import Options

from .errors import IdTokenInvalid

ALLOWED_ALGORITHMS = ("RS256",)
# Tolerance for clock differences between sgID and us.
LEEWAY_SECONDS = 60
# OIDC Core §2, sub: "It MUST NOT exceed 255 ASCII [RFC20] characters in length."
MAX_SUBJECT_LENGTH = 255

_NO_CLAIM_CHECKS: Options = {
    "verify_signature": True,
    "verify_exp": False,
    "verify_iat": False,
    "verify_nbf": False,
    "verify_iss": False,
    "verify_aud": False,
    "verify_sub": False,
    "verify_jti": False,
}


@dataclass(frozen=True)
class IdTokenClaims:
    sub: str
    iat: float
    exp: float
    amr: tuple[str, ...]


def verify_id_token(
    token: str,
    *,
    key_for: Callable[[str | None], PyJWK],
    issuer: str,
    client_id: str,
    nonce: str,
    now: float,
    access_token: str | None = None,
) -> IdTokenClaims:
    """Verify the signature and every claim; return the claims we use, or raise IdTokenInvalid."""
    header = _read_header(token)
    key = key_for(header.get("kid") if isinstance(header.get("kid"), str) else None)
    claims = _verified_payload(token, key)
    check_issuer(claims, issuer)
    check_audience(claims, client_id)
    check_times(claims, now)
    check_nonce(claims, nonce)
    sub = check_subject(claims)
    if access_token is not None:
        check_at_hash(claims, access_token)
    amr = claims.get("amr")
    return IdTokenClaims(
        sub=sub,
        iat=float(claims["iat"]),
        exp=float(claims["exp"]),
        amr=tuple(a for a in amr if isinstance(a, str)) if isinstance(amr, list) else (),
    )


def _read_header(token: str) -> dict[str, Any]:
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise IdTokenInvalid("ID token is not a JWS") from exc
    # §3.1.3.7 (7): the alg must be the one registered for the client (sgID: RS256).
    if header.get("alg") not in ALLOWED_ALGORITHMS:
        raise IdTokenInvalid("ID token algorithm is not in the allow-list")
    return header


def _verified_payload(token: str, key: PyJWK) -> dict[str, Any]:
    # §3.1.3.7 (6): validate the signature with the key sgID published.
    try:
        return jwt.decode(
            token, key=key, algorithms=list(ALLOWED_ALGORITHMS), options=_NO_CLAIM_CHECKS
        )
    except jwt.InvalidSignatureError as exc:
        raise IdTokenInvalid("ID token signature does not verify") from exc
    except jwt.PyJWTError as exc:
        raise IdTokenInvalid("ID token cannot be decoded") from exc


def check_issuer(claims: dict[str, Any], issuer: str) -> None:
    """§3.1.3.7 (2): the Issuer Identifier MUST exactly match the value of the iss claim."""
    if claims.get("iss") != issuer:
        raise IdTokenInvalid("ID token iss is not sgID's issuer")


def check_audience(claims: dict[str, Any], client_id: str) -> None:
    """§3.1.3.7 (3)-(5): aud contains our client_id; azp, if present, is our client_id."""
    aud = claims.get("aud")
    if isinstance(aud, str):
        audiences = [aud]
    elif isinstance(aud, list) and all(isinstance(a, str) for a in aud):
        audiences = aud
    else:
        raise IdTokenInvalid("ID token aud is missing or malformed")
    if client_id not in audiences:
        raise IdTokenInvalid("ID token aud does not contain our client_id")
    azp = claims.get("azp")
    if len(audiences) > 1 and azp is None:
        raise IdTokenInvalid("ID token has several audiences and no azp")
    if azp is not None and azp != client_id:
        raise IdTokenInvalid("ID token azp is another client")


def check_times(claims: dict[str, Any], now: float) -> None:
    """§3.1.3.7 (9)-(10): exp in the future, iat present and not ahead of us; nbf honoured."""
    exp = _numeric(claims, "exp")
    iat = _numeric(claims, "iat")
    if now >= exp + LEEWAY_SECONDS:
        raise IdTokenInvalid("ID token has expired")
    if iat > now + LEEWAY_SECONDS:
        raise IdTokenInvalid("ID token iat is in the future")
    if "nbf" in claims and _numeric(claims, "nbf") > now + LEEWAY_SECONDS:
        raise IdTokenInvalid("ID token is not valid yet (nbf)")


def check_nonce(claims: dict[str, Any], nonce: str) -> None:
    """§3.1.3.7 (11): the nonce claim MUST equal the nonce sent in the authentication request."""
    value = claims.get("nonce")
    if not isinstance(value, str) or not hmac.compare_digest(value.encode(), nonce.encode()):
        raise IdTokenInvalid("ID token nonce does not match this login attempt")


def check_subject(claims: dict[str, Any]) -> str:
    """§2: "A locally unique and never reassigned identifier within the Issuer for the End-User
    [...]. It MUST NOT exceed 255 ASCII [RFC20] characters in length."

    sgID's is pairwise and opaque: it is never parsed, only stored and compared, so a sub outside
    the spec is refused here rather than left to fail in the database (a NUL, or a column of 255).
    """
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub.strip():
        raise IdTokenInvalid("ID token has no sub")
    if len(sub) > MAX_SUBJECT_LENGTH:
        raise IdTokenInvalid(f"ID token sub is longer than {MAX_SUBJECT_LENGTH} characters")
    # ASCII, and of ASCII only the printable characters: a control character (NUL, DEL, a
    # newline) identifies no one and breaks what stores or logs it.
    if not (sub.isascii() and sub.isprintable()):
        raise IdTokenInvalid("ID token sub is not printable ASCII")
    return sub


def check_at_hash(claims: dict[str, Any], access_token: str) -> None:
    """§3.1.3.8 / §3.2.2.9: at_hash, when present, is the left half of SHA-256(access_token)."""
    at_hash = claims.get("at_hash")
    if at_hash is None:
        return
    digest = hashlib.sha256(access_token.encode("ascii", "replace")).digest()
    expected = base64.urlsafe_b64encode(digest[: len(digest) // 2]).rstrip(b"=").decode()
    if not isinstance(at_hash, str) or not hmac.compare_digest(at_hash, expected):
        raise IdTokenInvalid("ID token at_hash does not match the access token")


def _numeric(claims: dict[str, Any], name: str) -> float:
    value = claims.get(name)
    # bool is an int in Python; a JSON true is no time.
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise IdTokenInvalid(f"ID token {name} is missing or not a number")
    try:
        number = float(value)
    except OverflowError as exc:
        raise IdTokenInvalid(f"ID token {name} is out of range") from exc
    if not math.isfinite(number):
        raise IdTokenInvalid(f"ID token {name} is not a finite number")
    return number
