"""System checks: each bad setting is reported with its id and names the variable to fix."""

from __future__ import annotations

import pytest
from django.core import checks

from tests.support import material as m


def messages():
    return [(msg.id, msg.msg, msg.hint) for msg in checks.run_checks(tags=["sgid"])]


def ids(result):
    return {entry[0] for entry in result}


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.SGID_MOCK = False
    settings.SGID_ISSUER = "https://api.id.gov.sg/v2"
    settings.SGID_CLIENT_ID = "client"
    settings.SGID_CLIENT_SECRET = "secret"
    settings.SGID_REDIRECT_URI = "https://rp.example/auth/callback"
    settings.SGID_PRIVATE_KEY = m.pem(m.rsa_key("client"))
    settings.SGID_PRIVATE_KEY_FILE = ""
    settings.SGID_PRIVATE_KEY_NEXT = ""
    settings.SGID_PRIVATE_KEY_NEXT_FILE = ""
    settings.SGID_SCOPES = "openid myinfo.name"
    settings.SGID_HTTP_TIMEOUT = 5
    settings.SGID_JWKS_TTL = 3600
    return settings


def test_a_good_production_configuration_passes(production):
    assert messages() == []


@pytest.mark.parametrize(
    "name", ["SGID_ISSUER", "SGID_CLIENT_ID", "SGID_CLIENT_SECRET", "SGID_REDIRECT_URI"]
)
def test_missing_client_settings_are_named(production, name):
    setattr(production, name, "")
    result = messages()
    assert "accounts.E001" in ids(result)
    assert any(name in msg and name in hint for _, msg, hint in result)


def test_no_private_key(production):
    production.SGID_PRIVATE_KEY = ""
    result = messages()
    assert ids(result) == {"accounts.E002"}
    assert "SGID_PRIVATE_KEY_FILE" in result[0][2]


UNUSABLE_KEYS = [
    (lambda: "garbage", "not PEM"),
    (lambda: m.pem(m.ec_key()), "not an RSA key"),
    (lambda: m.pem(m.rsa_key("small", bits=1024)), "1024 bits"),
]


@pytest.mark.parametrize(
    ("setting", "check_id"),
    [("SGID_PRIVATE_KEY", "accounts.E003"), ("SGID_PRIVATE_KEY_NEXT", "accounts.E015")],
)
@pytest.mark.parametrize(("pem", "words"), UNUSABLE_KEYS)
def test_an_unusable_key_is_an_error_naming_it(production, setting, check_id, pem, words):
    setattr(production, setting, pem())
    result = messages()
    assert ids(result) == {check_id}
    assert words in result[0][1]
    assert f"in {setting} is unusable" in result[0][1]
    assert f"Set {setting} to" in result[0][2]


def test_unreadable_private_key_file(production, tmp_path):
    production.SGID_PRIVATE_KEY = ""
    production.SGID_PRIVATE_KEY_FILE = str(tmp_path / "missing.pem")
    result = messages()
    assert ids(result) == {"accounts.E003"}
    assert "SGID_PRIVATE_KEY_FILE" in result[0][1]


# --- The second key of a rotation ----------------------------------------------------------


def test_a_next_key_beside_the_current_one_passes(production, tmp_path):
    production.SGID_PRIVATE_KEY_NEXT = m.pem(m.rsa_key("client-next"))
    assert messages() == []
    production.SGID_PRIVATE_KEY_NEXT = ""
    key_file = tmp_path / "next.pem"
    key_file.write_text(m.pem(m.rsa_key("client-next")))
    production.SGID_PRIVATE_KEY_NEXT_FILE = str(key_file)
    assert messages() == []


def test_an_unreadable_next_key_file_is_an_error_naming_it(production, tmp_path):
    production.SGID_PRIVATE_KEY_NEXT_FILE = str(tmp_path / "missing.pem")
    result = messages()
    assert ids(result) == {"accounts.E015"}
    assert "SGID_PRIVATE_KEY_NEXT_FILE" in result[0][1]
    assert "cannot be read" in result[0][1]


def test_the_same_key_as_current_and_next_is_a_warning(production, tmp_path):
    key_file = tmp_path / "same.pem"
    key_file.write_text(m.pem(m.rsa_key("client"), "pkcs1"))  # the same key, written otherwise
    production.SGID_PRIVATE_KEY_NEXT_FILE = str(key_file)
    result = messages()
    assert ids(result) == {"accounts.W002"}
    assert "SGID_PRIVATE_KEY_NEXT_FILE" in result[0][1]
    assert "sgid_keygen" in result[0][2]


def test_a_next_key_beside_an_unusable_current_key_reports_the_current_one(production):
    production.SGID_PRIVATE_KEY = "garbage"
    production.SGID_PRIVATE_KEY_NEXT = m.pem(m.rsa_key("client-next"))
    assert ids(messages()) == {"accounts.E003"}


@pytest.mark.parametrize(
    ("uri", "check_id"),
    [
        ("/auth/callback", "accounts.E004"),
        ("rp.example/auth/callback", "accounts.E004"),
        ("https://rp.example/callback", "accounts.E005"),
        ("https://rp.example/auth/callback?x=1", "accounts.E005"),
        ("http://rp.example/auth/callback", "accounts.W001"),
    ],
)
def test_redirect_uri(production, uri, check_id):
    production.SGID_REDIRECT_URI = uri
    result = messages()
    assert ids(result) == {check_id}
    assert "SGID_REDIRECT_URI" in result[0][1]


def test_scopes_without_openid(production):
    production.SGID_SCOPES = "myinfo.name"
    assert ids(messages()) == {"accounts.E006"}


def test_issuer_not_a_url(production):
    production.SGID_ISSUER = "api.id.gov.sg"
    assert ids(messages()) == {"accounts.E007"}


def test_issuer_not_https_without_debug(production):
    production.SGID_ISSUER = "http://api.id.gov.sg/v2"
    assert ids(messages()) == {"accounts.E008"}
    production.DEBUG = True
    assert messages() == []


@pytest.mark.parametrize("timeout", [0, -1, 600])
def test_http_timeout_out_of_range(production, timeout):
    production.SGID_HTTP_TIMEOUT = timeout
    assert ids(messages()) == {"accounts.E009"}


@pytest.mark.parametrize("ttl", [-1, 10**9])
def test_jwks_ttl_out_of_range(production, ttl):
    production.SGID_JWKS_TTL = ttl
    result = messages()
    assert ids(result) == {"accounts.E012"}
    assert "SGID_JWKS_TTL" in result[0][1]


def test_samesite_strict_would_break_the_callback(production):
    production.SESSION_COOKIE_SAMESITE = "Strict"
    assert ids(messages()) == {"accounts.E010"}


def test_dev_provider_refused_without_debug(production):
    production.SGID_MOCK = True
    result = messages()
    assert ids(result) == {"accounts.E011"}
    assert "SGID_MOCK" in result[0][1]
    production.DEBUG = True
    assert messages() == []


@pytest.mark.parametrize("rate", ["30", "30 per minute", "30/0m", "0/m", "30/w", ""])
@pytest.mark.parametrize("name", ["RATE_LIMIT_LOGIN", "RATE_LIMIT_CALLBACK"])
def test_a_rate_limit_django_ratelimit_cannot_read_is_refused(production, name, rate):
    setattr(production, name, rate)
    result = messages()
    assert ids(result) == {"accounts.E013"}
    assert name in result[0][1]


@pytest.mark.parametrize("rate", ["30/m", "1/s", "500/h", "50/5m", "1000/d"])
def test_rate_limits_in_django_ratelimit_s_form_pass(production, rate):
    production.RATE_LIMIT_LOGIN = production.RATE_LIMIT_CALLBACK = rate
    assert messages() == []
