"""The site pointed at a fresh hostile sgID for each test, with every log record captured."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest

from tests import material as m

from .provider import HostileSgid

CLIENT_ID = "conformance-client"
# 32 bytes or more, so that HS256 with it is a proper HMAC key and the case tests our allow-list.
CLIENT_SECRET = "conformance-client-secret-5be0c2f19a7d4e36"
REDIRECT_URI = "http://testserver/auth/callback"
SCOPES = "openid myinfo.name myinfo.nric_number"
# Small, so the slow-provider cases finish quickly.
HTTP_TIMEOUT = 1.0


@pytest.fixture
def hostile(settings: Any, caplog: pytest.LogCaptureFixture) -> Iterator[HostileSgid]:
    """A HostileSgid on a loopback port, and the site's sgID settings pointing at it."""
    caplog.set_level(logging.DEBUG)
    provider = HostileSgid(client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    provider.start()
    try:
        settings.SGID_ISSUER = provider.issuer
        settings.SGID_CLIENT_ID = CLIENT_ID
        settings.SGID_CLIENT_SECRET = CLIENT_SECRET
        settings.SGID_PRIVATE_KEY = m.pem(m.rsa_key("client"))
        settings.SGID_PRIVATE_KEY_FILE = ""
        settings.SGID_REDIRECT_URI = REDIRECT_URI
        settings.SGID_SCOPES = SCOPES
        settings.SGID_HTTP_TIMEOUT = HTTP_TIMEOUT
        yield provider
    finally:
        provider.stop()
    assert not provider.errors, f"the hostile provider itself failed: {provider.errors!r}"
