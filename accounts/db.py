"""One write that the database may refuse, inside or outside a transaction."""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext

from django.db import transaction


def one_statement() -> AbstractContextManager[object]:
    """For a single write that may be refused: inside a transaction, a savepoint keeps the
    refusal from spoiling the rest of it; outside one, the statement is atomic by itself and
    needs no BEGIN and COMMIT around it (two round trips fewer)."""
    return transaction.atomic() if transaction.get_connection().in_atomic_block else nullcontext()
