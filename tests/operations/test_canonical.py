"""In development, one address: another host is sent to the dev sgID's origin, or told to use it.

A login begun on http://localhost:8000 would come back from the dev sgID to http://127.0.0.1:8000
without its session cookie and fail as expired; these tests pin the redirect (or the refusal)
that keeps a developer from ever reaching that state.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent.parent
ORIGIN = "http://127.0.0.1:8000"


@pytest.fixture
def canonical(settings):
    settings.CANONICAL_ORIGIN = ORIGIN
    return ORIGIN


def test_a_page_asked_of_localhost_is_redirected_to_the_printed_address(client, canonical):
    response = client.get("/profile?tab=data", HTTP_HOST="localhost:8000")
    assert response.status_code == 302
    assert response["Location"] == "http://127.0.0.1:8000/profile?tab=data"


def test_a_head_asked_of_another_port_is_redirected_too(client, canonical):
    response = client.head("/", HTTP_HOST="127.0.0.1:8001")
    assert (response.status_code, response["Location"]) == (302, "http://127.0.0.1:8000/")


def test_a_login_posted_to_localhost_is_refused_with_the_address_to_use(client, canonical):
    response = client.post("/auth/login", HTTP_HOST="localhost:8000")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Use the address the server printed" in page
    assert 'href="http://127.0.0.1:8000/"' in page
    # Nothing was started that could fail later: no session, no login attempt.
    assert "sessionid" not in response.cookies


def test_a_json_call_to_another_host_gets_the_error_shape(client, canonical):
    response = client.post(
        "/auth/login",
        {"next": "/app/"},
        content_type="application/json",
        HTTP_ACCEPT="application/json",
        HTTP_HOST="localhost:8000",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "wrong_address"
    assert ORIGIN in body["message"]


def test_the_printed_address_itself_is_served(client, canonical):
    assert client.get("/livez", HTTP_HOST="127.0.0.1:8000").status_code == 200


def test_a_host_outside_allowed_hosts_is_refused_not_redirected(client, canonical):
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "Location" not in response


def test_without_a_canonical_origin_every_allowed_host_is_served(client, settings):
    settings.CANONICAL_ORIGIN = None
    assert client.get("/livez", HTTP_HOST="localhost:8000").status_code == 200
    assert client.post("/auth/login", HTTP_HOST="localhost:8000").status_code == 302


@pytest.mark.parametrize(
    ("debug", "mock", "expected"),
    [("true", "true", "http://127.0.0.1:8001"), ("false", "true", None), ("true", "false", None)],
    ids=["development", "debug-off", "real-sgid"],
)
def test_only_development_with_the_dev_sgid_has_a_canonical_origin(tmp_path, debug, mock, expected):
    env = {
        "PATH": os.environ["PATH"],
        "ENV_FILE": str(tmp_path / "none"),
        "SECRET_KEY": "x" * 50,
        "DEBUG": debug,
        "SGID_MOCK": mock,
        "SGID_DEV_ORIGIN": "http://127.0.0.1:8001",
    }
    result = subprocess.run(
        [sys.executable, "-c", "from sgid_rp import settings; print(settings.CANONICAL_ORIGIN)"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    assert result.stdout.strip() == str(expected)
