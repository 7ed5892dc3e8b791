"""System checks for the sgID settings: each names the environment variable to fix.

Run with every management command and at start-up; `python manage.py check` lists them, in
LANGUAGE_CODE's language (the messages are translated like the site's pages).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from .sgid.errors import ConfigurationError
from .sgid.keys import key_id, read_private_key

CheckResult = list[CheckMessage]


def check_client_settings(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> CheckResult:
    errors: CheckResult = []
    for name in ("SGID_ISSUER", "SGID_CLIENT_ID", "SGID_CLIENT_SECRET", "SGID_REDIRECT_URI"):
        if not str(getattr(settings, name, "") or "").strip():
            errors.append(
                Error(
                    _("%(name)s is not set.") % {"name": name},
                    hint=_(
                        "Set the %(name)s environment variable (see .env.example), "
                        "or SGID_MOCK=true with DEBUG=true for the dev sgID."
                    )
                    % {"name": name},
                    id="accounts.E001",
                )
            )
    return errors


def _unusable_key(
    message: str, hint: str, variable: str, error: ConfigurationError, check_id: str
) -> CheckMessage:
    """E003 and E015: a key that cannot be used, in `message` and `hint` naming %(variable)s.
    The reason comes from the plain-Python key reader, in English."""
    return Error(
        message % {"variable": variable, "reason": error.reason},
        hint=hint % {"variable": variable},
        id=check_id,
    )


def check_private_key(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> CheckResult:
    pem = settings.SGID_PRIVATE_KEY
    path = settings.SGID_PRIVATE_KEY_FILE
    if not pem.strip() and not path:
        return [
            Error(
                _("No sgID private key is configured."),
                hint=_(
                    "Set SGID_PRIVATE_KEY (PEM text) or SGID_PRIVATE_KEY_FILE (a path to a PEM "
                    "file) to the RSA private key registered with sgID."
                ),
                id="accounts.E002",
            )
        ]
    variable = "SGID_PRIVATE_KEY" if pem.strip() else "SGID_PRIVATE_KEY_FILE"
    try:
        read_private_key(pem=pem, path=path)
    except ConfigurationError as exc:
        return [
            _unusable_key(
                _("The sgID private key in %(variable)s is unusable: %(reason)s."),
                _(
                    "Set %(variable)s to an unencrypted RSA private key of at least 2048 bits, "
                    "PEM in PKCS#8 or PKCS#1 form."
                ),
                variable,
                exc,
                "accounts.E003",
            )
        ]
    return []


def check_next_private_key(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> CheckResult:
    """The second key of a rotation (docs/security.md, Keys): usable, and not the current one."""
    pem = settings.SGID_PRIVATE_KEY_NEXT
    path = settings.SGID_PRIVATE_KEY_NEXT_FILE
    if not pem.strip() and not path:
        return []
    variable = "SGID_PRIVATE_KEY_NEXT" if pem.strip() else "SGID_PRIVATE_KEY_NEXT_FILE"
    try:
        next_key = read_private_key(pem=pem, path=path)
    except ConfigurationError as exc:
        return [
            _unusable_key(
                _("The next sgID private key in %(variable)s is unusable: %(reason)s."),
                _(
                    "Set %(variable)s to an unencrypted RSA private key of at least 2048 bits "
                    "(PEM, PKCS#8 or PKCS#1), such as one manage.py sgid_keygen wrote, or unset it."
                ),
                variable,
                exc,
                "accounts.E015",
            )
        ]
    try:
        current = read_private_key(
            pem=settings.SGID_PRIVATE_KEY, path=settings.SGID_PRIVATE_KEY_FILE
        )
    except ConfigurationError:
        return []  # reported by E002 or E003
    if key_id(current) != key_id(next_key):
        return []
    return [
        Warning(
            _("%(variable)s holds the same key as the current sgID private key.")
            % {"variable": variable},
            hint=_(
                "A rotation needs a new key: make one with manage.py sgid_keygen and set "
                "%(variable)s to it; once a rotation is over, unset %(variable)s."
            )
            % {"variable": variable},
            id="accounts.W002",
        )
    ]


def check_redirect_uri(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> CheckResult:
    value = settings.SGID_REDIRECT_URI
    if not value:
        return []  # reported by E001
    parts = urlsplit(value)
    try:
        callback_path = reverse("callback")
    except NoReverseMatch:  # pragma: no cover - the URLconf always names it
        callback_path = "/auth/callback"
    errors: CheckResult = []
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        errors.append(
            Error(
                _("SGID_REDIRECT_URI is not an absolute http(s) URL."),
                hint=_(
                    "Set SGID_REDIRECT_URI to the exact callback URL registered with sgID, "
                    "such as %(example)s."
                )
                % {"example": f"https://your.site{callback_path}"},
                id="accounts.E004",
            )
        )
    elif parts.path != callback_path or parts.query or parts.fragment:
        errors.append(
            Error(
                _("SGID_REDIRECT_URI does not point at this site's callback (%(path)s).")
                % {"path": callback_path},
                hint=_("Set SGID_REDIRECT_URI to %(url)s and register that exact URL with sgID.")
                % {"url": f"{parts.scheme}://{parts.netloc}{callback_path}"},
                id="accounts.E005",
            )
        )
    elif parts.scheme != "https" and not settings.DEBUG:
        errors.append(
            Warning(
                _("SGID_REDIRECT_URI is not https while DEBUG is off."),
                hint=_("Serve the site over https and set SGID_REDIRECT_URI to its https URL."),
                id="accounts.W001",
            )
        )
    return errors


def check_scopes(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> CheckResult:
    if "openid" not in settings.SGID_SCOPES.split():
        return [
            Error(
                _("SGID_SCOPES does not contain openid."),
                hint=_(
                    "Set SGID_SCOPES to space-separated scopes starting with openid, such as "
                    '"openid myinfo.name".'
                ),
                id="accounts.E006",
            )
        ]
    return []


def check_issuer(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> CheckResult:
    parts = urlsplit(settings.SGID_ISSUER.strip())
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return [
            Error(
                _("SGID_ISSUER is not an absolute http(s) URL."),
                hint=_(
                    "Set SGID_ISSUER to https://api.id.gov.sg/v2 (production) or "
                    "https://api-stg.id.gov.sg/v2 (staging)."
                ),
                id="accounts.E007",
            )
        ]
    if parts.scheme != "https" and not settings.DEBUG:
        return [
            Error(
                _("SGID_ISSUER is not https while DEBUG is off."),
                hint=_("Set SGID_ISSUER to sgID's https issuer, such as https://api.id.gov.sg/v2."),
                id="accounts.E008",
            )
        ]
    return []


def check_http_timeout(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> CheckResult:
    timeout = settings.SGID_HTTP_TIMEOUT
    if not isinstance(timeout, (int, float)) or not 0 < timeout <= 60:
        return [
            Error(
                _("SGID_HTTP_TIMEOUT must be a number of seconds above 0 and at most 60."),
                hint=_("Set SGID_HTTP_TIMEOUT to a few seconds, such as 5."),
                id="accounts.E009",
            )
        ]
    return []


def check_jwks_ttl(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> CheckResult:
    ttl = settings.SGID_JWKS_TTL
    if not isinstance(ttl, int) or not 0 <= ttl <= 7 * 24 * 3600:
        return [
            Error(
                _("SGID_JWKS_TTL must be a number of seconds from 0 to 604800 (a week)."),
                hint=_("Set SGID_JWKS_TTL to, say, 3600."),
                id="accounts.E012",
            )
        ]
    return []


def check_session_cookie(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> CheckResult:
    if str(settings.SESSION_COOKIE_SAMESITE).lower() == "strict":
        return [
            Error(
                _(
                    "SESSION_COOKIE_SAMESITE is Strict: the session cookie would not come back "
                    "with the return from sgID, so no login could complete."
                ),
                hint=_('Use SESSION_COOKIE_SAMESITE = "Lax".'),
                id="accounts.E010",
            )
        ]
    return []


def check_dev_provider(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> CheckResult:
    if settings.SGID_MOCK and not settings.DEBUG:
        return [
            Error(
                _("The embedded dev sgID (SGID_MOCK) is enabled while DEBUG is off."),
                hint=_("Unset SGID_MOCK in production; it signs anyone in as a fictional persona."),
                id="accounts.E011",
            )
        ]
    return []


# django-ratelimit's rate: a count of at least one per an optional number of s, m, h or d.
_RATE = re.compile(r"[1-9][0-9]*/([1-9][0-9]*)?[smhd]")


def check_rate_limits(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> CheckResult:
    # django-ratelimit reads a rate only when a request comes: a typo would answer every login
    # with an error, so it is refused at start instead.
    return [
        Error(
            _("%(name)s is not a rate django-ratelimit understands: %(value)r.")
            % {"name": name, "value": getattr(settings, name)},
            hint=_("A count per period, e.g. 30/m, 500/h or 50/5m (s, m, h or d)."),
            id="accounts.E013",
        )
        for name in ("RATE_LIMIT_LOGIN", "RATE_LIMIT_CALLBACK")
        if not _RATE.fullmatch(str(getattr(settings, name)))
    ]


def check_bulkhead(**kwargs: Any) -> CheckResult:
    """The bulkhead must leave threads for pages that do not call sgID (accounts/bulkhead.py)."""
    slots, threads = settings.SGID_MAX_CONCURRENT_CALLS, settings.WEB_THREADS
    # One thread per worker (a sync-style deployment) has none to keep back: one slot.
    if 1 <= slots < threads or slots == threads == 1:
        return []
    return [
        Error(
            _(
                "SGID_MAX_CONCURRENT_CALLS is %(slots)s, with %(threads)s threads per worker: "
                "callbacks waiting on a slow sgID could take every thread, and signed-in pages "
                "would wait."
            )
            % {"slots": slots, "threads": threads},
            hint=_(
                "Set SGID_MAX_CONCURRENT_CALLS between 1 and the thread count less one, or leave "
                "it unset (the thread count less a quarter)."
            ),
            id="accounts.E014",
        )
    ]


ALL_CHECKS: tuple[Callable[..., CheckResult], ...] = (
    check_client_settings,
    check_private_key,
    check_next_private_key,
    check_redirect_uri,
    check_scopes,
    check_issuer,
    check_http_timeout,
    check_jwks_ttl,
    check_session_cookie,
    check_dev_provider,
    check_rate_limits,
    check_bulkhead,
)


def register_all() -> None:
    for check in ALL_CHECKS:
        register(check, Tags.security, "sgid")
