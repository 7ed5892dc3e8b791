"""System checks of the site's shared state: a per-process cache, a malformed proxy list."""

from __future__ import annotations

import pytest

from operations.checks import check_shared_cache, check_trusted_proxies

LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REDIS = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": "redis://x:6379/0"}}


def ids(messages):
    return {message.id for message in messages}


def test_a_per_process_cache_is_refused_without_debug_naming_cache_url(settings):
    settings.DEBUG, settings.CACHES = False, LOCMEM
    (error,) = check_shared_cache()
    assert error.id == "operations.E001"
    assert "CACHE_URL" in error.msg


@pytest.mark.parametrize(("debug", "caches"), [(True, LOCMEM), (False, REDIS)])
def test_a_shared_cache_or_a_developer_s_machine_passes(settings, debug, caches):
    settings.DEBUG, settings.CACHES = debug, caches
    assert check_shared_cache() == []


def test_a_proxy_list_entry_that_is_no_network_is_named(settings):
    settings.FORWARDED_ALLOW_IPS = ["10.0.0.0/8", "10.0.0.1/8", "proxy.internal", "*"]
    (error,) = check_trusted_proxies()
    assert error.id == "operations.E002"
    assert "10.0.0.1/8" in error.msg
    assert "proxy.internal" in error.msg
    assert "10.0.0.0/8'" not in error.msg


def test_addresses_networks_and_a_star_pass(settings):
    settings.FORWARDED_ALLOW_IPS = ["127.0.0.1", "::1", "10.0.0.0/8", "2001:db8::/32", "*"]
    assert ids(check_trusted_proxies()) == set()
