"""Two gunicorn servers on PostgreSQL and Redis, and a test sgID, for the module's tests.

The app processes get only the environment built here (never this process's), configured as in
production (DEBUG off, https issuer, JSON logs), except what plain http on loopback needs: no
https redirect, and cookies without Secure (a client does not send Secure cookies over http).
The test sgID serves https with a certificate made here, which the app servers trust through
REQUESTS_CA_BUNDLE: the site refuses an http issuer when DEBUG is off (accounts.E008).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from .topology import (
    Deployment,
    deployed,
    services_problem,
)


@pytest.fixture(scope="module")
def services() -> None:
    """Skip (or, with SGID_REQUIRE_SERVICES set, fail) without PostgreSQL and Redis."""
    problem = services_problem()
    if problem is None:
        return
    message = f"the multi-server tests need PostgreSQL and Redis on 127.0.0.1: {problem}"
    if os.environ.get("SGID_REQUIRE_SERVICES"):
        pytest.fail(message + " (required: SGID_REQUIRE_SERVICES is set)", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="module")
def deployment(services: None) -> Iterator[Deployment]:
    with deployed() as running:
        yield running
