"""The private Redis and PostgreSQL that the outage tests stop and start."""

from __future__ import annotations

import psycopg
import pytest
import redis

from tests.support.deploy.ports import port_refuses
from tests.support.deploy.private_services import PrivatePostgres, PrivateRedis


def test_redis_stops_refusing_connections_and_comes_back_empty_on_its_port() -> None:
    with PrivateRedis() as server:
        port = server.port
        assert server.url(2) == f"redis://127.0.0.1:{port}/2"
        with server.client(2) as client:
            client.set("kept?", "yes")
            assert client.get("kept?") == b"yes"

        server.stop()

        assert not server.running
        assert port_refuses(port)
        with server.client(2) as client, pytest.raises(redis.ConnectionError):
            client.ping()

        server.start()

        assert server.port == port
        with server.client(2) as client:
            assert client.ping()
            assert client.get("kept?") is None  # no persistence: a restart forgets everything
    assert port_refuses(port)


def test_postgres_stops_refusing_connections_and_comes_back_with_its_data() -> None:
    with PrivatePostgres() as server:
        port = server.port
        assert server.url == f"postgres://postgres@127.0.0.1:{port}/app"
        with server.connect() as conn:
            conn.execute("CREATE TABLE kept (value text)")
            conn.execute("INSERT INTO kept VALUES ('yes')")
        held = server.connect()

        server.stop()

        assert not server.running
        assert port_refuses(port)
        # A connection open across the stop is terminated, and new ones are refused.
        with pytest.raises(psycopg.OperationalError):
            held.execute("SELECT 1")
        held.close()
        with pytest.raises(psycopg.OperationalError):
            server.connect()

        server.start()

        assert server.port == port
        with server.connect() as conn:
            assert conn.execute("SELECT value FROM kept").fetchall() == [("yes",)]
    assert port_refuses(port)


def test_postgres_survives_an_immediate_stop() -> None:
    with PrivatePostgres() as server:
        with server.connect() as conn:
            conn.execute("CREATE TABLE kept AS SELECT 1 AS value")
        server.stop(immediate=True)
        assert port_refuses(server.port)
        server.start()  # crash recovery
        with server.connect() as conn:
            assert conn.execute("SELECT value FROM kept").fetchall() == [(1,)]
