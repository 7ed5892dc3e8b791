"""The userinfo request (OIDC Core §5.3) and its sgID end-to-end encrypted response.

Response: `{"sub", "key", "data": {scope: JWE}}`. §5.3.2: the `sub` MUST exactly match the ID
token's, or the response is not used. With scope `openid` alone, `key` and `data` are absent:
a valid, empty profile.
"""

from __future__ import annotations

import hmac
from typing import Any

import requests
from jwcrypto.jwk import JWK

from .config import ClientConfig
from .e2ee import decrypt_field, unwrap_data_key
from .errors import ProviderUnavailable, UserinfoInvalid
from .http import request_json


def fetch_userinfo(
    http: requests.Session, config: ClientConfig, access_token: str
) -> dict[str, Any]:
    """GET userinfo with the access token as a Bearer credential (RFC 6750 §2.1)."""
    response = request_json(
        http,
        "GET",
        config.userinfo_endpoint,
        what="userinfo endpoint",
        timeout=config.http_timeout,
        headers={"Authorization": f"Bearer {access_token}"},
    )
    if response.status != 200:
        raise ProviderUnavailable(f"userinfo endpoint answered {response.status}")
    return response.body


def decrypt_userinfo(body: dict[str, Any], private_key: JWK, expected_sub: str) -> dict[str, str]:
    """The consented data as {scope: text}, after checking the subject and decrypting it."""
    sub = body.get("sub")
    if not isinstance(sub, str) or not hmac.compare_digest(sub.encode(), expected_sub.encode()):
        raise UserinfoInvalid("userinfo sub differs from the ID token's")
    data = body.get("data")
    encrypted_key = body.get("key")
    if data is None or data == {}:
        return {}
    if not isinstance(data, dict) or not all(
        isinstance(scope, str) and isinstance(value, str) for scope, value in data.items()
    ):
        raise UserinfoInvalid("userinfo data is not a map of scope to JWE")
    if not isinstance(encrypted_key, str):
        raise UserinfoInvalid("userinfo data without its encrypted key")
    data_key = unwrap_data_key(encrypted_key, private_key)
    return {scope: decrypt_field(value, data_key) for scope, value in data.items()}
