"""The production topology on loopback: gunicorn app servers, PostgreSQL, Redis, a test sgID.

Every process started here binds 127.0.0.1, runs in its own process group, and is stopped by
its owner (SIGTERM to the group, SIGKILL after a bounded wait). Every wait is bounded.
"""

from __future__ import annotations

import atexit
import contextlib
import datetime
import ipaddress
import json
import os
import secrets
import shutil
import signal
import socket
import ssl
import string
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

import psycopg
import redis
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import NameOID
from psycopg import sql
from redis.backoff import NoBackoff
from redis.retry import Retry

from tests import material as m
from tests.conformance.provider import HostileSgid

ROOT = Path(__file__).resolve().parents[2]
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"
PG_URL = "postgres://postgres@127.0.0.1:5432/{name}"
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
# The Redis logical database the app servers share; flushed before and after the run.
REDIS_DB = int(os.environ.get("SGID_DEPLOY_REDIS_DB", "3"))
STARTUP_TIMEOUT = 30.0
STOP_TIMEOUT = 20.0
COMMAND_TIMEOUT = 120.0


def free_port() -> int:
    """A port no one listens on right now (the kernel's choice for an ephemeral bind)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


# --- The machine's services -----------------------------------------------------------


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


def query_one(database: str, query: str, *params: Any) -> Any:
    with psycopg.connect(PG_URL.format(name=database), connect_timeout=2) as conn:
        row = conn.execute(query, params).fetchone()
    return row[0] if row else None


# --- TLS for the test sgID ------------------------------------------------------------


@dataclass(frozen=True)
class Tls:
    """A self-signed certificate for 127.0.0.1: the app servers trust it as their CA bundle."""

    cert_file: Path
    key_file: Path

    @classmethod
    def create(cls, directory: Path) -> Tls:
        key = m.ec_key("deploy-tls")
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
        now = datetime.datetime.now(datetime.UTC)
        ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(hours=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(
                x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                critical=False,
            )
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(ski, critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski),
                critical=False,
            )
            .sign(key, hashes.SHA256())
        )
        cert_file = directory / "sgid-tls-cert.pem"
        key_file = directory / "sgid-tls-key.pem"
        cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        write_secret(key_file, m.pem(key))
        return cls(cert_file, key_file)

    def server_context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert_file, self.key_file)
        return context


def write_secret(path: Path, text: str) -> None:
    """Write a file only its owner can read (created 0600, never world-readable in between)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(text)


# --- Commands and app servers ---------------------------------------------------------


def run_manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """`python manage.py <args>` with exactly `env`; fails the test with its output if not 0."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
        check=False,
    )
    if result.returncode != 0:
        raise AssertionError(
            f"manage.py {' '.join(args)} exited {result.returncode}\n"
            f"--- stdout\n{result.stdout[-4000:]}\n--- stderr\n{result.stderr[-4000:]}"
        )
    return result


@dataclass
class AppServer:
    """One gunicorn instance (master + workers, its own process group) on a loopback port."""

    name: str
    port: int
    env: dict[str, str]
    log_path: Path
    workers: int = 2
    threads: int = 4
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    _log: IO[bytes] | None = field(default=None, repr=False)

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.origin + path

    def start(self) -> None:
        assert self.process is None, f"server {self.name} is already running"
        self._log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "sgid_rp.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--threads",
                str(self.threads),
                # gunicorn's default control socket ($HOME/.gunicorn/gunicorn.ctl) is one path
                # for every instance on the machine: each server gets its own, beside its log.
                "--control-socket",
                str(self.log_path.with_suffix(".ctl")),
            ],
            cwd=ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        # Should the test process die without its teardown, the servers go with it.
        atexit.register(self.stop)
        self.wait_healthy()

    def wait_healthy(self, timeout: float = STARTUP_TIMEOUT) -> None:
        """Until GET /healthz answers 200; fails with the log's tail if it never does."""
        assert self.process is not None
        deadline = time.monotonic() + timeout
        last = "no answer"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(
                    f"server {self.name} exited {self.process.returncode} while starting\n"
                    + self.log_tail()
                )
            try:
                answer = requests.get(self.url("/healthz"), timeout=2)
            except requests.RequestException as exc:
                last = type(exc).__name__
            else:
                if answer.status_code == 200:
                    return
                last = f"{answer.status_code} {answer.text[:200]}"
            time.sleep(0.1)
        raise AssertionError(
            f"server {self.name} not healthy within {timeout:.0f} s ({last})\n" + self.log_tail()
        )

    def stop(self, timeout: float = STOP_TIMEOUT) -> None:
        """SIGTERM the process group (gunicorn's graceful stop), SIGKILL it after `timeout`.

        The master exits only after its workers, so once it is reaped the group is empty.
        """
        process, self.process = self.process, None
        atexit.unregister(self.stop)
        if process is not None:
            _signal_group(process, signal.SIGTERM)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                _signal_group(process, signal.SIGKILL)
                process.wait(5)
        if self._log is not None:
            self._log.close()
            self._log = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def log_size(self) -> int:
        return self.log_path.stat().st_size if self.log_path.exists() else 0

    def log_text(self, since: int = 0) -> str:
        """The log from byte offset `since` (a `log_size()` taken earlier) to its end."""
        with self.log_path.open("rb") as handle:
            handle.seek(since)
            return handle.read().decode("utf-8", errors="replace")

    def log_tail(self, lines: int = 40) -> str:
        text = self.log_text() if self.log_path.exists() else ""
        return f"--- last lines of {self.log_path}\n" + "\n".join(text.splitlines()[-lines:])

    def records(self, since: int = 0) -> list[dict[str, Any]]:
        """The JSON log lines (the app's records); gunicorn's own lines are plain text."""
        return json_records(self.log_text(since))


def _signal_group(process: subprocess.Popen[bytes], signum: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signum)


def json_records(text: str) -> list[dict[str, Any]]:
    records = []
    for line in text.splitlines():
        if line.startswith("{"):
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict):
                records.append(record)
    return records


@dataclass
class Deployment:
    """Two app servers behind no balancer (the test is the balancer), and what they share."""

    a: AppServer
    b: AppServer
    provider: Any  # tests.conformance.provider.HostileSgid
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
        return [
            (server, record)
            for server in self.servers
            for record in server.records((since or {}).get(server.name, 0))
            if record.get("logger") == "sgid_rp.request"
        ]

    def assert_no_server_errors(self, since: dict[str, int] | None = None) -> None:
        """No request answered 5xx, and no traceback or worker timeout in any log."""
        failures = [
            f"{server.name}: {record}"
            for server, record in self.request_lines(since)
            if not isinstance(record.get("status"), int) or record["status"] >= 500
        ]
        assert not failures, "requests answered 5xx:\n" + "\n".join(failures[:20])
        for server in self.servers:
            text = server.log_text((since or {}).get(server.name, 0))
            for marker in ("Traceback", "WORKER TIMEOUT", "[CRITICAL]"):
                assert marker not in text, f"{marker!r} in {server.name}'s log\n" + (
                    server.log_tail(80)
                )


CLIENT_ID = "deploy-client"
CLIENT_SECRET = "deploy-client-secret-" + secrets.token_hex(16)
SCOPES = "openid myinfo.name myinfo.nric_number"


def keep_log(server: AppServer) -> None:
    """With SGID_DEPLOY_LOG_DIR set, copy the server's log there (the run's folder goes)."""
    if target := os.environ.get("SGID_DEPLOY_LOG_DIR"):
        Path(target).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(server.log_path, Path(target) / server.log_path.name)


def secret_key() -> str:
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    return "".join(secrets.choice(alphabet) for _ in range(50))


@contextlib.contextmanager
def deployed(
    names: tuple[str, ...] = ("A", "B"),
    *,
    workers: int = 2,
    threads: int = 4,
    extra_env: dict[str, str] | None = None,
    database_url: str | None = None,
    cache_url: str | None = None,
) -> Iterator[Deployment]:
    """gunicorn servers on a fresh PostgreSQL database and Redis, and a TLS test sgID.

    By default the database is a new one on the machine's PostgreSQL and the cache is the
    machine's Redis (db REDIS_DB, flushed before and after). `database_url` (an empty database)
    and `cache_url` put the servers on other instances instead, such as the private ones of
    tests/deploy/services.py that a test stops and starts; their owner cleans them up.
    Shared by the multi-server tests and the benchmark (bench/run.py).
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
            stack.callback(keep_log, server)
            stack.callback(server.stop)
            server.start()
        yield Deployment(servers[0], servers[-1], provider, database, env, client_key_pem)
    assert not provider.errors, f"the test sgID itself failed: {provider.errors!r}"
