"""Proof Key for Code Exchange with the S256 method (RFC 7636 §4.1, §4.2).

sgID v2 requires PKCE on every authorization request.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets

# RFC 7636 §4.1: code-verifier = 43*128unreserved
_VERIFIER = re.compile(r"[A-Za-z0-9\-._~]{43,128}")


def new_verifier() -> str:
    """A fresh high-entropy verifier: 48 random bytes, base64url, 64 characters."""
    return secrets.token_urlsafe(48)


def is_valid_verifier(verifier: str) -> bool:
    return _VERIFIER.fullmatch(verifier) is not None


def s256_challenge(verifier: str) -> str:
    """RFC 7636 §4.2: code_challenge = BASE64URL-ENCODE(SHA256(ASCII(code_verifier)))."""
    if not is_valid_verifier(verifier):
        raise ValueError("a PKCE verifier is 43 to 128 unreserved characters")
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
