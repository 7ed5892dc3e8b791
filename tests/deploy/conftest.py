"""Two gunicorn servers on PostgreSQL and Redis, and a test sgID, for the module's tests.

The app processes get only the environment built here (never this process's), configured as in
production (DEBUG off, https issuer, JSON logs), except what plain http on loopback needs: no
https redirect, and cookies without Secure (a client does not send Secure cookies over http).
The test sgID serves https with a certificate made here, which the app servers trust through
REQUESTS_CA_BUNDLE: the site refuses an http issuer when DEBUG is off (accounts.E008).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.deploy.deployment import Deployment, deployed


@pytest.fixture(scope="module")
def deployment(services: None) -> Iterator[Deployment]:
    with deployed() as running:
        yield running
