"""The database and cache backends the production settings use (sgid_rp/db, sgid_rp/cache.py).

They run against the machine's PostgreSQL and Redis whatever the suite's own database is, and
skip without them (fail, with SGID_REQUIRE_SERVICES set).
"""

from __future__ import annotations

import secrets
import time

import psycopg
import pytest
import redis
from django.db.utils import ConnectionHandler

from sgid_rp.cache import RedisCache
from tests.deploy.topology import PG_ADMIN_URL, REDIS_HOST, REDIS_PORT

pytestmark = pytest.mark.usefixtures("services")

WAIT = 5.0


@pytest.fixture
def db(django_db_blocker):
    """A persistent, health-checked connection to PostgreSQL, as the production settings make.

    Its own, outside the suite's connections (and their test database).
    """
    handler = ConnectionHandler(
        {
            "default": {
                "ENGINE": "sgid_rp.db",
                "NAME": "test",
                "USER": "postgres",
                "HOST": "127.0.0.1",
                "PORT": "5432",
                "CONN_MAX_AGE": 60,
                "CONN_HEALTH_CHECKS": True,
            }
        }
    )
    connection = handler["default"]
    with django_db_blocker.unblock():
        yield connection
        connection.close()


def backend_pid(db) -> int:
    with db.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def next_request(db) -> None:
    """What Django does to each connection when a request starts (`close_old_connections`)."""
    db.close_if_unusable_or_obsolete()


def terminate(pid: int) -> None:
    """End one server process, as a restart or a failover does, and wait until it is gone."""
    with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=2) as admin:
        assert admin.execute("SELECT pg_terminate_backend(%s)", (pid,)).fetchone() == (True,)
        deadline = time.monotonic() + WAIT
        while admin.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", (pid,)).fetchone():
            assert time.monotonic() < deadline, "the server process did not end"
            time.sleep(0.01)


def test_a_request_on_a_quiet_connection_sends_no_health_check_query(db, monkeypatch):
    first = backend_pid(db)
    next_request(db)
    sent = []
    cursor = db.connection.cursor
    monkeypatch.setattr(db.connection, "cursor", lambda *a, **k: sent.append(1) or cursor(*a, **k))
    db.close_if_health_check_failed()
    # Django's own check sends SELECT 1 here, on every request that touches the database.
    assert sent == []
    monkeypatch.undo()
    assert backend_pid(db) == first  # the same connection serves the request


def test_a_connection_the_server_ended_is_replaced_before_a_request_uses_it(db):
    first = backend_pid(db)
    next_request(db)
    terminate(first)
    # Without a working check this query would fail: "terminating connection due to
    # administrator command", a 500 for the person whose request drew this connection.
    assert backend_pid(db) != first


@pytest.fixture
def redis_cache():
    prefix = "test-backends-" + secrets.token_hex(4)
    cache = RedisCache(f"redis://{REDIS_HOST}:{REDIS_PORT}/5", {"KEY_PREFIX": prefix})
    yield cache
    with redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=5) as client:
        keys = list(client.scan_iter(f"{prefix}:*"))
        if keys:
            client.delete(*keys)


def test_cache_operations_share_one_redis_client_and_keep_their_meaning(redis_cache):
    built = []
    make = redis_cache._cache._client
    redis_cache._cache._client = lambda **kw: built.append(1) or make(**kw)

    redis_cache.set("session", {"sub": "s"}, 60)
    assert redis_cache.get("session") == {"sub": "s"}
    assert redis_cache.add("marker", True, 60) is True
    assert redis_cache.add("marker", True, 60) is False  # single use still holds
    assert redis_cache.delete("session") is True
    assert redis_cache.get("session") is None
    # Django's RedisCache builds a client per operation: six here.
    assert built == [1]
