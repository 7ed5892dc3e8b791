"""Settings come from the environment, with a `.env` file underneath it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


def in_a_fresh_process(expression: str, env_file: Path, **environment: str) -> Any:
    """`expression`, as JSON, from a new process whose settings see only this environment."""
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        "from django.core.cache import caches; from django.db import connection; "
        f"print(json.dumps({expression}))"
    )
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "sgid_rp.settings",
        "ENV_FILE": str(env_file),
        **environment,
    }
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout)


def test_a_dotenv_file_is_read_and_the_real_environment_wins(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text(
        "SECRET_KEY=from-file\nSGID_SCOPES=openid myinfo.sex\nSGID_HTTP_TIMEOUT=7\nDEBUG=false\n"
    )
    scopes, timeout, debug = in_a_fresh_process(
        "[settings.SGID_SCOPES, settings.SGID_HTTP_TIMEOUT, settings.DEBUG]",
        env_file,
        SGID_HTTP_TIMEOUT="3",
    )
    assert scopes == "openid myinfo.sex"
    assert timeout == 3.0
    assert debug is False


def test_without_a_secret_key_outside_debug_start_up_names_it(tmp_path):
    env = {"PATH": os.environ["PATH"], "ENV_FILE": str(tmp_path / "absent")}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_proxy_settings_come_from_the_environment(tmp_path):
    proxy = in_a_fresh_process(
        "[settings.SECURE_PROXY_SSL_HEADER, settings.CSRF_TRUSTED_ORIGINS, "
        "settings.USE_X_FORWARDED_HOST]",
        tmp_path / "none",
        SECRET_KEY="x" * 50,
        SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https",
        CSRF_TRUSTED_ORIGINS="https://a.example,https://b.example",
        USE_X_FORWARDED_HOST="true",
    )
    assert proxy == [
        ["HTTP_X_FORWARDED_PROTO", "https"],
        ["https://a.example", "https://b.example"],
        True,
    ]


def test_postgresql_and_redis_urls_choose_django_and_django_redis_backends(tmp_path):
    chosen = in_a_fresh_process(
        "[settings.DATABASES['default']['ENGINE'], connection.vendor, "
        "settings.DATABASES['default']['CONN_HEALTH_CHECKS'], type(caches['default']).__module__, "
        "settings.CACHES['default']['OPTIONS']]",
        tmp_path / "none",
        SECRET_KEY="x" * 50,
        DATABASE_URL="postgres://user@db.example:5432/site",
        CACHE_URL="redis://cache.example:6379/0",
    )
    # Django's own PostgreSQL backend (with its health check) and django-redis's cache.
    assert chosen == [
        "django.db.backends.postgresql",
        "postgresql",
        True,
        "django_redis.cache",
        # An unreachable Redis is a cache miss within a second, never an exception.
        {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
    ]


def test_postgresql_connections_come_from_a_bounded_pool_per_process(tmp_path):
    pooled = in_a_fresh_process(
        "[settings.DATABASES['default']['OPTIONS'].get('pool'), "
        "settings.DATABASES['default']['CONN_MAX_AGE']]",
        tmp_path / "none",
        SECRET_KEY="x" * 50,
        DATABASE_URL="postgres://user@db.example:5432/site",
        DB_POOL_SIZE="6",
    )
    assert pooled == [
        {"min_size": 1, "max_size": 6, "timeout": 2.0, "reconnect_timeout": 2.0},
        0,
    ]
    # DB_POOL_SIZE=0: no pool (for a server-side pooler such as PgBouncer), persistent instead.
    unpooled = in_a_fresh_process(
        "[settings.DATABASES['default']['OPTIONS'].get('pool'), "
        "settings.DATABASES['default']['CONN_MAX_AGE']]",
        tmp_path / "none",
        SECRET_KEY="x" * 50,
        DATABASE_URL="postgres://user@db.example:5432/site",
        DB_POOL_SIZE="0",
    )
    assert unpooled == [None, 60]


def test_gunicorn_and_the_settings_agree_on_the_threads_per_worker(tmp_path):
    """The bulkhead and the outbound pool are sized from WEB_THREADS; gunicorn runs `threads`."""
    import runpy

    for given in ({}, {"GUNICORN_THREADS": "24"}):
        env = {k: v for k, v in os.environ.items() if k != "GUNICORN_THREADS"} | given
        site = in_a_fresh_process(
            "[settings.WEB_THREADS, settings.SGID_MAX_CONCURRENT_CALLS]",
            tmp_path / "none",
            SECRET_KEY="x" * 50,
            **given,
        )
        saved = dict(os.environ)
        try:
            os.environ.clear()
            os.environ.update(env)
            gunicorn = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
        finally:
            os.environ.clear()
            os.environ.update(saved)
        assert gunicorn["threads"] == site[0]
        assert 1 <= site[1] < site[0]


# --- Secrets from files ---------------------------------------------------------------------

SECRETS = {
    "SECRET_KEY": "$-a-django-key-may-begin-with-a-dollar-" + "k" * 12,
    "SECRET_KEY_FALLBACKS": "old-key-1,$old-key-2",
    "SGID_CLIENT_SECRET": "client-secret-from-a-file",
    "DATABASE_URL": "postgres://rp:pa$$word@db.example:5432/site",
    "CACHE_URL": "redis://cache.example:6379/2",
}


def secret_files(directory: Path, **values: str) -> dict[str, str]:
    """NAME_FILE for each NAME, naming a file that holds its value as `echo` writes it."""
    files = {}
    for name, value in values.items():
        path = directory / name.lower()
        path.write_text(value + "\n")
        files[f"{name}_FILE"] = str(path)
    return files


def start(tmp_path: Path, **environment: str) -> subprocess.CompletedProcess[str]:
    """`manage.py check` in a fresh process with only this environment (and no .env)."""
    env = {"PATH": os.environ["PATH"], "ENV_FILE": str(tmp_path / "absent"), **environment}
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_each_secret_is_read_from_the_file_its_file_variable_names(tmp_path):
    read = in_a_fresh_process(
        "[settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS, settings.SGID_CLIENT_SECRET, "
        "settings.DATABASES['default']['HOST'], settings.DATABASES['default']['PASSWORD'], "
        "settings.DATABASES['default']['NAME'], settings.CACHES['default']['LOCATION']]",
        tmp_path / "none",
        **secret_files(tmp_path, **SECRETS),
    )
    # The file's trailing newline is no part of the value, and a leading $ is no proxy.
    assert read == [
        SECRETS["SECRET_KEY"],
        ["old-key-1", "$old-key-2"],
        SECRETS["SGID_CLIENT_SECRET"],
        "db.example",
        "pa$$word",
        "site",
        SECRETS["CACHE_URL"],
    ]


def test_a_secret_in_the_environment_is_taken_as_written_too(tmp_path):
    # django-environ would read "$-a-django-key..." as the name of another variable.
    key = in_a_fresh_process(
        "settings.SECRET_KEY", tmp_path / "none", SECRET_KEY=SECRETS["SECRET_KEY"]
    )
    assert key == SECRETS["SECRET_KEY"]


@pytest.mark.parametrize("name", list(SECRETS))
def test_an_unreadable_secret_file_stops_start_up_naming_the_variable_and_the_path(tmp_path, name):
    missing = tmp_path / "run" / "secrets" / name.lower()
    environment = {"SECRET_KEY": "k" * 50} if name != "SECRET_KEY" else {}
    result = start(tmp_path, **environment, **{f"{name}_FILE": str(missing)})
    assert result.returncode != 0
    assert f"{name}_FILE: cannot read {missing} (No such file or directory)." in result.stderr


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda path: path.mkdir(), "SECRET_KEY_FILE: cannot read {} (Is a directory)."),
        (
            lambda path: path.write_bytes(b"\xff" + SECRETS["SECRET_KEY"].encode()),
            "SECRET_KEY_FILE: {} is not UTF-8 text.",
        ),
        (lambda path: path.write_text("\n"), "SECRET_KEY_FILE: {} is empty."),
    ],
    ids=["a-directory", "not-text", "empty"],
)
def test_a_secret_file_that_holds_no_secret_is_refused_without_echoing_it(tmp_path, make, says):
    path = tmp_path / "secret-key"
    make(path)
    result = start(tmp_path, SECRET_KEY_FILE=str(path))
    assert result.returncode != 0
    assert says.format(path) in result.stderr
    assert SECRETS["SECRET_KEY"][1:] not in result.stderr


def test_a_secret_set_in_the_file_variable_by_mistake_is_not_echoed(tmp_path):
    result = start(tmp_path, SECRET_KEY_FILE=SECRETS["SECRET_KEY"])
    assert result.returncode != 0
    assert "SECRET_KEY_FILE must be the absolute path of a file." in result.stderr
    assert SECRETS["SECRET_KEY"][1:] not in result.stderr


def test_a_secret_and_its_file_together_are_refused_rather_than_one_chosen(tmp_path):
    files = secret_files(tmp_path, SGID_CLIENT_SECRET="from-the-file")
    result = start(
        tmp_path, SECRET_KEY="k" * 50, SGID_CLIENT_SECRET="from-the-environment", **files
    )
    assert result.returncode != 0
    assert "Set SGID_CLIENT_SECRET or SGID_CLIENT_SECRET_FILE, not both." in result.stderr
    assert "from-the-file" not in result.stderr
    assert "from-the-environment" not in result.stderr
