"""The userinfo request (OIDC Core §5.3) and its sgID end-to-end encrypted response.

Response: `{"sub", "key", "data": {scope: JWE}}`. §5.3.2: the `sub` MUST exactly match the ID
token's, or the response is not used. With scope `openid` alone, `key` and `data` are absent:
a valid, empty profile. Each decrypted value must be text a page can show (see `check_text`).
"""

from __future__ import annotations

import hmac
import re
from typing import Any

import requests

from .config import ClientConfig
from .e2ee import decrypt_field, unwrap_data_key
from .errors import ProviderUnavailable, UserinfoInvalid
from .http import request_json
from .keys import DecryptionKeys

# RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ). An unknown scope is shown under
# its own name, so the name must be one.
_SCOPE_TOKEN = re.compile(r"[\x21\x23-\x5b\x5d-\x7e]+")
# C0 controls except tab, newline and carriage return; DEL; C1 controls.
_CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


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


def decrypt_userinfo(
    body: dict[str, Any], private_keys: DecryptionKeys, expected_sub: str
) -> dict[str, str]:
    """The consented data as {scope: text}, after checking the subject and decrypting it with
    whichever of the client's keys it was encrypted to."""
    sub = body.get("sub")
    # The ID token's sub is printable ASCII (id_token.check_subject), so any other text differs
    # from it; and a lone surrogate, which JSON can carry ("\ud800"), cannot even be encoded.
    if (
        not isinstance(sub, str)
        or not sub.isascii()
        or not hmac.compare_digest(sub.encode(), expected_sub.encode())
    ):
        raise UserinfoInvalid("userinfo sub differs from the ID token's")
    data = body.get("data")
    encrypted_key = body.get("key")
    if data is None or data == {}:
        return {}
    if not isinstance(data, dict) or not all(
        isinstance(scope, str) and _SCOPE_TOKEN.fullmatch(scope) and isinstance(value, str)
        for scope, value in data.items()
    ):
        raise UserinfoInvalid("userinfo data is not a map of scope to JWE")
    if not isinstance(encrypted_key, str):
        raise UserinfoInvalid("userinfo data without its encrypted key")
    data_key = unwrap_data_key(encrypted_key, private_keys)
    return {scope: check_text(decrypt_field(value, data_key)) for scope, value in data.items()}


def check_text(value: str) -> str:
    """A decrypted value, if it is text a page can show; else the whole answer is untrusted.

    One rule for every scope, not the name alone: every value is shown on the profile page and
    returned by /api/me, and none has a use for control characters. Addresses separate their
    lines with \\n (allowed, as are \\r and \\t); values that are JSON text (children's records,
    vehicles, public officer details) cannot hold a raw control character and still be JSON
    (RFC 8259 §7: they "MUST be escaped"). So a NUL, an ESC or a C1 control means sgID sent
    something other than what its catalog describes, like a value that is not UTF-8 at all.
    """
    if _CONTROL_CHARACTER.search(value):
        raise UserinfoInvalid("a userinfo value holds control characters")
    return value
