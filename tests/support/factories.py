"""Plain factories for objects many tests need."""

from __future__ import annotations

from typing import Any

from accounts.sgid.config import ClientConfig
from tests.support import material as m


def make_config(**overrides: Any) -> ClientConfig:
    """The client configuration matching material.py's fake sgID."""
    values: dict[str, Any] = {
        "issuer": m.ISSUER,
        "client_id": m.CLIENT_ID,
        "client_secret": m.CLIENT_SECRET,
        "redirect_uri": m.REDIRECT_URI,
        "scopes": "openid myinfo.name",
        "http_timeout": 2,
    }
    return ClientConfig.create(**{**values, **overrides})
