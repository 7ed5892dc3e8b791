"""sgID's JWKS: cached, refetched once for a rotated key, never hammered, kept through outages."""

from __future__ import annotations

import json
import threading
import time

import pytest
import requests
import responses

from accounts.sgid.errors import IdTokenInvalid, ProviderUnavailable
from accounts.sgid.jwks import JwksCache, MemoryStore
from tests.support import material as m

URI = m.ISSUER + "/.well-known/jwks.json"
K1 = m.public_jwk(m.rsa_key(), kid="k1")
K2 = m.public_jwk(m.rsa_key("rotated"), kid="k2")


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def store(clock):
    return MemoryStore(clock)


def make(store, clock, **kwargs):
    return JwksCache(requests.Session(), URI, store=store, timeout=2, clock=clock, **kwargs)


@responses.activate
def test_fetches_once_and_serves_from_cache(store, clock):
    calls = responses.get(URI, json=m.jwks(K1))
    cache = make(store, clock)
    for _ in range(100):
        assert cache.key_for("k1").key_id == "k1"
    assert calls.call_count == 1


@responses.activate
def test_a_second_process_uses_the_shared_copy(store, clock):
    calls = responses.get(URI, json=m.jwks(K1))
    make(store, clock).key_for("k1")
    other_process = make(store, clock)
    assert other_process.key_for("k1").key_id == "k1"
    assert calls.call_count == 1


@responses.activate
def test_refetches_after_the_ttl(store, clock):
    calls = responses.get(URI, json=m.jwks(K1))
    cache = make(store, clock, ttl=3600)
    cache.key_for("k1")
    clock.now += 3601
    cache.key_for("k1")
    assert calls.call_count == 2


@responses.activate
def test_a_rotated_key_is_found_with_one_refetch(store, clock):
    responses.get(URI, json=m.jwks(K1))
    cache = make(store, clock)
    cache.key_for("k1")
    responses.replace(responses.GET, URI, json=m.jwks(K1, K2))
    assert cache.key_for("k2").key_id == "k2"
    assert len(responses.calls) == 2


@responses.activate
def test_unknown_kids_refetch_at_most_once_per_cooldown(store, clock):
    calls = responses.get(URI, json=m.jwks(K1))
    refused: list[None] = []
    cache = make(store, clock, cooldown=60, on_refetch_refused=lambda: refused.append(None))
    cache.key_for("k1")
    for i in range(200):
        with pytest.raises(IdTokenInvalid, match="not in sgID's JWKS"):
            cache.key_for(f"forged-{i}")
    assert calls.call_count == 2  # the first fetch and one refetch
    assert len(refused) == 199  # each refusal told, for the metric
    clock.now += 61
    with pytest.raises(IdTokenInvalid):
        cache.key_for("forged-again")
    assert calls.call_count == 3


@responses.activate
def test_the_cooldown_is_shared_between_processes(store, clock):
    calls = responses.get(URI, json=m.jwks(K1))
    refused: list[None] = []
    first = make(store, clock)
    second = make(store, clock, on_refetch_refused=lambda: refused.append(None))
    for cache in (first, second):
        with pytest.raises(IdTokenInvalid):
            cache.key_for("forged")
    assert calls.call_count == 2
    assert len(refused) == 1  # the second process, refused by the shared cooldown


@responses.activate
def test_an_outage_keeps_the_cached_keys(store, clock):
    responses.get(URI, json=m.jwks(K1))
    cache = make(store, clock, ttl=60)
    cache.key_for("k1")
    responses.replace(responses.GET, URI, status=503)
    clock.now += 3600
    assert cache.key_for("k1").key_id == "k1"


@responses.activate
def test_an_outage_without_any_cached_keys_is_unavailable(store, clock):
    responses.get(URI, body=requests.ConnectionError("down"))
    with pytest.raises(ProviderUnavailable):
        make(store, clock).key_for("k1")


@responses.activate
def test_no_kid_with_several_keys_is_rejected(store, clock):
    responses.get(URI, json=m.jwks(K1, K2))
    with pytest.raises(IdTokenInvalid, match="without kid"):
        make(store, clock).key_for(None)


@responses.activate
def test_no_kid_with_one_key_uses_it(store, clock):
    responses.get(URI, json=m.jwks(K1))
    assert make(store, clock).key_for(None).key_id == "k1"


@responses.activate
def test_ignores_keys_that_are_not_rs256_signing_keys(store, clock):
    encryption_key = m.public_jwk(m.rsa_key("enc"), kid="enc", use="enc")
    hs_key = {"kty": "oct", "k": "c2VjcmV0", "kid": "hs"}
    responses.get(URI, json=m.jwks(K1, encryption_key, hs_key, {"kty": "RSA", "kid": "broken"}))
    cache = make(store, clock)
    assert cache.key_for("k1").key_id == "k1"
    for kid in ("enc", "hs", "broken"):
        with pytest.raises(IdTokenInvalid):
            cache.key_for(kid)


@responses.activate
@pytest.mark.parametrize("body", [{"keys": "nope"}, {}, {"keys": []}])
def test_a_document_without_usable_keys_is_unavailable(store, clock, body):
    responses.get(URI, json=body)
    with pytest.raises(ProviderUnavailable):
        make(store, clock).key_for("k1")


@responses.activate
def test_two_keys_without_kid_do_not_let_a_kidless_token_choose(store, clock):
    responses.get(URI, json=m.jwks(m.public_jwk(m.rsa_key(), kid=None), K2 | {"kid": None}))
    cache = make(store, clock)
    with pytest.raises(IdTokenInvalid, match="without kid"):
        cache.key_for(None)


@responses.activate
def test_a_kid_published_twice_is_trusted_for_neither_key(store, clock):
    twin = m.public_jwk(m.rsa_key("rotated"), kid="k1")
    responses.get(URI, json=m.jwks(K1, twin))
    with pytest.raises(IdTokenInvalid, match="not unique"):
        make(store, clock).key_for("k1")


@responses.activate
def test_during_an_outage_the_endpoint_is_retried_once_per_cooldown(store, clock):
    responses.get(URI, json=m.jwks(K1))
    cache = make(store, clock, ttl=60, cooldown=30)
    cache.key_for("k1")
    responses.replace(responses.GET, URI, status=503)
    clock.now += 61
    for _ in range(50):
        assert cache.key_for("k1").key_id == "k1"
    assert len(responses.calls) == 2  # the first fetch and one failed refresh
    clock.now += 31
    cache.key_for("k1")
    assert len(responses.calls) == 3


@responses.activate
def test_with_no_keys_a_failed_fetch_is_not_retried_before_the_cooldown(store, clock):
    responses.get(URI, status=503)
    cache = make(store, clock, cooldown=30)
    for _ in range(20):
        with pytest.raises(ProviderUnavailable):
            cache.key_for("k1")
    assert len(responses.calls) == 1
    clock.now += 31
    responses.replace(responses.GET, URI, json=m.jwks(K1))
    assert cache.key_for("k1").key_id == "k1"


def test_a_slow_refresh_does_not_hold_up_other_logins(store, clock):
    """While one thread refreshes expired keys, another is served the keys it has at once."""
    release = threading.Event()
    in_fetch = threading.Event()
    fetches = []

    def jwks_endpoint(request):
        fetches.append(request)
        if len(fetches) > 1:  # the refresh: held until the test releases it
            in_fetch.set()
            release.wait(5)
        return (200, {}, json.dumps(m.jwks(K1)))

    with responses.RequestsMock() as mock:
        mock.add_callback(responses.GET, URI, callback=jwks_endpoint)
        cache = make(store, clock, ttl=60)
        cache.key_for("k1")
        clock.now += 61
        refresher = threading.Thread(target=cache.key_for, args=("k1",))
        refresher.start()
        assert in_fetch.wait(5)
        started = time.monotonic()
        assert cache.key_for("k1").key_id == "k1"
        waited = time.monotonic() - started
        release.set()
        refresher.join(5)
    assert len(fetches) == 2
    assert waited < 1.0  # served from memory, not after the 5 s the refresh is held for


class UnreachableStore:
    """A shared cache that is down, as django-redis with IGNORE_EXCEPTIONS answers then."""

    def get(self, key, default=None):
        return default

    def set(self, key, value, timeout=None):
        return None

    def add(self, key, value, timeout=None):
        return None


@responses.activate
def test_a_rotation_is_picked_up_while_the_shared_cache_is_down(clock):
    responses.get(URI, json=m.jwks(K1))
    cache = make(UnreachableStore(), clock, cooldown=60)
    cache.key_for("k1")
    responses.replace(responses.GET, URI, json=m.jwks(K1, K2))
    assert cache.key_for("k2").key_id == "k2"


@responses.activate
def test_forged_kids_still_refetch_once_per_cooldown_while_the_shared_cache_is_down(clock):
    calls = responses.get(URI, json=m.jwks(K1))
    cache = make(UnreachableStore(), clock, cooldown=60)
    cache.key_for("k1")
    for i in range(50):
        with pytest.raises(IdTokenInvalid):
            cache.key_for(f"forged-{i}")
    assert calls.call_count == 2
    clock.now += 61
    with pytest.raises(IdTokenInvalid):
        cache.key_for("forged-again")
    assert calls.call_count == 3
