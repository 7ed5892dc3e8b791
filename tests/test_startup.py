"""The site refuses to start on a configuration that would be unsafe: under gunicorn too."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import material as m

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 60


def production_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    key_file = tmp_path / "sgid-client.pem"
    key_file.write_text(m.pem(m.rsa_key("client")))
    env = {
        "PATH": os.environ["PATH"],
        "ENV_FILE": str(tmp_path / "none"),
        "SECRET_KEY": "k3Y-" + "x9Qz" * 14,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "CACHE_URL": "redis://127.0.0.1:6379/9",
        "SGID_CLIENT_ID": "client",
        "SGID_CLIENT_SECRET": "secret",
        "SGID_PRIVATE_KEY_FILE": str(key_file),
        "SGID_REDIRECT_URI": "https://rp.example.gov.sg/auth/callback",
        "SGID_MOCK_KEY_DIR": str(tmp_path / "mock-keys"),
        **overrides,
    }
    return {name: value for name, value in env.items() if value}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=START_TIMEOUT,
        check=False,
    )


def gunicorn(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`gunicorn sgid_rp.wsgi` as the README runs it (reading gunicorn.conf.py), bounded."""
    env = {**env, "GUNICORN_BIND": f"127.0.0.1:{free_port()}", "WEB_CONCURRENCY": "1"}
    return run(env, "-m", "gunicorn", "sgid_rp.wsgi")


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"CACHE_URL": ""}, "CACHE_URL"),
        ({"SGID_MOCK": "true"}, "SGID_MOCK"),
        ({"SGID_ISSUER": "http://sgid.example"}, "SGID_ISSUER"),
    ],
    ids=["no-shared-cache", "dev-sgid", "plain-http-issuer"],
)
def test_gunicorn_refuses_to_start_and_says_why(tmp_path, overrides, named):
    result = gunicorn(production_env(tmp_path, **overrides))
    assert result.returncode != 0
    assert "Refusing to start" in result.stderr
    assert named in result.stderr


def test_the_dev_sgid_refuses_to_run_with_debug_off_even_without_checks(tmp_path):
    env = {
        **production_env(tmp_path, SGID_MOCK="true"),
        "DJANGO_SETTINGS_MODULE": "sgid_rp.settings",
    }
    result = run(env, "-c", "import django; django.setup()")
    assert result.returncode != 0
    assert "SGID_MOCK=true" in result.stderr
    assert "DEBUG=true" in result.stderr


def test_gunicorn_gives_the_site_its_real_thread_count_however_it_was_set(tmp_path):
    """`--threads 6` on the command line: the site's bulkhead is checked against 6, not against
    the default, so 8 slots are refused (accounts.E014) rather than leaving no thread free."""
    env = production_env(tmp_path, SGID_MAX_CONCURRENT_CALLS="8")
    env = {**env, "GUNICORN_BIND": f"127.0.0.1:{free_port()}", "WEB_CONCURRENCY": "1"}
    result = run(env, "-m", "gunicorn", "--threads", "6", "sgid_rp.wsgi")
    assert result.returncode != 0
    assert "accounts.E014" in result.stderr
    assert "6 threads per worker" in result.stderr
