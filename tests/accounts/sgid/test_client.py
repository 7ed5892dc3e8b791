"""A whole login through SgidClient, against sgID faked below it with the responses library."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses
from jwcrypto import jwk

from accounts.sgid.authorize import MAX_CODE_LENGTH
from accounts.sgid.client import SgidClient
from accounts.sgid.errors import LoginCancelled, ProviderUnavailable, ProviderUntrusted
from accounts.sgid.jwks import JwksCache, MemoryStore
from accounts.sgid.keys import DecryptionKeys
from tests.support import material as m
from tests.support.factories import make_config

CONFIG = make_config()
DATA = {"myinfo.name": "NGUYỄN THỊ MAI"}


def make_client(jwks=None):
    http = requests.Session()
    return SgidClient(
        CONFIG,
        private_keys=DecryptionKeys(jwk.JWK.from_pyca(m.rsa_key("client"))),
        http=http,
        jwks=jwks or JwksCache(http, CONFIG.jwks_uri, store=MemoryStore(), timeout=2),
    )


def script_sgid(nonce):
    responses.get(CONFIG.jwks_uri, json=m.jwks(m.public_jwk(m.rsa_key())))
    token = m.sign(m.claims(nonce=nonce, at_hash=m.at_hash("at-1")))
    responses.post(CONFIG.token_endpoint, json={"access_token": "at-1", "id_token": token})
    responses.get(CONFIG.userinfo_endpoint, json=m.userinfo(DATA))


@responses.activate
def test_a_login_verifies_and_decrypts_with_two_calls_when_warm():
    client = make_client()
    attempt, url = client.start()
    assert parse_qs(urlsplit(url).query)["state"] == [attempt.state]
    script_sgid(attempt.nonce)
    identity = client.finish(attempt, {"code": "code-1", "state": attempt.state})
    assert (identity.sub, dict(identity.data)) == (m.SUB, DATA)
    assert DATA["myinfo.name"] not in repr(identity)

    second, _ = client.start()
    responses.replace(
        responses.POST,
        CONFIG.token_endpoint,
        json={"access_token": "at-1", "id_token": m.sign(m.claims(nonce=second.nonce))},
    )
    before = len(responses.calls)
    client.finish(second, {"code": "code-2", "state": second.state})
    assert [c.request.url for c in responses.calls[before:]] == [
        CONFIG.token_endpoint,
        CONFIG.userinfo_endpoint,
    ]


@responses.activate
def test_the_bearer_token_goes_to_userinfo():
    client = make_client()
    attempt, _ = client.start()
    script_sgid(attempt.nonce)
    client.finish(attempt, {"code": "code-1", "state": attempt.state})
    userinfo_call = next(c for c in responses.calls if c.request.url == CONFIG.userinfo_endpoint)
    assert userinfo_call.request.headers["Authorization"] == "Bearer at-1"


class _BrokenKeySet:
    def key_for(self, kid):
        raise TypeError("a library failed on input nobody foresaw")


@responses.activate
def test_anything_unforeseen_in_sgids_answer_is_untrusted_not_a_crash():
    client = make_client(jwks=_BrokenKeySet())
    attempt, _ = client.start()
    script_sgid(attempt.nonce)
    with pytest.raises(ProviderUntrusted, match="TypeError"):
        client.finish(attempt, {"code": "code-1", "state": attempt.state})


@responses.activate
def test_each_step_s_duration_is_reported_to_the_caller_not_kept_in_the_identity():
    client = make_client()
    attempt, _ = client.start()
    script_sgid(attempt.nonce)
    steps: list[tuple[str, float]] = []
    identity = client.finish(attempt, {"code": "code-1"}, lambda step, ms: steps.append((step, ms)))
    assert [step for step, _ in steps] == ["token", "id_token", "userinfo", "decrypt"]
    assert all(ms >= 0 for _, ms in steps)
    assert not hasattr(identity, "timings")


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ({"error": "access_denied", "code": "code-1"}, LoginCancelled),
        ({"error": "server_error"}, ProviderUnavailable),
        ({}, ProviderUntrusted),
        ({"code": ""}, ProviderUntrusted),
        ({"code": "c" * (MAX_CODE_LENGTH + 1)}, ProviderUntrusted),
    ],
)
@responses.activate
def test_a_callback_without_a_usable_code_never_reaches_sgid(query, error):
    client = make_client()
    attempt, _ = client.start()
    with pytest.raises(error):
        client.finish(attempt, query)
    assert len(responses.calls) == 0
