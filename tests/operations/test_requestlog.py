"""Request ids and request logging: one line per request, quotable ids, no query strings."""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent.parent
# A request log line an attacker would like to add: a path with %0a and this after it.
FORGED = (
    "1999-12-31 23:59:59,999 INFO sgid_rp.request [0123456789abcdef0123456789abcdef] GET /x 200"
)
NEWLINE_PATH = "/x%0a" + quote(FORGED)
ANSI_PATH = "/x%1b[31mred%1b[0m"
# The start of a plain log line: time, level, logger, [request id].
PLAIN_RECORD = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} [A-Z]+ (\S+) \[")


def request_lines(caplog):
    return [r for r in caplog.records if r.name == "sgid_rp.request"]


def log_of(tmp_path, log_format, *paths):
    """What the app writes to stderr, in this format, for these GET requests (after a migrate)."""
    code = (
        "import django, sys; django.setup();"
        "from django.core.management import call_command; call_command('migrate', verbosity=0);"
        "from django.test import Client; c = Client();"
        "[c.get(path) for path in sys.argv[1:]]"
    )
    env = {
        **{k: v for k, v in os.environ.items() if k in {"PATH", "SGID_MOCK_KEY_DIR"}},
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "LOG_FORMAT": log_format,
        "ENV_FILE": str(tmp_path / "none"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "-c", code, *paths], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stderr


def test_every_response_carries_a_fresh_request_id(client):
    first = client.get("/")["X-Request-ID"]
    second = client.get("/")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", first)
    assert first != second


def test_a_proxys_request_id_is_kept_and_a_strange_one_replaced(client, settings):
    settings.FORWARDED_ALLOW_IPS = ["10.0.0.0/8"]
    proxy = {"REMOTE_ADDR": "10.1.2.3"}
    kept = client.get("/", HTTP_X_REQUEST_ID="lb-1234abcd", **proxy)["X-Request-ID"]
    assert kept == "lb-1234abcd"
    strange = "<script>alert(1)</script>"
    replaced = client.get("/", HTTP_X_REQUEST_ID=strange, **proxy)["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", replaced)


def test_a_request_id_from_a_client_that_is_no_trusted_proxy_is_replaced(client, settings):
    settings.FORWARDED_ALLOW_IPS = ["10.0.0.0/8"]
    response = client.get("/", HTTP_X_REQUEST_ID="lb-1234abcd", REMOTE_ADDR="203.0.113.9")
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_one_line_per_request_with_status_duration_and_no_query_string(client, caplog):
    with caplog.at_level(logging.INFO, logger="sgid_rp.request"):
        response = client.get("/auth/callback", {"code": "secret-code", "state": "s"})
    (line,) = request_lines(caplog)
    assert line.getMessage().startswith("GET /auth/callback 302 ")
    assert (line.method, line.path, line.status) == ("GET", "/auth/callback", 302)
    assert line.duration_ms >= 0
    assert line.request_id == response["X-Request-ID"]
    assert "secret-code" not in caplog.text


def test_an_arbitrary_method_is_escaped_in_the_request_line(client, caplog):
    with caplog.at_level(logging.INFO, logger="sgid_rp.request"):
        client.generic("GET\nFORGED\x1b[2J", "/")
    (line,) = request_lines(caplog)
    assert line.method == "GET\\nFORGED\\x1b[2J"
    assert line.getMessage().startswith("GET\\nFORGED\\x1b[2J / ")


def test_every_log_record_of_a_request_carries_its_id(client, caplog):
    with caplog.at_level(logging.INFO):
        response = client.get("/auth/callback", {"state": "never-issued"})
    ids = {
        r.request_id
        for r in caplog.records
        if r.name in {"django.security.sgid", "sgid_rp.request"}
    }
    assert ids == {response["X-Request-ID"]}


def test_the_failure_page_shows_the_callback_s_reference_to_quote(client):
    response = client.get("/auth/callback", {"state": "never-issued"})
    page = client.get(response["Location"])
    assert f"<code>{response['X-Request-ID']}</code>".encode() in page.content


def test_the_500_page_shows_the_reference_to_quote(rf):
    from operations.errors import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert b"quote this reference" in response.content


def test_json_log_lines_when_asked(tmp_path):
    stderr = log_of(
        tmp_path,
        "json",
        "/healthz?token=hidden",
        "/auth/callback?code=the-secret-code&state=unknown",
        "/no-such-page?code=the-secret-code",
    )
    lines = [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]
    request = next(line for line in lines if line["logger"] == "sgid_rp.request")
    assert request["status"] == 200
    assert request["path"] == "/healthz"
    assert re.fullmatch(r"[0-9a-f]{32}", request["request_id"])
    assert {"time", "level", "message", "duration_ms"} <= set(request)
    # Django's own record of a 4xx carries the request; only its method and path are written.
    bad_request = next(line for line in lines if line["logger"] == "django.request")
    assert bad_request["request"] == "GET /no-such-page"
    assert re.fullmatch(r"[0-9a-f]{32}", bad_request["request_id"])
    assert "hidden" not in stderr
    assert "the-secret-code" not in stderr


def test_a_path_cannot_forge_or_colour_plain_log_lines(tmp_path):
    lines = log_of(tmp_path, "plain", NEWLINE_PATH, ANSI_PATH).splitlines()
    records = [(PLAIN_RECORD.match(line), line) for line in lines]
    newline, ansi = (line for match, line in records if match and match[1] == "sgid_rp.request")
    assert " GET /x\\n1999-12-31 23:59:59,999 INFO sgid_rp.request [" in newline
    assert " GET /x\\x1b[31mred\\x1b[0m " in ansi
    assert not any(line.startswith("1999-12-31") for line in lines)
    assert not any("\x1b" in line for line in lines)


def test_a_path_cannot_forge_or_colour_json_log_lines(tmp_path):
    lines = log_of(tmp_path, "json", NEWLINE_PATH, ANSI_PATH).splitlines()
    newline, ansi = (
        record
        for record in (json.loads(line) for line in lines if line.startswith("{"))
        if record["logger"] == "sgid_rp.request"
    )
    assert newline["path"] == "/x\\n" + FORGED
    assert newline["message"].startswith("GET /x\\n1999-12-31 23:59:59,999 INFO ")
    assert ansi["path"] == "/x\\x1b[31mred\\x1b[0m"
    assert "\x1b" not in ansi["message"]
    assert not any(line.startswith("1999-12-31") for line in lines)
    # Django's own record of the 404 names the request as method and path, escaped too.
    not_found = [json.loads(line) for line in lines if '"django.request"' in line]
    assert {record["request"] for record in not_found} == {
        "GET /x\\n" + FORGED,
        "GET /x\\x1b[31mred\\x1b[0m",
    }


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
