"""System checks of the site's shared state: a per-process cache, a malformed proxy list,
translations never built; and the language system checks speak."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import translation

from operations.checks import (
    check_compiled_translations,
    check_shared_cache,
    check_trusted_proxies,
)

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


def test_a_language_whose_catalogs_are_not_built_or_stale_is_named(settings, tmp_path):
    """Without its .mo files (the pages' or the SPA's) a language comes in English, silently;
    with one older than its .po, new strings do: the check says which."""
    settings.LOCALE_PATHS = [tmp_path]
    for language in ("ms", "zh_Hans", "ta"):
        folder = tmp_path / language / "LC_MESSAGES"
        folder.mkdir(parents=True)
        for domain in ("django", "djangojs"):
            (folder / f"{domain}.po").write_text("")
            (folder / f"{domain}.mo").write_bytes(b"")
    assert check_compiled_translations() == []
    (tmp_path / "ms" / "LC_MESSAGES" / "djangojs.mo").unlink()
    stale = tmp_path / "ta" / "LC_MESSAGES" / "django.mo"
    os.utime(stale, (stale.stat().st_mtime - 60,) * 2)
    (warning,) = check_compiled_translations()
    assert warning.id == "operations.W001"
    assert "ms, ta" in warning.msg
    assert "compilemessages" in warning.hint


def test_built_catalogs_pass(settings):
    assert check_compiled_translations() == []  # make test builds them before the suite


def test_system_check_messages_come_in_language_code_s_language(tmp_path):
    """An operator reading `manage.py check` in Malay (LANGUAGE_CODE=ms) reads Malay."""
    root = Path(__file__).resolve().parents[2]
    env = {
        "PATH": "/usr/bin:/bin",
        "ENV_FILE": os.devnull,
        "DEBUG": "true",
        "SGID_MOCK": "true",
        "SGID_MOCK_KEY_DIR": str(tmp_path),
        "SGID_HTTP_TIMEOUT": "600",
        "LANGUAGE_CODE": "ms",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=root, env=env, capture_output=True, text=True
    )
    assert result.returncode == 1
    with translation.override("ms"):
        expected = translation.gettext(
            "SGID_HTTP_TIMEOUT must be a number of seconds above 0 and at most 60."
        )
    assert expected != "SGID_HTTP_TIMEOUT must be a number of seconds above 0 and at most 60."
    assert f"(accounts.E009) {expected}" in result.stderr
