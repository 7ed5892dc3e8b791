"""PKCE with S256 (RFC 7636 §4): the only method sgID v2 accepts, and it is mandatory."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

METHOD = "S256"
# §4.2: BASE64URL(SHA256(...)) without padding is always 43 characters.
_CHALLENGE = re.compile(r"[A-Za-z0-9_-]{43}")
# §4.1: code_verifier = 43*128unreserved
_VERIFIER = re.compile(r"[A-Za-z0-9._~-]{43,128}")


def is_valid_challenge(challenge: str) -> bool:
    return _CHALLENGE.fullmatch(challenge) is not None


def verifier_matches(verifier: str, challenge: str) -> bool:
    """§4.6: BASE64URL(SHA256(ASCII(code_verifier))) == code_challenge."""
    if _VERIFIER.fullmatch(verifier) is None:
        return False
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    computed = base64.urlsafe_b64encode(digest).rstrip(b"=")
    return hmac.compare_digest(computed, challenge.encode("ascii"))
