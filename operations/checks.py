"""System checks of the site's shared state (ids `operations.E0xx`)."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register
from django.utils.translation import gettext as _
from django.utils.translation import to_locale

# The language the site's strings are written in: it needs no catalog.
SOURCE_LANGUAGE = "en"

# Caches each process keeps for itself: gunicorn's workers, and other servers, never see them.
PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


def check_shared_cache(
    app_configs: Sequence[Any] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    backend = settings.CACHES["default"]["BACKEND"]
    if settings.DEBUG or backend not in PER_PROCESS_CACHES:
        return []
    return [
        Error(
            _(
                "CACHE_URL is unset (or names a cache each process keeps for itself) while DEBUG "
                "is off: rate limits, sgID's signing keys and the purge schedule would not be "
                "shared by gunicorn's workers or by other servers."
            ),
            hint=_("Set CACHE_URL to the Redis all servers share, e.g. redis://10.0.0.5:6379/0."),
            id="operations.E001",
        )
    ]


def check_trusted_proxies(
    app_configs: Sequence[Any] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    bad = []
    for entry in settings.FORWARDED_ALLOW_IPS:
        if entry.strip() == "*":
            continue
        try:
            ipaddress.ip_network(entry.strip())
        except ValueError:
            bad.append(entry)
    if not bad:
        return []
    return [
        Error(
            _(
                "FORWARDED_ALLOW_IPS holds entries that are no address or network: %(bad)r; "
                "they trust no one."
            )
            % {"bad": bad},
            hint=_("Addresses or networks without host bits, comma-separated (10.0.0.0/8), or *."),
            id="operations.E002",
        )
    ]


def check_compiled_translations(
    app_configs: Sequence[Any] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    """A language whose catalogs were never built, or were built before their last change, shows
    pages (or the SPA, or new strings) in English, silently."""
    site_locale = Path(settings.LOCALE_PATHS[0])
    missing = []
    for code, _name in settings.LANGUAGES:
        if code == SOURCE_LANGUAGE:
            continue
        for domain in ("django", "djangojs"):
            source = site_locale / to_locale(code) / "LC_MESSAGES" / f"{domain}.po"
            built = source.with_suffix(".mo")
            if not built.is_file() or built.stat().st_mtime < source.stat().st_mtime:
                missing.append(code)
                break
    if not missing:
        return []
    return [
        Warning(
            _(
                "The translations for %(languages)s are not built, or older than their "
                "catalogs: those pages show in English."
            )
            % {"languages": ", ".join(missing)},
            hint=_(
                "Run manage.py compilemessages (it needs GNU gettext) before starting the site."
            ),
            id="operations.W001",
        )
    ]


def register_all() -> None:
    register(check_shared_cache, "caches")
    register(check_trusted_proxies, "security")
    register(check_compiled_translations, "translation")
