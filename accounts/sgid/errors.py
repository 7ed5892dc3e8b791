"""Typed errors of the sgID client.

One base class carries a machine `code`, the failure category the site shows a page for, and a
`reason`, a short description that is safe to log: it never holds a token, an authorization code,
a key or personal data. Each subclass is one category a person can act on.
"""

from __future__ import annotations

from typing import ClassVar


class SgidError(Exception):
    """Base of every error the client raises."""

    code: ClassVar[str] = "sgid_error"

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ConfigurationError(SgidError):
    """Our own configuration is unusable (e.g. the private key)."""

    code = "configuration"


class LoginCancelled(SgidError):
    """The person declined at sgID (`error=access_denied`)."""

    code = "cancelled"


class LoginExpired(SgidError):
    """The login attempt is unknown, expired or already used, or sgID no longer honours the code."""

    code = "expired"


class ProviderUnavailable(SgidError):
    """sgID could not be reached, was too slow, failed (5xx), or refused our request."""

    code = "unavailable"


class ProviderUntrusted(SgidError):
    """sgID answered something we cannot trust; nothing from it is used."""

    code = "untrusted"


class IdTokenInvalid(ProviderUntrusted):
    """The ID token failed a check of OIDC Core §3.1.3.7."""


class UserinfoInvalid(ProviderUntrusted):
    """The userinfo response is malformed or belongs to another subject."""


class DecryptionFailed(ProviderUntrusted):
    """The end-to-end encrypted userinfo could not be decrypted (wrong key, tampering, bad alg)."""
