"""The two-layer userinfo encryption, decrypted as a relying party would."""

from __future__ import annotations

import json

from jwcrypto import jwe, jwk

from sgid_mock import e2ee


def test_values_round_trip_through_both_layers() -> None:
    client_key = jwk.JWK.generate(kty="RSA", size=2048)
    values = {"myinfo.name": "陈美玲", "myinfo.registered_address": "1 A ROAD\nSINGAPORE 000001"}

    key, data = e2ee.encrypt_userinfo(values, client_key.public())

    outer = jwe.JWE()
    outer.deserialize(key, key=client_key)
    symmetric = jwk.JWK.from_json(outer.payload)
    decrypted = {}
    for scope, token in data.items():
        inner = jwe.JWE()
        inner.deserialize(token, key=symmetric)
        decrypted[scope] = inner.payload.decode("utf-8")
    assert decrypted == values
    assert json.loads(outer.payload)["kty"] == "oct"
    assert set(data) == set(values)
    assert all(token.count(".") == 4 for token in [key, *data.values()])  # compact JWE
