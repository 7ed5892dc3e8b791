"""Giving a database connection back while a request waits on something else."""

from __future__ import annotations

from django.db import connection


def release_while_waiting() -> None:
    """Before a long wait that needs no database (a call to sgID): give this thread's
    connection back to the pool, so a few connections serve many waiting threads.

    Only with Django's PostgreSQL pool, and never inside a transaction. Without a pool, closing
    would throw away a persistent connection that the next query must open again; the next
    query here takes a connection from the pool as usual.
    """
    pooled = bool(connection.settings_dict.get("OPTIONS", {}).get("pool"))
    if pooled and connection.connection is not None and not connection.in_atomic_block:
        connection.close()
