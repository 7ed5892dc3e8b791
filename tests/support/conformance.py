"""A conformance case: the site registered at a HostileSgid, one sign-in through the real views,
and the verdict — what a person (or an attacker) sees afterwards, and what the log says.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.test import Client

from accounts.models import User
from tests.support import material as m
from tests.support.hostile_sgid import HostileSgid
from tests.support.signin import sign_in

# The site as registered at the hostile sgID.
CLIENT_ID = "conformance-client"
# 32 bytes or more, so that HS256 with it is a proper HMAC key and the case tests our allow-list.
CLIENT_SECRET = "conformance-client-secret-5be0c2f19a7d4e36"
REDIRECT_URI = "http://testserver/auth/callback"
SCOPES = "openid myinfo.name myinfo.nric_number"
# Small, so the slow-provider cases finish quickly.
HTTP_TIMEOUT = 1.0

# What a person reads on the failure page, by category (accounts/failures.py, as seen).
PAGES = {
    "expired": (400, "This sign-in link has expired or was already used"),
    "unavailable": (502, "sgID is not available right now"),
    "untrusted": (502, "We could not verify your sign-in"),
}
# Failures that may be tampering go to django.security; outages to the app's log.
LOGGERS = {
    "expired": "django.security.sgid",
    "untrusted": "django.security.sgid",
    "unavailable": "accounts.login",
}


FAILURE_PAGE = "/auth/failed"


def register(settings: Any, provider: HostileSgid) -> None:
    """Point the site's sgID settings at `provider`, as the client registered there."""
    settings.SGID_ISSUER = provider.issuer
    settings.SGID_CLIENT_ID = CLIENT_ID
    settings.SGID_CLIENT_SECRET = CLIENT_SECRET
    settings.SGID_PRIVATE_KEY = m.pem(m.rsa_key("client"))
    settings.SGID_PRIVATE_KEY_FILE = ""
    settings.SGID_REDIRECT_URI = REDIRECT_URI
    settings.SGID_SCOPES = SCOPES
    settings.SGID_HTTP_TIMEOUT = HTTP_TIMEOUT


def login(client: Client, hostile: HostileSgid, *, code: str | None = None) -> Any:
    """Log in, approve at the hostile sgID, and return the page the browser ends on.

    A success is the callback's redirect to `next`; a failure is the failure page the callback
    redirects to, which answers with the failure's status. `code` replaces the one sgID issued.
    """
    answer = sign_in(client, hostile, code=code)
    if answer.status_code == 302 and answer["Location"] == FAILURE_PAGE:
        return client.get(FAILURE_PAGE)
    return answer


def assert_rejected(
    client: Client,
    response: Any,
    category: str,
    hostile: HostileSgid,
    caplog: pytest.LogCaptureFixture,
    *,
    users_before: int = 0,
) -> None:
    """No one is signed in, the page says why, and the log says so without secrets."""
    status, title = PAGES[category]
    assert response.status_code == status, response.content[:500]
    assert title in response.content.decode()
    assert User.objects.count() == users_before
    assert client.get("/api/me").status_code == 401
    assert any(
        record.levelno == logging.WARNING
        and record.name == LOGGERS[category]
        and f"category={category}" in record.getMessage()
        for record in caplog.records
    ), [(r.name, r.getMessage()) for r in caplog.records]
    assert_no_secrets_logged(hostile, caplog)


def assert_logged_in(
    client: Client, response: Any, hostile: HostileSgid, caplog: pytest.LogCaptureFixture
) -> dict[str, Any]:
    """Signed in as the provider's subject; returns what /api/me shows."""
    assert response.status_code == 302, response.content[:500]
    assert response["Location"] == "/profile"
    me = client.get("/api/me")
    assert me.status_code == 200
    assert me.json()["sub"] == hostile.sub
    assert list(User.objects.values_list("sub", flat=True)) == [hostile.sub]
    assert_no_secrets_logged(hostile, caplog)
    body: dict[str, Any] = me.json()
    return body


def assert_no_secrets_logged(hostile: HostileSgid, caplog: pytest.LogCaptureFixture) -> None:
    """No code, token, secret, key or personal data in any record, message or traceback."""
    secrets = [*hostile.issued, hostile.client_secret, hostile.sub, "-----BEGIN", "PRIVATE KEY"]
    # The claims segment of each ID token, in case a log prints it without the rest.
    secrets += [token.split(".")[1] for token in hostile.issued if token.count(".") == 2]
    secrets += [value for value in hostile.persona.values() if len(value) > 3]
    texts = [caplog.text, *(record.getMessage() for record in caplog.records)]
    for secret in secrets:
        assert not any(secret in text for text in texts), "a secret reached the log"
