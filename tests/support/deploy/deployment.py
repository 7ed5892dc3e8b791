"""The production topology on loopback: gunicorn app servers on PostgreSQL and Redis, and a test
sgID (a HostileSgid serving TLS), set up as the README's deploy steps say and torn down after.

Shared by the multi-server and outage tests (tests/deploy) and the benchmark (bench/run.py).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import string
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tests.support import material as m
from tests.support.deploy import logs
from tests.support.deploy.appserver import AppServer, run_manage
from tests.support.deploy.ports import free_port
from tests.support.deploy.services import (
    PG_URL,
    REDIS_DB,
    REDIS_HOST,
    REDIS_PORT,
    flush_redis_db,
    fresh_database,
)
from tests.support.deploy.tls import Tls, write_secret
from tests.support.hostile_sgid import HostileSgid


@dataclass
class Deployment:
    """Two app servers behind no balancer (the test is the balancer), and what they share."""

    a: AppServer
    b: AppServer
    provider: HostileSgid
    database: str
    env: dict[str, str]
    client_key_pem: str

    @property
    def servers(self) -> tuple[AppServer, AppServer]:
        return (self.a, self.b)

    def log_marks(self) -> dict[str, int]:
        """Where each server's log ends now: pass as `since` to look only at what follows."""
        return {server.name: server.log_size() for server in self.servers}

    def request_lines(
        self, since: dict[str, int] | None = None
    ) -> list[tuple[AppServer, dict[str, Any]]]:
        """The app's one line per request, from every server."""
        return logs.request_lines(self.servers, since)

    def assert_no_server_errors(self, since: dict[str, int] | None = None) -> None:
        """No request answered 5xx, and no traceback or worker timeout in any log."""
        logs.assert_no_server_errors(self.servers, since)


CLIENT_ID = "deploy-client"
CLIENT_SECRET = "deploy-client-secret-" + secrets.token_hex(16)
SCOPES = "openid myinfo.name myinfo.nric_number"


def secret_key() -> str:
    """A fresh Django SECRET_KEY, as a deployment makes one."""
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    return "".join(secrets.choice(alphabet) for _ in range(50))


@contextlib.contextmanager
def deployed(
    names: tuple[str, ...] = ("A", "B"),
    *,
    workers: int | None = 2,
    threads: int | None = None,
    extra_env: dict[str, str] | None = None,
    database_url: str | None = None,
    cache_url: str | None = None,
) -> Iterator[Deployment]:
    """gunicorn servers on a fresh PostgreSQL database and Redis, and a TLS test sgID.

    By default the database is a new one on the machine's PostgreSQL and the cache is the
    machine's Redis (db REDIS_DB, flushed before and after). `database_url` (an empty database)
    and `cache_url` put the servers on other instances instead, such as the private ones of
    private_services.py that a test stops and starts; their owner cleans them up.
    """
    with contextlib.ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="sgid-deploy-")))
        if database_url is None:
            database = stack.enter_context(fresh_database())
            database_url = PG_URL.format(name=database)
        else:
            database = urlsplit(database_url).path.lstrip("/")
        if cache_url is None:
            flush_redis_db(REDIS_DB)
            stack.callback(flush_redis_db, REDIS_DB)
            cache_url = f"redis://{REDIS_HOST}:{REDIS_PORT}/{REDIS_DB}"

        tls = Tls.create(workdir)
        provider = HostileSgid(
            client_id=CLIENT_ID, client_secret=CLIENT_SECRET, tls=tls.server_context()
        )
        provider.start()
        stack.callback(provider.stop)

        client_key_pem = m.pem(m.rsa_key("client"))
        key_file = workdir / "sgid-client-key.pem"
        write_secret(key_file, client_key_pem)

        ports = {name: free_port() for name in names}
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "DEBUG": "false",
            "SECRET_KEY": secret_key(),
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": database_url,
            "CACHE_URL": cache_url,
            "SGID_ISSUER": provider.issuer,
            "SGID_CLIENT_ID": CLIENT_ID,
            "SGID_CLIENT_SECRET": CLIENT_SECRET,
            "SGID_PRIVATE_KEY_FILE": str(key_file),
            # One registered callback URL, as behind a load balancer; either server may get it.
            "SGID_REDIRECT_URI": f"http://127.0.0.1:{ports[names[0]]}/auth/callback",
            "SGID_SCOPES": SCOPES,
            "SGID_HTTP_TIMEOUT": "3",
            "REQUESTS_CA_BUNDLE": str(tls.cert_file),
            "SECURE_SSL_REDIRECT": "false",
            "SESSION_COOKIE_SECURE": "false",
            "CSRF_COOKIE_SECURE": "false",
            "STATIC_ROOT": str(workdir / "staticfiles"),
            "ENV_FILE": str(workdir / "no-such.env"),
            "LOG_FORMAT": "json",
            # Every client here is 127.0.0.1: the per-network limits would count them as one.
            "RATE_LIMIT_LOGIN": "100000/m",
            "RATE_LIMIT_CALLBACK": "100000/m",
            **(extra_env or {}),
        }
        # The README's deploy steps.
        run_manage(env, "migrate", "--no-input")
        run_manage(env, "collectstatic", "--no-input")

        servers = [
            AppServer(name, port, env, workdir / f"gunicorn-{name}.log", workers, threads)
            for name, port in ports.items()
        ]
        for server in servers:
            # Registered before the stop, so it runs after it: the logs are complete.
            stack.callback(logs.keep_log, server)
            stack.callback(server.stop)
            server.start()
        yield Deployment(servers[0], servers[-1], provider, database, env, client_key_pem)
    assert not provider.errors, f"the test sgID itself failed: {provider.errors!r}"
