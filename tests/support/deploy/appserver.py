"""The app under gunicorn: one server (master and workers in a process group of their own) on a
loopback port, and `manage.py` commands run with the same environment.

Every process started here binds 127.0.0.1 and is stopped by its owner (SIGTERM to the group,
SIGKILL after a bounded wait). Every wait is bounded.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import requests

from tests.support.deploy.logs import json_records

ROOT = Path(__file__).resolve().parents[3]
STARTUP_TIMEOUT = 30.0
STOP_TIMEOUT = 20.0
COMMAND_TIMEOUT = 120.0


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
    # None: gunicorn.conf.py's own value, as shipped.
    workers: int | None = 2
    threads: int | None = 4
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
                *(["--workers", str(self.workers)] if self.workers is not None else []),
                *(["--threads", str(self.threads)] if self.threads is not None else []),
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
