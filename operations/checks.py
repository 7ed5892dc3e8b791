"""System checks of the site's shared state (ids `operations.E0xx`)."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register

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
            "CACHE_URL is unset (or names a cache each process keeps for itself) while DEBUG "
            "is off: rate limits, sgID's signing keys and the purge schedule would not be "
            "shared by gunicorn's workers or by other servers.",
            hint="Set CACHE_URL to the Redis all servers share, e.g. redis://10.0.0.5:6379/0.",
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
            f"FORWARDED_ALLOW_IPS holds entries that are no address or network: {bad!r}; "
            "they trust no one.",
            hint="Addresses or networks without host bits, comma-separated (10.0.0.0/8), or *.",
            id="operations.E002",
        )
    ]


def register_all() -> None:
    register(check_shared_cache, "caches")
    register(check_trusted_proxies, "security")
