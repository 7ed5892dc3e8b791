"""Django's cached_db sessions, with fewer round trips to the database and the cache.

Same table, same cache keys, same guarantees; four things Django's store does that a session
does not need:

- It looks a new key up (a cache GET and a SELECT) before using it. The key has 165 bits of
  randomness, and the INSERT that creates the row refuses a key in use anyway (CreateError), on
  which a new key is drawn, as before.
- `cycle_key()` (every login) INSERTs the new session at once and the middleware UPDATEs it at the
  end of the request. Here the new key is drawn at once — so it can be filed under the user — and
  the row is INSERTed by that one save at the end.
- Deleting a session (the old one at every login, and at logout) SELECTs the row, then DELETEs
  it. Here one DELETE does it.
- Each write is wrapped in a transaction (BEGIN, the statement, COMMIT) even outside one, and a
  new session is written to the cache twice. Here a single statement runs on its own outside a
  transaction (it is atomic by itself); inside one, it still gets a savepoint.
"""

from __future__ import annotations

import contextlib
import logging
from typing import TYPE_CHECKING, Any

from django.contrib.sessions.backends.base import VALID_KEY_CHARS, CreateError, UpdateError
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDbStore
from django.core.cache.backends.base import BaseCache
from django.db import DatabaseError, IntegrityError, connections, router, transaction
from django.utils.crypto import get_random_string

logger = logging.getLogger("django.contrib.sessions")


class SessionStore(CachedDbStore):
    # Django's own members, used as its cached_db store uses them; django-stubs leaves them out.
    _cache: BaseCache
    _session: dict[str, Any]
    if TYPE_CHECKING:

        def _get_session(self, no_load: bool = False) -> dict[str, Any]: ...

    def __init__(self, session_key: str | None = None) -> None:
        super().__init__(session_key)
        # A key cycle_key() drew that has no row yet: the next save INSERTs it.
        self._unsaved_key: str | None = None

    def _get_new_session_key(self) -> str:
        return get_random_string(32, VALID_KEY_CHARS)

    def cycle_key(self) -> None:
        data = self._session
        old_key = self.session_key
        self._session_key = self._unsaved_key = self._get_new_session_key()
        self._session_cache = data
        self.modified = True
        if old_key:
            self.delete(old_key)

    def delete(self, session_key: str | None = None) -> None:
        key = session_key if session_key is not None else self.session_key
        if key is None:
            return
        self._cache.delete(self.cache_key_prefix + key)
        # Nothing listens for a session's deletion and no row refers to it: one DELETE.
        self.model.objects.filter(session_key=key).delete()

    def save(self, must_create: bool = False) -> None:
        if self.session_key is None:
            return self.create()  # draws keys until save(must_create=True) succeeds
        drawn_by_cycle = self._unsaved_key is not None and self._unsaved_key == self.session_key
        must_create = must_create or drawn_by_cycle
        data = self._get_session(no_load=must_create)
        row = self.create_model_instance(data)
        using = router.db_for_write(self.model, instance=row)
        # Outside a transaction one statement is atomic; inside one, a savepoint keeps a
        # refused INSERT from spoiling the rest of it.
        guard = (
            transaction.atomic(using=using)
            if connections[using].in_atomic_block
            else contextlib.nullcontext()
        )
        try:
            with guard:
                row.save(force_insert=must_create, force_update=not must_create, using=using)
        except IntegrityError:
            if not must_create:
                raise
            if not drawn_by_cycle:
                raise CreateError from None
            # Someone holds the key cycle_key() drew (at 165 bits, not in practice): draw again.
            self._unsaved_key = self._session_key = None
            return self.create()
        except DatabaseError:
            if not must_create:
                raise UpdateError from None
            raise
        self._unsaved_key = None
        try:
            self._cache.set(self.cache_key, self._session, self.get_expiry_age())
        except Exception:  # every cache backend has its own errors; the row is what counts
            logger.exception("Error saving to cache (%s)", self._cache)
