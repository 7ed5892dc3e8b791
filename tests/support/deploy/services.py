"""The machine's PostgreSQL and Redis on 127.0.0.1: shared with other runs, never stopped.

A probe says why they cannot be used; a run gets a fresh database of its own and a Redis logical
database it flushes. Every call gives up within ~2 s. Private instances a test may stop are in
private_services.py.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from typing import Any

import psycopg
import redis
from psycopg import sql
from redis.backoff import NoBackoff
from redis.retry import Retry

PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"
PG_URL = "postgres://postgres@127.0.0.1:5432/{name}"
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
# The Redis logical database the app servers share; flushed before and after the run.
REDIS_DB = int(os.environ.get("SGID_DEPLOY_REDIS_DB", "3"))


def services_problem() -> str | None:
    """Why PostgreSQL or Redis cannot be used, or None when both answer (each within ~2 s)."""
    try:
        with psycopg.connect(PG_ADMIN_URL, connect_timeout=2) as conn:
            conn.execute("SELECT 1").fetchone()
    except psycopg.Error as exc:
        return f"PostgreSQL at 127.0.0.1:5432 (user postgres, database test): {exc}".strip()
    try:
        with redis_client() as client:
            client.ping()
    except redis.RedisError as exc:
        return f"Redis at {REDIS_HOST}:{REDIS_PORT}: {exc}"
    return None


def redis_client(db: int = 0) -> redis.Redis:
    """A client that tries once (redis-py otherwise retries with back-off), within 2 s."""
    return redis.Redis(
        host=REDIS_HOST,
        port=REDIS_PORT,
        db=db,
        socket_connect_timeout=2,
        socket_timeout=2,
        retry=Retry(NoBackoff(), 0),
    )


def flush_redis_db(db: int) -> None:
    with redis_client(db) as client:
        client.flushdb()


@contextlib.contextmanager
def fresh_database() -> Iterator[str]:
    """A new, empty PostgreSQL database for this run; dropped (even if in use) afterwards."""
    name = f"sgid_deploy_{secrets.token_hex(6)}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=2) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield name
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=2) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def connections_to(database: str) -> int:
    """Server connections to `database` that PostgreSQL counts, other than this query's own."""
    count = query_one(
        "postgres",
        "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
        database,
    )
    return int(count or 0)


def query_one(database: str, query: str, *params: Any) -> Any:
    with psycopg.connect(PG_URL.format(name=database), connect_timeout=2) as conn:
        row = conn.execute(query, params).fetchone()
    return row[0] if row else None
