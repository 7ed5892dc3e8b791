"""Redis and PostgreSQL of a test's own, to stop and start again: outages on loopback.

The machine's services (services.py) are shared with other runs and never stopped; these are
not. Each binds 127.0.0.1 on a port chosen once and kept across restarts (a client configured with
its URL finds it again), lives in a temporary directory, and is stopped by its PID at exit even if
the test dies. Every wait is bounded.
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import IO, Self

import psycopg
import redis
from psycopg import sql
from redis.backoff import NoBackoff
from redis.retry import Retry

from tests.support.deploy.ports import free_port, port_refuses

START_TIMEOUT = 30.0
STOP_TIMEOUT = 15.0
# initdb and postgres refuse to run as root; this system account owns the private cluster.
PG_USER = "postgres"


def _wait_until(condition: Callable[[], bool], what: str, timeout: float, log: Path) -> None:
    """Poll `condition()` every 50 ms until it is true; fail with the log's tail after `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    tail = log.read_text(errors="replace").splitlines()[-30:] if log.exists() else []
    raise AssertionError(f"{what} not within {timeout:.0f} s\n--- {log}\n" + "\n".join(tail))


class _Service:
    """One server process: started in its own session, stopped by PID, never left behind."""

    name = "service"

    def __init__(self) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix=f"sgid-{self.name}-"))
        self.port = free_port()
        self.log_path = self.directory / f"{self.name}.log"
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self._closed = False
        atexit.register(self.close)

    def __enter__(self) -> Self:
        try:
            self.start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def _spawn(self, command: list[str], *, user: str | None = None) -> None:
        assert self.process is None, f"{self.name} is already running"
        self._log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            command,
            cwd=self.directory,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            user=user,
            group=user,
            extra_groups=[] if user else None,
            env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C"},
        )

    def _end(self, signum: signal.Signals) -> None:
        """Send `signum` to the server's PID, reap it (SIGKILL after STOP_TIMEOUT); port closed."""
        process, self.process = self.process, None
        if process is not None:
            with contextlib.suppress(ProcessLookupError):
                process.send_signal(signum)
            try:
                process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(5)
        if self._log is not None:
            self._log.close()
            self._log = None
        _wait_until(
            lambda: port_refuses(self.port), f"{self.name} port closed", STOP_TIMEOUT, self.log_path
        )

    def start(self) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def close(self) -> None:
        """Stop (if running) and remove the directory; safe to call twice and from atexit."""
        if self._closed:
            return
        self._closed = True
        atexit.unregister(self.close)
        try:
            if self.process is not None:
                self.stop()
        finally:
            shutil.rmtree(self.directory, ignore_errors=True)


class PrivateRedis(_Service):
    """`redis-server` without persistence: a restart brings it back empty, on the same port."""

    name = "redis"

    def start(self) -> None:
        self._spawn(
            [
                shutil.which("redis-server") or "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--dir",
                str(self.directory),
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--logfile",
                "",
            ]
        )
        _wait_until(self._answers, f"redis on port {self.port}", START_TIMEOUT, self.log_path)

    def stop(self) -> None:
        """SIGTERM: Redis exits at once (nothing to save); its clients see refused connections."""
        self._end(signal.SIGTERM)

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def client(self, db: int = 0) -> redis.Redis:
        """A client that tries once, within 1 s."""
        return redis.Redis(
            host="127.0.0.1",
            port=self.port,
            db=db,
            socket_connect_timeout=1,
            socket_timeout=1,
            retry=Retry(NoBackoff(), 0),
        )

    def _answers(self) -> bool:
        if not self.running:
            raise AssertionError(f"redis-server exited\n{self.log_path.read_text()[-2000:]}")
        try:
            with self.client() as client:
                return bool(client.ping())
        except redis.RedisError:
            return False


def _postgres_bin(program: str) -> str:
    """The newest installed PostgreSQL's `program` (its bin directory is not on PATH)."""
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{program}"), key=_version_key)
    if found:
        return found[-1]
    on_path = shutil.which(program)
    if on_path is None:
        raise AssertionError(f"no {program}: PostgreSQL's server binaries are not installed")
    return on_path


def _version_key(path: str) -> int:
    version = Path(path).parts[-3]
    return int(version) if version.isdigit() else 0


class PrivatePostgres(_Service):
    """A PostgreSQL cluster of its own (trust auth, loopback only) with one database, `app`.

    `stop()` is a fast shutdown (clients' connections are terminated, new ones refused);
    `start()` brings the same cluster back on the same port, its data intact.
    """

    name = "postgres"
    database = "app"

    def __init__(self) -> None:
        super().__init__()
        self._as_root = os.geteuid() == 0
        self._initialised = False

    @property
    def _user(self) -> str | None:
        return PG_USER if self._as_root else None

    @property
    def data_dir(self) -> Path:
        return self.directory / "data"

    def _initdb(self) -> None:
        if self._as_root:
            account = pwd.getpwnam(PG_USER)
            os.chown(self.directory, account.pw_uid, account.pw_gid)
        self.directory.chmod(0o700)
        result = subprocess.run(
            [
                _postgres_bin("initdb"),
                "--pgdata",
                str(self.data_dir),
                "--username",
                "postgres",
                "--auth",
                "trust",
                "--encoding",
                "UTF8",
                "--no-sync",
                "--no-instructions",
            ],
            cwd=self.directory,
            user=self._user,
            group=self._user,
            extra_groups=[] if self._user else None,
            env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C"},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if result.returncode != 0:
            raise AssertionError(f"initdb exited {result.returncode}\n{result.stderr[-3000:]}")
        self._initialised = True

    def start(self) -> None:
        first = not self._initialised
        if first:
            self._initdb()
        self._spawn(
            [
                _postgres_bin("postgres"),
                "-D",
                str(self.data_dir),
                "-p",
                str(self.port),
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                f"unix_socket_directories={self.directory}",
                # A throwaway cluster: no fsync (start-up and writes are fast, and an OS crash
                # is not a case we test). Commits still write their WAL before answering, so
                # even an immediate stop keeps every committed row.
                "-c",
                "fsync=off",
                "-c",
                "full_page_writes=off",
                "-c",
                "shared_buffers=16MB",
                "-c",
                "max_connections=60",
            ],
            user=self._user,
        )
        _wait_until(self._answers, f"postgres on port {self.port}", START_TIMEOUT, self.log_path)
        if first:
            with psycopg.connect(self.admin_url, autocommit=True, connect_timeout=2) as conn:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.database)))

    def stop(self, *, immediate: bool = False) -> None:
        """Fast shutdown (SIGINT), or immediate (SIGQUIT: no checkpoint, recovery at start)."""
        self._end(signal.SIGQUIT if immediate else signal.SIGINT)

    @property
    def admin_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{self.database}"

    def connect(self) -> psycopg.Connection:
        return psycopg.connect(
            f"postgresql://postgres@127.0.0.1:{self.port}/{self.database}",
            autocommit=True,
            connect_timeout=2,
        )

    def _answers(self) -> bool:
        if not self.running:
            raise AssertionError(f"postgres exited\n{self.log_path.read_text()[-2000:]}")
        try:
            with psycopg.connect(self.admin_url, connect_timeout=1) as conn:
                conn.execute("SELECT 1")
        except psycopg.OperationalError:
            return False
        return True
