"""The site's one sgID client, built from settings once per process.

Per-process state is what is safe to duplicate across servers: the parsed private key (parsing
costs tens of milliseconds) and the pooled HTTP session. The JWKS cache also writes through to
Django's cache, which servers share.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import requests
from django.conf import settings
from django.core.cache import cache
from django.core.signals import setting_changed

from operations.metrics import JWKS_REFETCHES_REFUSED, SGID_ANSWERS, SGID_SECONDS

from .sgid.client import SgidClient
from .sgid.config import ClientConfig
from .sgid.http import new_session
from .sgid.jwks import JwksCache
from .sgid.keys import DecryptionKeys, read_optional_private_key, read_private_key

_lock = threading.Lock()
_client: SgidClient | None = None


def client_config() -> ClientConfig:
    return ClientConfig.create(
        issuer=settings.SGID_ISSUER,
        client_id=settings.SGID_CLIENT_ID,
        client_secret=settings.SGID_CLIENT_SECRET,
        redirect_uri=settings.SGID_REDIRECT_URI,
        scopes=settings.SGID_SCOPES,
        http_timeout=settings.SGID_HTTP_TIMEOUT,
    )


def get_client() -> SgidClient:
    """The process's client; raises ConfigurationError if a private key is unusable."""
    global _client
    if _client is None:
        with _lock:
            if _client is None:
                config = client_config()
                private_keys = DecryptionKeys(
                    read_private_key(
                        pem=settings.SGID_PRIVATE_KEY, path=settings.SGID_PRIVATE_KEY_FILE
                    ),
                    next=read_optional_private_key(
                        pem=settings.SGID_PRIVATE_KEY_NEXT,
                        path=settings.SGID_PRIVATE_KEY_NEXT_FILE,
                    ),
                )
                # One connection per thread the bulkhead lets call sgID, and one for a JWKS
                # refresh: a call never waits for, or throws away, a connection.
                http = new_session(pool_size=settings.SGID_MAX_CONCURRENT_CALLS + 1)
                http.hooks["response"].append(_timed_by_endpoint(config))
                jwks = JwksCache(
                    http,
                    config.jwks_uri,
                    store=cache,
                    timeout=config.http_timeout,
                    ttl=settings.SGID_JWKS_TTL,
                    on_refetch_refused=JWKS_REFETCHES_REFUSED.inc,
                )
                _client = SgidClient(config, private_keys=private_keys, http=http, jwks=jwks)
    return _client


def _timed_by_endpoint(config: ClientConfig) -> Callable[..., None]:
    """A `requests` response hook: each answer from sgID in the metrics, by endpoint."""
    endpoints = {
        config.token_endpoint: "token",
        config.userinfo_endpoint: "userinfo",
        config.jwks_uri: "jwks",
    }

    def observe(response: requests.Response, *args: Any, **kwargs: Any) -> None:
        endpoint = endpoints.get(response.url.split("?", 1)[0], "other")
        SGID_SECONDS.labels(endpoint).observe(response.elapsed.total_seconds())
        SGID_ANSWERS.labels(endpoint, f"{response.status_code // 100}xx").inc()

    return observe


def reset_client() -> None:
    global _client
    with _lock:
        _client = None


def _on_setting_changed(*, setting: str, **kwargs: Any) -> None:
    if setting.startswith("SGID_") or setting in {"CACHES", "WEB_THREADS"}:
        reset_client()


def connect_signals() -> None:
    setting_changed.connect(_on_setting_changed, dispatch_uid="accounts.provider.reset")
