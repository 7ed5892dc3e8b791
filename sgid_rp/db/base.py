"""Django's PostgreSQL backend, whose health check sends no query while the connection is quiet.

With CONN_HEALTH_CHECKS, Django sends `SELECT 1` before the first query of every request that
reuses a connection, so that a connection the server has dropped (a restart, a failover,
`pg_terminate_backend`) is replaced instead of failing that request. That is one more round trip
on every request that touches the database.

A server that ends a connection says so: it sends an error and closes the socket, which then
polls readable. Between requests, a healthy connection has nothing to read (we LISTEN for
nothing). So a socket with nothing to read and no error or hang-up is taken as healthy, at the
cost of a poll() — about a microsecond; anything else gets Django's own check (`SELECT 1`),
which closes the connection if it fails. A peer that vanishes without a word (no FIN, no RST)
fails either check only after TCP gives up, so nothing is lost there.
"""

from __future__ import annotations

import select

import psycopg
from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    # Django's own members, used as Django uses them; django-stubs leaves them out.
    health_check_enabled: bool
    health_check_done: bool

    def close_if_health_check_failed(self) -> None:
        if (
            self.connection is not None
            and self.health_check_enabled
            and not self.health_check_done
            and not self.pool
            and self._quiet()
        ):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()

    def _quiet(self) -> bool:
        """Whether the server has said nothing since our last answer, and the socket is open."""
        if self.connection.closed:
            return False
        try:
            poller = select.poll()
            poller.register(self.connection.fileno(), select.POLLIN | select.POLLPRI)
            return not poller.poll(0)
        except (OSError, ValueError, psycopg.Error):  # no socket, or a closed one
            return False
