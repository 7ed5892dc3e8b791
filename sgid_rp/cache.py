"""Django's Redis cache, with one redis-py client per connection pool instead of one per call.

Django's `RedisCacheClient.get_client()` builds a new `redis.Redis` for every cache operation,
and each build fills a table of 169 response callbacks: ~60 µs here, about 40 % of the Python
time of a cache GET (py-spy; see `bench/history.md`). A session read, a login's single-use marker
and its session writes are all cache operations. A `redis.Redis` holds no connection of its own
(it borrows from the pool) and is safe to share between threads, so one per pool is kept.
Everything else — pools, serializer, options, errors — is Django's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    # Django's own members, used as Django uses them; django-stubs leaves them out.
    _client: Any
    if TYPE_CHECKING:

        def _get_connection_pool(self, write: bool) -> Any: ...

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server: Any, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
