"""sgID's end-to-end encryption of userinfo: two layers of JWE (RFC 7516), compact form.

Layer 1 (`key`): a fresh 128-bit symmetric JWK, its JSON encrypted to the client's RSA public
key with RSA-OAEP-256 / A256GCM. Layer 2 (`data`): each value, UTF-8 encoded, encrypted under
that symmetric key with A128GCMKW / A128GCM. These are the algorithms of the sgID SDKs' test
vectors.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from jwcrypto import jwe, jwk

KEY_HEADER = {"alg": "RSA-OAEP-256", "enc": "A256GCM"}
FIELD_HEADER = {"alg": "A128GCMKW", "enc": "A128GCM"}


def _encrypt(plaintext: bytes, header: Mapping[str, str], key: Any) -> str:
    token = jwe.JWE(plaintext, protected=json.dumps(dict(header)))
    token.add_recipient(key)
    serialized: str = token.serialize(compact=True)
    return serialized


def encrypt_userinfo(
    values: Mapping[str, str], client_public_key: Any
) -> tuple[str, dict[str, str]]:
    """The `key` and `data` members of a userinfo response for these scope → value pairs."""
    symmetric = jwk.JWK.generate(kty="oct", size=128)
    key = _encrypt(symmetric.export().encode("utf-8"), KEY_HEADER, client_public_key)
    data = {
        scope: _encrypt(value.encode("utf-8"), FIELD_HEADER, symmetric)
        for scope, value in values.items()
    }
    return key, data
