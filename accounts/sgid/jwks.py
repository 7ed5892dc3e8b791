"""sgID's ID-token signing keys (RFC 7517) from `{issuer}/.well-known/jwks.json`, cached.

The key set is kept in this process and in a shared store (Django's cache in the site), each for
`ttl` seconds, so a warm login fetches nothing. A token signed with a key we have not seen (sgID
rotated its keys) triggers one refetch, but at most one per `cooldown` across every process that
shares the store, so tokens with forged `kid`s cannot make us hammer sgID. A failed fetch keeps the
keys already known: a JWKS outage does not stop logins signed with a known key. While one thread
refreshes an expired set, the others go on with the keys they have; none waits on the network
unless no key is known at all, and then a failed fetch is not retried before the cooldown.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
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
    """The part of Django's cache API the key cache uses.

    A shared cache that cannot be reached may answer a miss to `get` and None to `add`
    (django-redis with IGNORE_EXCEPTIONS): neither True nor False.
    """

    def get(self, key: str, default: Any = None) -> Any: ...

    def set(self, key: str, value: Any, timeout: float | None = ...) -> None: ...

    def add(self, key: str, value: Any, timeout: float | None = ...) -> bool | None: ...


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


@dataclass(frozen=True)
class _Snapshot:
    keys: tuple[tuple[str | None, PyJWK], ...]
    fetched_at: float


_EMPTY = _Snapshot(keys=(), fetched_at=float("-inf"))


def parse_jwks(document: dict[str, Any]) -> tuple[tuple[str | None, PyJWK], ...]:
    """The RS256 signing keys of a JWKS document as (kid, key) pairs. Other keys are ignored."""
    entries = document.get("keys")
    if not isinstance(entries, list):
        raise ProviderUnavailable("JWKS document without a keys array")
    keys: list[tuple[str | None, PyJWK]] = []
    for entry in entries:
        if not isinstance(entry, dict) or entry.get("kty") != "RSA":
            continue
        if entry.get("use", "sig") != "sig" or entry.get("alg", "RS256") != "RS256":
            continue
        try:
            key = PyJWK(entry, algorithm="RS256")
        except (PyJWTError, ValueError, TypeError):
            continue
        kid = entry.get("kid")
        keys.append((kid if isinstance(kid, str) else None, key))
    return tuple(keys)


def select_key(keys: tuple[tuple[str | None, PyJWK], ...], kid: str | None) -> PyJWK | None:
    """The one key for this `kid`; a token may omit `kid` only when the set holds one key."""
    matches = [key for key_id, key in keys if key_id == kid] if kid is not None else []
    if kid is None and len(keys) == 1:
        matches = [keys[0][1]]
    # Two keys under one kid leave the signer ambiguous: trust neither.
    return matches[0] if len(matches) == 1 else None


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
        on_refetch_refused: Callable[[], None] = lambda: None,
    ) -> None:
        self._http = http
        self._uri = jwks_uri
        self._store = store
        self._timeout = timeout
        self._ttl = ttl
        self._cooldown = cooldown
        self._clock = clock
        # Told each time the cooldown refuses a refetch for an unknown kid (for a metric).
        self._on_refetch_refused = on_refetch_refused
        # Replaced whole, never mutated, so readers need no lock.
        self._snapshot = _EMPTY
        self._refresh_lock = threading.Lock()
        self._retry_at = float("-inf")
        # This process's own refetch cooldown, for when the shared one cannot be reached.
        self._refetch_after = float("-inf")
        uri_hash = hashlib.sha256(jwks_uri.encode()).hexdigest()[:16]
        self._store_key = f"sgid:jwks:{uri_hash}"
        self._cooldown_key = f"sgid:jwks-refetch:{uri_hash}"

    def key_for(self, kid: str | None) -> PyJWK:
        """The key that should have signed a token with this `kid` header (None if absent)."""
        keys = self._current_keys()
        key = select_key(keys, kid)
        if key is None and kid is not None and not any(k == kid for k, _ in keys):
            key = select_key(self._refetch_for_unknown_kid(kid), kid)
        if key is not None:
            return key
        if kid is None:
            raise IdTokenInvalid(f"ID token without kid while the JWKS holds {len(keys)} keys")
        raise IdTokenInvalid("ID token's key is not in sgID's JWKS, or not unique there")

    def _current_keys(self) -> tuple[tuple[str | None, PyJWK], ...]:
        snapshot = self._snapshot
        if snapshot.keys and self._clock() - snapshot.fetched_at < self._ttl:
            return snapshot.keys
        if snapshot.keys:
            # Expired: one thread refreshes while the others go on with these keys.
            if not self._refresh_lock.acquire(blocking=False):
                return snapshot.keys
        else:
            self._refresh_lock.acquire()
        try:
            return self._refresh()
        finally:
            self._refresh_lock.release()

    def _refresh(self) -> tuple[tuple[str | None, PyJWK], ...]:
        now = self._clock()
        snapshot = self._snapshot
        if snapshot.keys and now - snapshot.fetched_at < self._ttl:
            return snapshot.keys  # another thread refreshed while we waited
        if self._adopt_shared(fresher_than=now - self._ttl):
            return self._snapshot.keys
        if now < self._retry_at:
            if snapshot.keys or self._adopt_shared(fresher_than=float("-inf")):
                return self._snapshot.keys
            raise ProviderUnavailable("JWKS endpoint failed recently; waiting before a retry")
        try:
            self._fetch(now)
        except SgidError as exc:
            self._retry_at = now + self._cooldown
            if not snapshot.keys and not self._adopt_shared(fresher_than=float("-inf")):
                raise
            logger.warning("sgID JWKS refresh failed, using cached keys: %s", exc.reason)
        return self._snapshot.keys

    def _refetch_for_unknown_kid(self, kid: str) -> tuple[tuple[str | None, PyJWK], ...]:
        with self._refresh_lock:
            # Another process (or thread) may already have fetched the rotated set.
            if self._adopt_shared(fresher_than=self._snapshot.fetched_at) and any(
                k == kid for k, _ in self._snapshot.keys
            ):
                return self._snapshot.keys
            now = self._clock()
            if now < self._refetch_after:
                self._on_refetch_refused()
                return self._snapshot.keys
            # False: another process refetched within the cooldown. None: the shared store
            # did not answer, and this process's own cooldown stands in for it, so a rotation
            # is still picked up while the cache is down, and forged kids still fetch rarely.
            if self._store.add(self._cooldown_key, 1, self._cooldown) is False:
                self._on_refetch_refused()
                return self._snapshot.keys
            self._refetch_after = now + self._cooldown
            try:
                self._fetch(now)
            except SgidError as exc:
                logger.warning("sgID JWKS refetch for an unknown kid failed: %s", exc.reason)
            return self._snapshot.keys

    def _fetch(self, now: float) -> None:
        response = request_json(
            self._http, "GET", self._uri, what="JWKS endpoint", timeout=self._timeout
        )
        if response.status != 200:
            raise ProviderUnavailable(f"JWKS endpoint answered {response.status}")
        keys = parse_jwks(response.body)
        if not keys:
            raise ProviderUnavailable("JWKS document holds no RS256 signing key")
        self._snapshot = _Snapshot(keys=keys, fetched_at=now)
        self._store.set(
            self._store_key,
            {"jwks": response.body, "fetched_at": now},
            self._ttl + STALE_RETENTION,
        )

    def _adopt_shared(self, *, fresher_than: float) -> bool:
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
        self._snapshot = _Snapshot(keys=keys, fetched_at=float(fetched_at))
        return True
