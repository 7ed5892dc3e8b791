"""Request ids and request logging: one line per request, quotable ids, no query strings."""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent.parent


def request_lines(caplog):
    return [r for r in caplog.records if r.name == "sgid_rp.request"]


def test_every_response_carries_a_fresh_request_id(client):
    first = client.get("/")["X-Request-ID"]
    second = client.get("/")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", first)
    assert first != second


def test_a_proxys_request_id_is_kept_and_a_strange_one_replaced(client):
    assert client.get("/", HTTP_X_REQUEST_ID="lb-1234abcd")["X-Request-ID"] == "lb-1234abcd"
    replaced = client.get("/", HTTP_X_REQUEST_ID="<script>alert(1)</script>")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", replaced)


def test_one_line_per_request_with_status_duration_and_no_query_string(client, caplog):
    with caplog.at_level(logging.INFO, logger="sgid_rp.request"):
        response = client.get("/auth/callback", {"code": "secret-code", "state": "s"})
    (line,) = request_lines(caplog)
    assert line.getMessage().startswith("GET /auth/callback 400 ")
    assert (line.method, line.path, line.status) == ("GET", "/auth/callback", 400)
    assert line.duration_ms >= 0
    assert line.request_id == response["X-Request-ID"]
    assert "secret-code" not in caplog.text


def test_every_log_record_of_a_request_carries_its_id(client, caplog):
    with caplog.at_level(logging.INFO):
        response = client.get("/auth/callback", {"state": "never-issued"})
    ids = {
        r.request_id
        for r in caplog.records
        if r.name in {"django.security.sgid", "sgid_rp.request"}
    }
    assert ids == {response["X-Request-ID"]}


def test_the_failure_page_shows_the_reference_to_quote(client):
    response = client.get("/auth/callback", {"state": "never-issued"})
    assert f"<code>{response['X-Request-ID']}</code>".encode() in response.content


def test_the_500_page_shows_the_reference_to_quote(rf):
    from accounts.handlers import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert b"quote this reference" in response.content


def test_json_log_lines_when_asked(tmp_path):
    code = (
        "import django; django.setup();"
        "from django.core.management import call_command; call_command('migrate', verbosity=0);"
        "from django.test import Client; c = Client(); c.get('/healthz?token=hidden');"
        "c.get('/auth/callback?code=the-secret-code&state=unknown')"
    )
    env = {
        **{k: v for k, v in os.environ.items() if k in {"PATH", "SGID_MOCK_KEY_DIR"}},
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "LOG_FORMAT": "json",
        "ENV_FILE": str(tmp_path / "none"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    request = next(line for line in lines if line["logger"] == "sgid_rp.request")
    assert request["status"] == 200
    assert request["path"] == "/healthz"
    assert re.fullmatch(r"[0-9a-f]{32}", request["request_id"])
    assert {"time", "level", "message", "duration_ms"} <= set(request)
    # Django's own record of the 400 carries the request; only its method and path are written.
    bad_request = next(line for line in lines if line["logger"] == "django.request")
    assert bad_request["request"] == "GET /auth/callback"
    assert re.fullmatch(r"[0-9a-f]{32}", bad_request["request_id"])
    assert "hidden" not in result.stderr
    assert "the-secret-code" not in result.stderr


def test_healthz_names_the_cache_when_it_is_down(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "cache": "error"}
