"""Two gunicorn servers on PostgreSQL and Redis, and a test sgID, for the module's tests.

The app processes get only the environment built here (never this process's), configured as in
production (DEBUG off, https issuer, JSON logs), except what plain http on loopback needs: no
https redirect, and cookies without Secure (a client does not send Secure cookies over http).
The test sgID serves https with a certificate made here, which the app servers trust through
REQUESTS_CA_BUNDLE: the site refuses an http issuer when DEBUG is off (accounts.E008).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import string
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import material as m
from tests.conformance.provider import HostileSgid

from .topology import (
    REDIS_DB,
    AppServer,
    Deployment,
    Tls,
    flush_redis_db,
    free_port,
    fresh_database,
    run_manage,
    services_problem,
    write_secret,
)

CLIENT_ID = "deploy-client"
CLIENT_SECRET = "deploy-client-secret-" + secrets.token_hex(16)
SCOPES = "openid myinfo.name myinfo.nric_number"


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


def keep_log(server: AppServer) -> None:
    """With SGID_DEPLOY_LOG_DIR set, copy the server's log there (the run's folder goes)."""
    if target := os.environ.get("SGID_DEPLOY_LOG_DIR"):
        Path(target).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(server.log_path, Path(target) / server.log_path.name)


def secret_key() -> str:
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    return "".join(secrets.choice(alphabet) for _ in range(50))


@pytest.fixture(scope="module")
def deployment(services: None) -> Iterator[Deployment]:
    with contextlib.ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="sgid-deploy-")))
        database = stack.enter_context(fresh_database())
        flush_redis_db(REDIS_DB)
        stack.callback(flush_redis_db, REDIS_DB)

        tls = Tls.create(workdir)
        provider = HostileSgid(
            client_id=CLIENT_ID, client_secret=CLIENT_SECRET, tls=tls.server_context()
        )
        provider.start()
        stack.callback(provider.stop)

        client_key_pem = m.pem(m.rsa_key("client"))
        key_file = workdir / "sgid-client-key.pem"
        write_secret(key_file, client_key_pem)

        port_a, port_b = free_port(), free_port()
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "DEBUG": "false",
            "SECRET_KEY": secret_key(),
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
            "CACHE_URL": f"redis://127.0.0.1:6379/{REDIS_DB}",
            "SGID_ISSUER": provider.issuer,
            "SGID_CLIENT_ID": CLIENT_ID,
            "SGID_CLIENT_SECRET": CLIENT_SECRET,
            "SGID_PRIVATE_KEY_FILE": str(key_file),
            # One registered callback URL, as behind a load balancer; either server may get it.
            "SGID_REDIRECT_URI": f"http://127.0.0.1:{port_a}/auth/callback",
            "SGID_SCOPES": SCOPES,
            "SGID_HTTP_TIMEOUT": "3",
            "REQUESTS_CA_BUNDLE": str(tls.cert_file),
            "SECURE_SSL_REDIRECT": "false",
            "SESSION_COOKIE_SECURE": "false",
            "CSRF_COOKIE_SECURE": "false",
            "STATIC_ROOT": str(workdir / "staticfiles"),
            "ENV_FILE": str(workdir / "no-such.env"),
            "LOG_FORMAT": "json",
        }
        # The README's deploy steps.
        run_manage(env, "migrate", "--no-input")
        run_manage(env, "collectstatic", "--no-input")

        servers = [
            AppServer(name, port, env, workdir / f"gunicorn-{name}.log")
            for name, port in (("A", port_a), ("B", port_b))
        ]
        for server in servers:
            # Registered before the stop, so it runs after it: the logs are complete.
            stack.callback(keep_log, server)
            stack.callback(server.stop)
            server.start()
        yield Deployment(servers[0], servers[1], provider, database, env, client_key_pem)
    assert not provider.errors, f"the test sgID itself failed: {provider.errors!r}"
