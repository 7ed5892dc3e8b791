"""Sessions sealed at rest: the session's JSON is encrypted before Django signs and stores it.

Django signs session data but stores it readable (base64 JSON). A session here holds the data a
person consented to share (full NRIC, date of birth, address, children's records) and the secrets
of pending logins, so `SESSION_SERIALIZER` points at this class, which encrypts the JSON with
Fernet (AES-128-CBC + HMAC-SHA256, from `cryptography`). The key is derived from `SECRET_KEY` by
HKDF; data sealed under any of `SECRET_KEY_FALLBACKS` still opens, and is sealed again under the
current key at its next save, so rotating `SECRET_KEY` the Django way rotates this key too.
A session that no key opens reads as empty: its person is signed out, nothing fails.
"""

from __future__ import annotations

import base64
import functools
import json
from typing import Any

from cryptography.fernet import Fernet, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

# Binds the derived key to this one use of SECRET_KEY.
_INFO = b"sgid-rp session encryption v1"


def _fernet(secret: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(secret.encode())
    return Fernet(base64.urlsafe_b64encode(key))


@functools.lru_cache(maxsize=4)
def _sealer(secrets: tuple[str, ...]) -> MultiFernet:
    # HKDF is cheap, but a session is read on every request: derive once per key set.
    return MultiFernet([_fernet(secret) for secret in secrets])


def sealer() -> MultiFernet:
    return _sealer((settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS))


class EncryptedJSONSerializer:
    """Django's JSON session serializer, encrypting what it writes and decrypting what it reads."""

    def dumps(self, obj: Any) -> bytes:
        return sealer().encrypt(json.dumps(obj, separators=(",", ":")).encode())

    def loads(self, data: bytes) -> Any:
        # cryptography.fernet.InvalidToken for data no key opens: Django's session store then
        # treats the session as empty.
        return json.loads(sealer().decrypt(data))
