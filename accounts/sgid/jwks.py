"""sgID's ID-token signing keys (RFC 7517) from `{issuer}/.well-known/jwks.json`, cached.

The key set is kept in this process and in a shared store (Django's cache in the site), each for
`ttl` seconds, so a warm login fetches nothing. A token signed with a key we have not seen (sgID
rotated its keys) triggers one refetch, but at most one per `cooldown` across every process that
shares the store, so tokens with forged `kid`s cannot make us hammer sgID. A failed fetch keeps the
keys already known: a JWKS outage does not stop logins signed with a known key.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

import requests
from jwt import PyJWK
from jwt.exceptions import PyJWTError

from .errors import IdTokenInvalid, ProviderUnavailable, SgidError
from .http import request_json

logger = logging.getLogger(__name__)

# How long a shared copy is kept after it is due for refresh, to ride out a JWKS outage.
STALE_RETENTION = 7 * 24 * 60 * 60


class KeyValueStore(Protocol):
    """The part of Django's cache API the key cache uses."""

    def get(self, key: str, default: Any = None) -> Any: ...

    def set(self, key: str, value: Any, timeout: float | None = ...) -> None: ...

    def add(self, key: str, value: Any, timeout: float | None = ...) -> bool: ...


class MemoryStore:
    """A KeyValueStore for one process, where no shared cache exists (scripts, tests)."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._data: dict[str, tuple[Any, float | None]] = {}

    def get(self, key: str, default: Any = None) -> Any:
        value, expires = self._data.get(key, (default, None))
        if expires is not None and self._clock() >= expires:
            return default
        return value

    def set(self, key: str, value: Any, timeout: float | None = None) -> None:
        self._data[key] = (value, None if timeout is None else self._clock() + timeout)

    def add(self, key: str, value: Any, timeout: float | None = None) -> bool:
        if self.get(key, _MISSING) is not _MISSING:
            return False
        self.set(key, value, timeout)
        return True


_MISSING = object()


def parse_jwks(document: dict[str, Any]) -> dict[str | None, PyJWK]:
    """The RS256 signing keys of a JWKS document, by `kid`. Other keys are ignored."""
    entries = document.get("keys")
    if not isinstance(entries, list):
        raise ProviderUnavailable("JWKS document without a keys array")
    keys: dict[str | None, PyJWK] = {}
    for entry in entries:
        if not isinstance(entry, dict) or entry.get("kty") != "RSA":
            continue
        if entry.get("use", "sig") != "sig" or entry.get("alg", "RS256") != "RS256":
            continue
        try:
            key = PyJWK(entry, algorithm="RS256")
        except (PyJWTError, ValueError, TypeError):
            continue
        keys[entry.get("kid") if isinstance(entry.get("kid"), str) else None] = key
    return keys


class JwksCache:
    def __init__(
        self,
        http: requests.Session,
        jwks_uri: str,
        *,
        store: KeyValueStore,
        timeout: float,
        ttl: float = 60 * 60,
        cooldown: float = 60,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._http = http
        self._uri = jwks_uri
        self._store = store
        self._timeout = timeout
        self._ttl = ttl
        self._cooldown = cooldown
        self._clock = clock
        self._lock = threading.Lock()
        self._keys: dict[str | None, PyJWK] = {}
        self._fetched_at = float("-inf")
        uri_hash = hashlib.sha256(jwks_uri.encode()).hexdigest()[:16]
        self._store_key = f"sgid:jwks:{uri_hash}"
        self._cooldown_key = f"sgid:jwks-refetch:{uri_hash}"
        self.fetches = 0  # network fetches made by this instance, for benchmarks and tests

    def key_for(self, kid: str | None) -> PyJWK:
        """The key that should have signed a token with this `kid` header (None if absent)."""
        with self._lock:
            keys = self._current_keys()
            key = _select(keys, kid)
            if key is None and kid is not None:
                keys = self._refetch_for_unknown_kid(kid)
                key = _select(keys, kid)
        if key is not None:
            return key
        if kid is None:
            raise IdTokenInvalid(f"ID token without kid while the JWKS holds {len(keys)} keys")
        raise IdTokenInvalid("ID token signed with a key not in sgID's JWKS")

    def _current_keys(self) -> dict[str | None, PyJWK]:
        now = self._clock()
        if self._keys and now - self._fetched_at < self._ttl:
            return self._keys
        if self._load_shared(fresher_than=now - self._ttl):
            return self._keys
        try:
            self._fetch(now)
        except SgidError as exc:
            if not self._keys and not self._load_shared(fresher_than=float("-inf")):
                raise
            # Keep the keys we know; try the network again after a cooldown, not on every login.
            logger.warning("sgID JWKS refresh failed, using cached keys: %s", exc.reason)
            self._fetched_at = now - self._ttl + self._cooldown
        return self._keys

    def _refetch_for_unknown_kid(self, kid: str) -> dict[str | None, PyJWK]:
        # Another process may already have fetched the rotated set.
        if self._load_shared(fresher_than=self._fetched_at) and kid in self._keys:
            return self._keys
        if not self._store.add(self._cooldown_key, 1, self._cooldown):
            return self._keys
        try:
            self._fetch(self._clock())
        except SgidError as exc:
            logger.warning("sgID JWKS refetch for an unknown kid failed: %s", exc.reason)
        return self._keys

    def _fetch(self, now: float) -> None:
        self.fetches += 1
        response = request_json(
            self._http, "GET", self._uri, what="JWKS endpoint", timeout=self._timeout
        )
        if response.status != 200:
            raise ProviderUnavailable(f"JWKS endpoint answered {response.status}")
        keys = parse_jwks(response.body)
        if not keys:
            raise ProviderUnavailable("JWKS document holds no RS256 signing key")
        self._keys, self._fetched_at = keys, now
        self._store.set(
            self._store_key,
            {"jwks": response.body, "fetched_at": now},
            self._ttl + STALE_RETENTION,
        )

    def _load_shared(self, *, fresher_than: float) -> bool:
        """Adopt the shared copy if it was fetched after `fresher_than`."""
        shared = self._store.get(self._store_key)
        if not isinstance(shared, dict):
            return False
        fetched_at = shared.get("fetched_at")
        document = shared.get("jwks")
        if not isinstance(fetched_at, (int, float)) or not isinstance(document, dict):
            return False
        if fetched_at <= fresher_than:
            return False
        try:
            keys = parse_jwks(document)
        except SgidError:
            return False
        if not keys:
            return False
        self._keys, self._fetched_at = keys, float(fetched_at)
        return True


def _select(keys: dict[str | None, PyJWK], kid: str | None) -> PyJWK | None:
    if kid is not None:
        return keys.get(kid)
    # A token may omit `kid` when the set holds exactly one key.
    if len(keys) == 1:
        return next(iter(keys.values()))
    return None
