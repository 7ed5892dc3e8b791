"""Response hardening: what every answer tells the browser, and Django's deploy checklist."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import material as m
from tests.support.signin import callback, sign_in, start_login

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent.parent


def test_every_page_carries_a_strict_content_security_policy(client):
    policy = client.get("/")["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy


def test_form_action_lets_the_login_form_redirect_to_sgid_only(client, settings):
    policy = client.get("/")["Content-Security-Policy"]
    form_action = next(d for d in policy.split(";") if d.strip().startswith("form-action"))
    origin = "/".join(settings.SGID_ISSUER.split("/")[:3])
    assert form_action.split()[1:] == ["'self'", origin]


@pytest.mark.parametrize("path", ["/", "/auth/login", "/app/", "/api/me", "/no-such-page"])
def test_no_page_may_be_framed_or_sniffed(client, path):
    response = client.get(path)
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_the_callback_never_sends_its_code_on_as_a_referer(client, fake_sgid):
    response = callback(client, start_login(client), code="c")
    assert response["Referrer-Policy"] == "no-referrer"
    assert client.get("/auth/callback", {"state": "x"})["Referrer-Policy"] == "no-referrer"


def test_pages_with_personal_data_are_never_stored(client, fake_sgid):
    sign_in(client, fake_sgid)
    for path in ("/", "/profile", "/api/me"):
        assert "no-store" in client.get(path)["Cache-Control"], path


def test_hsts_on_https_when_debug_is_off(client):
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_plain_http_is_redirected_to_https_in_production_but_not_the_health_probe(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/profile")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/profile"
    assert client.get("/healthz").status_code == 200


def deploy_check(tmp_path, **overrides: str) -> subprocess.CompletedProcess[str]:
    """`manage.py check --deploy` on a production environment, with `overrides` (None unsets)."""
    key_file = tmp_path / "sgid-client.pem"
    key_file.write_text(m.pem(m.rsa_key("client")))
    env = {
        "PATH": os.environ["PATH"],
        "ENV_FILE": str(tmp_path / "none"),
        "DJANGO_SETTINGS_MODULE": "sgid_rp.settings",
        "SECRET_KEY": "k3Y-" + "x9Qz" * 14,
        "ALLOWED_HOSTS": "rp.example.gov.sg",
        "SGID_CLIENT_ID": "client",
        "SGID_CLIENT_SECRET": "secret",
        "SGID_PRIVATE_KEY_FILE": str(key_file),
        "SGID_REDIRECT_URI": "https://rp.example.gov.sg/auth/callback",
        "CACHE_URL": "redis://10.0.0.5:6379/0",
        **overrides,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={name: value for name, value in env.items() if value},
        capture_output=True,
        text=True,
        check=False,
    )


def test_django_deploy_checklist_passes_with_a_production_environment(tmp_path):
    result = deploy_check(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("cache_url", ["", "locmemcache://", "dummycache://"])
def test_a_cache_the_workers_do_not_share_is_refused_naming_cache_url(tmp_path, cache_url):
    result = deploy_check(tmp_path, CACHE_URL=cache_url)
    assert result.returncode != 0
    assert "operations.E001" in result.stderr
    assert "CACHE_URL" in result.stderr


@pytest.fixture
def behind_a_proxy(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.ALLOWED_HOSTS = ["rp.example.gov.sg"]
    settings.CSRF_TRUSTED_ORIGINS = ["https://rp.example.gov.sg"]
    return {"HTTP_HOST": "rp.example.gov.sg", "HTTP_X_FORWARDED_PROTO": "https"}


def test_behind_a_tls_proxy_requests_are_secure_not_redirected(client, behind_a_proxy):
    response = client.get("/", **behind_a_proxy)
    assert response.status_code == 200
    assert "max-age=31536000" in response["Strict-Transport-Security"]
    plain = client.get("/", HTTP_HOST="rp.example.gov.sg", HTTP_X_FORWARDED_PROTO="http")
    assert plain.status_code == 301
    assert plain["Location"] == "https://rp.example.gov.sg/"


def test_behind_a_tls_proxy_csrf_accepts_the_sites_origin_only(behind_a_proxy, fake_sgid):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    page = browser.get("/auth/login", **behind_a_proxy)
    token = page.context["csrf_token"]
    assert browser.cookies["csrftoken"]["secure"] is True
    forged = browser.post(
        "/auth/login",
        {"csrfmiddlewaretoken": token},
        HTTP_ORIGIN="https://evil.example",
        **behind_a_proxy,
    )
    assert forged.status_code == 403
    ours = browser.post(
        "/auth/login",
        {"csrfmiddlewaretoken": token},
        HTTP_ORIGIN="https://rp.example.gov.sg",
        **behind_a_proxy,
    )
    assert ours.status_code == 302
    assert browser.cookies["sessionid"]["secure"] is True
