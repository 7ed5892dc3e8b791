"""Settings for the sgID relying party: one file, driven by the environment.

Every value comes from an environment variable (django-environ). A `.env` file beside
`manage.py` (or the file named by ENV_FILE) is read when present; the real environment wins.
`.env.example` lists every variable. Problems with the sgID settings are reported by the
system checks in `accounts/checks.py`, which name the variable to fix.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# Values already in the environment win over the file's.
ENV_FILE = Path(environ.Env().str("ENV_FILE", default=str(BASE_DIR / ".env")))
if ENV_FILE.is_file():
    environ.Env.read_env(ENV_FILE)


class _SecretFiles(environ.FileAwareMapping):  # type: ignore[misc]  # environ has no types
    """django-environ's file-aware lookup (NAME_FILE names a file holding NAME), for secrets.

    Stricter than the library's, which lets the file win silently and raises the bare OSError:
    NAME and NAME_FILE both set is refused; a file that cannot be read, or is empty, stops
    start-up naming the variable and the path, never the contents; line breaks at the file's end
    are no part of the value; and a value is taken as written: django-environ reads a leading `$`
    as the name of another variable, and one Django key in fifty begins with `$`.
    """

    def __getitem__(self, name: str) -> str:
        path = self.env.get(f"{name}_FILE")
        if path and self.env.get(name):
            raise ImproperlyConfigured(f"Set {name} or {name}_FILE, not both.")
        if path and not os.path.isabs(path):
            # Not echoed: it may be the secret itself, set in the wrong variable.
            raise ImproperlyConfigured(f"{name}_FILE must be the absolute path of a file.")
        try:
            value: str = super().__getitem__(name)
        except OSError as error:
            raise ImproperlyConfigured(
                f"{name}_FILE: cannot read {path} ({error.strerror})."
            ) from None
        except UnicodeDecodeError:
            raise ImproperlyConfigured(f"{name}_FILE: {path} is not UTF-8 text.") from None
        if path:
            value = value.rstrip("\r\n")
            if not value:
                raise ImproperlyConfigured(f"{name}_FILE: {path} is empty.")
        # Escaped here, unescaped by escape_proxy: never a proxy, and otherwise unchanged.
        return value.replace("$", r"\$")


class _SecretEnv(environ.FileAwareEnv):  # type: ignore[misc]
    ENVIRON = _SecretFiles()


# SECRET_KEY, SECRET_KEY_FALLBACKS, SGID_CLIENT_SECRET, DATABASE_URL and CACHE_URL: each from its
# variable or from the file its _FILE variable names (a Docker or Kubernetes secret).
secret_env = _SecretEnv()
secret_env.escape_proxy = True

DEBUG = env.bool("DEBUG", default=False)
# Required outside DEBUG: a missing SECRET_KEY stops start-up with a message naming it.
SECRET_KEY = secret_env.str(
    "SECRET_KEY", default="dev-only-insecure-key" if DEBUG else environ.Env.NOTSET
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "csp",
    "operations",
    "accounts",
]

MIDDLEWARE = [
    "operations.requestlog.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Development only (CANONICAL_ORIGIN): one address, so a login's cookie comes back with it.
    "operations.canonical.CanonicalOriginMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The language of every page: the language cookie (the header's chooser), else the browser's
    # Accept-Language, else LANGUAGE_CODE (what the middleware above answer, a redirect or a
    # refused host, comes in LANGUAGE_CODE: operations/languages.py). After WhiteNoise, so static
    # files vary on nothing; Django 5 keeps the choice in the cookie, so before the session.
    "django.middleware.locale.LocaleMiddleware",
    "operations.languages.LanguageCookieVaryMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.SessionIndexMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "sgid_rp.urls"
WSGI_APPLICATION = "sgid_rp.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "operations.requestlog.request_id",
                # A public officer's chosen employment, for the header.
                "accounts.employment.context",
            ],
        },
    },
]

DATABASES = {
    "default": secret_env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
}
# Threads per gunicorn worker: logins spend most of their time waiting on sgID, so a worker runs
# many. gunicorn.conf.py reads the same variable with the same default (a test checks they agree).
WEB_THREADS = env.int("GUNICORN_THREADS", default=32)
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
# A connection the server dropped (restart, failover) is replaced, not used for a failing query.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    options = DATABASES["default"].setdefault("OPTIONS", {})
    # Fail fast (the designed 503, and /healthz says so) rather than hang a worker.
    options["connect_timeout"] = 3
    # Django's PostgreSQL pool (psycopg_pool): at most DB_POOL_SIZE server connections per
    # process, however many threads; a request waits at most DB_POOL_TIMEOUT seconds for one,
    # then gets the designed 503. Connections are given back at the end of each request, and
    # while a login waits on sgID (accounts/views.py), so a few serve many threads.
    DB_POOL_SIZE = env.int("DB_POOL_SIZE", default=4)
    if DB_POOL_SIZE > 0:
        _pool_timeout = env.float("DB_POOL_TIMEOUT", default=2.0)
        options["pool"] = {
            "min_size": 1,
            "max_size": DB_POOL_SIZE,
            "timeout": _pool_timeout,
            # While PostgreSQL is down the pool retries a connection with a doubling delay
            # (1, 2, 4, 8 s...); giving up after this long starts the next request's attempt
            # afresh, so the site is back within about a second of the database.
            "reconnect_timeout": _pool_timeout,
        }
        DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps them instead
CACHES = {"default": secret_env.cache("CACHE_URL", default="locmemcache://")}
if CACHES["default"]["BACKEND"] in {
    "django.core.cache.backends.redis.RedisCache",
    "django_redis.cache.RedisCache",  # what django-environ picks for redis:// when installed
}:
    # django-redis: one client per connection pool, and an unreachable Redis is a cache miss
    # (a warning per interval, see operations/outages.py), never an exception in a request.
    CACHES["default"]["BACKEND"] = "django_redis.cache.RedisCache"
    CACHES["default"].setdefault("OPTIONS", {}).update(
        IGNORE_EXCEPTIONS=True, SOCKET_CONNECT_TIMEOUT=1, SOCKET_TIMEOUT=1
    )
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
DJANGO_REDIS_LOGGER = "operations.cache"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "accounts.backends.SgidBackend",
    # Kept for `createsuperuser` accounts, which sign in to /admin/ with a password.
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Days a login event (outcome, time, client network) is kept; the purge applies it.
LOGIN_EVENT_RETENTION_DAYS = env.int("LOGIN_EVENT_RETENTION_DAYS", default=90)
# Per client network (an address for IPv4, a /64 for IPv6), counted in the shared cache by
# django-ratelimit: "N/s", "N/m", "N/h" or e.g. "50/5m". Past them: 429 with Retry-After.
RATE_LIMIT_LOGIN = env.str("RATE_LIMIT_LOGIN", default="30/m")
RATE_LIMIT_CALLBACK = env.str("RATE_LIMIT_CALLBACK", default="30/m")
# An unreachable cache counts nothing rather than refusing everyone.
RATELIMIT_FAIL_OPEN = True
# django-ratelimit's own switch; false turns every limit off.
RATELIMIT_ENABLE = env.bool("RATELIMIT_ENABLE", default=True)
# Seconds between purges of expired sessions, used login states and old login events, which the
# site runs itself after a response (accounts/maintenance.py); 0 leaves it to
# `manage.py purge_expired` (from cron, say).
PURGE_INTERVAL = env.int("PURGE_INTERVAL", default=300)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/profile"

# Sessions in the database, as Django ships them, and no copy in the cache: a cached copy can
# outlive the row (a logout while Redis is unreachable, or a read racing the delete) and keep a
# signed-out session alive. Every server sees every session; a Redis outage touches none.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# The session is encrypted at rest with a key derived from SECRET_KEY (and readable under each of
# SECRET_KEY_FALLBACKS while a key is rotated): the consented data never sits in plain text.
SESSION_SERIALIZER = "operations.sessions.EncryptedJSONSerializer"
SECRET_KEY_FALLBACKS = secret_env.list("SECRET_KEY_FALLBACKS", default=[])
# The consented data lives in the session only, so sessions are short by default.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60)
SESSION_COOKIE_HTTPONLY = True
# Lax, not Strict: the return from sgID is a cross-site top-level navigation, and a Strict
# cookie would not be sent with it, so the callback would never find its login attempt.
SESSION_COOKIE_SAMESITE = "Lax"
# Secure outside DEBUG; `check --deploy` flags turning them off.
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
# Behind a TLS-terminating proxy: e.g. SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https
_proxy_header = env.list("SECURE_PROXY_SSL_HEADER", default=[])
SECURE_PROXY_SSL_HEADER = (_proxy_header[0], _proxy_header[1]) if len(_proxy_header) == 2 else None
# The proxies whose X-Forwarded-For names the client (the list gunicorn reads for its own
# X-Forwarded-* handling): addresses or networks; only then is a forwarded address believed.
FORWARDED_ALLOW_IPS = env.list("FORWARDED_ALLOW_IPS", default=["127.0.0.1", "::1"])
USE_X_FORWARDED_HOST = env.bool("USE_X_FORWARDED_HOST", default=False)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# JSON for the single-page app's calls, the designed page for a browser's form.
CSRF_FAILURE_VIEW = "operations.errors.csrf_failure"

# --- Response hardening ---------------------------------------------------------------
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# A load balancer's health probe speaks plain http to the app.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^livez$", r"^metrics$"]
# The bearer token Prometheus presents at /metrics (operations/metrics.py); unset, there is no
# /metrics. A long random string, e.g. `python -c "import secrets; print(secrets.token_urlsafe())"`.
METRICS_TOKEN = secret_env.str("METRICS_TOKEN", default="")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# Preload binds the whole domain for months: its owner opts in (SECURE_HSTS_PRELOAD), not a default.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Singapore's four official languages, each named in itself (the header's chooser shows these).
LANGUAGES = [
    ("en", "English"),
    ("ms", "Bahasa Melayu"),
    ("zh-hans", "简体中文"),
    ("ta", "தமிழ்"),
]
# The language of a first visit whose browser asks for none of these, and of management
# commands' output (system checks included). Django refuses one not in LANGUAGES (translation.E004).
LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="en")
# A person's choice, kept a year; sent only over HTTPS where the session cookie is.
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Translations of every marked string (templates, Python, the SPA's gettext()): `make messages`
# extracts them into locale/<language>/LC_MESSAGES/*.po, `manage.py compilemessages` builds them.
# locale/django/ completes Django's own catalogs where they leave strings untranslated (Tamil's
# admin, forms and dates): these folders come before Django's, so their entries win.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale" / "django"]
# Dates as Singapore writes them ("5 March 1990", not Django's American "March 5, 1990").
FORMAT_MODULE_PATH = ["sgid_rp.formats"]
TIME_ZONE = "Asia/Singapore"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed files served by WhiteNoise (`collectstatic` at deploy).
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# One line per request and per login outcome, each with the request id; plain or JSON lines.
# Messages never hold tokens, codes, keys or personal data.
LOG_FORMAT = env.str("LOG_FORMAT", default="plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "operations.requestlog.RequestIdFilter"},
        # An outage of PostgreSQL or Redis: one line per interval, not a traceback per request.
        "outages": {"()": "operations.outages.OutageLogFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
            "filters": ["request_id"],
        }
    },
    "loggers": {
        "django.request": {"filters": ["outages"]},
        # A session save the database refused mid-request (Django: SessionInterrupted, a 400).
        "django.security.SessionInterrupted": {"filters": ["outages"]},
        DJANGO_REDIS_LOGGER: {"filters": ["outages"]},
        # Django's PostgreSQL pool logs each connection handed out (INFO) and each failed
        # reconnection with the driver's text, host and port included (WARNING). An outage is
        # reported once per interval by operations/outages.py; the pool's own lines are noise.
        "psycopg.pool": {"level": "ERROR"},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# --- sgID -----------------------------------------------------------------------------
# The embedded dev provider (sgid_mock). Refused by a system check when DEBUG is off.
SGID_MOCK = env.bool("SGID_MOCK", default=False)
# Where `runserver` is reached in a browser; the dev defaults below are built from it.
# `make run PORT=8001` sets it from the port.
SGID_DEV_ORIGIN = env.str("SGID_DEV_ORIGIN", default="http://127.0.0.1:8000").rstrip("/")
# In development with the dev sgID, the one origin the site answers on (operations/canonical.py):
# the dev sgID returns the browser to SGID_DEV_ORIGIN, and a login begun on another host (say
# localhost) would come back without its session cookie. None elsewhere: production and tests.
CANONICAL_ORIGIN = SGID_DEV_ORIGIN if DEBUG and SGID_MOCK else None
SGID_MOCK_KEY_DIR = Path(env.str("SGID_MOCK_KEY_DIR", default=str(BASE_DIR / "var" / "sgid_mock")))
# The public key registered with the dev sgID for its client, which it encrypts userinfo to: a PEM
# file (a public key, or a key pair whose public half is used). Unset: the key pair it generates,
# client-private-key.pem in SGID_MOCK_KEY_DIR. Point it at the next key to act a rotation out.
SGID_MOCK_CLIENT_KEY_FILE = env.str("SGID_MOCK_CLIENT_KEY_FILE", default="")
SGID_MOCK_CLIENT_ID = "sgid-rp-dev"
SGID_MOCK_CLIENT_SECRET = "dev-secret-not-for-production"  # noqa: S105 - the dev provider's own
# The name the dev sgID shows for this client (sgID shows the registered service name).
SGID_MOCK_CLIENT_NAME = "sgID demo service"
# The whole documented catalog, so every kind of data shows on the profile in development.
SGID_MOCK_SCOPES = (
    "openid myinfo.name myinfo.nric_number myinfo.date_of_birth myinfo.sex myinfo.race "
    "myinfo.nationality myinfo.residentialstatus myinfo.passport_number "
    "myinfo.passport_expiry_date myinfo.mobile_number myinfo.mobile_number_with_country_code "
    "myinfo.email myinfo.registered_address myinfo.housingtype myinfo.hdbtype "
    "myinfo.marital_status myinfo.workpass_status myinfo.workpass_expiry_date "
    "myinfo.children_birth_records myinfo.sponsored_children_records myinfo.vehicles "
    "myinfo.birth_country myinfo.name_of_employer myinfo.occupation myinfo.dialect "
    "myinfo.country_of_marriage myinfo.marriage_certificate_number myinfo.marriage_date "
    "myinfo.divorce_date pocdex.public_officer_details pocdex.number_of_employments "
    "pocdex.public_officer_employments"
)

if SGID_MOCK:
    INSTALLED_APPS.append("sgid_mock")
    _defaults = {
        "issuer": f"{SGID_DEV_ORIGIN}/sgid-mock/v2",
        "client_id": SGID_MOCK_CLIENT_ID,
        "client_secret": SGID_MOCK_CLIENT_SECRET,
        "private_key_file": str(SGID_MOCK_KEY_DIR / "client-private-key.pem"),
        "redirect_uri": f"{SGID_DEV_ORIGIN}/auth/callback",
        "scopes": SGID_MOCK_SCOPES,
    }
else:
    _defaults = {"issuer": "https://api.id.gov.sg/v2", "scopes": "openid myinfo.name"}

SGID_ISSUER = env.str("SGID_ISSUER", default=_defaults["issuer"])
SGID_CLIENT_ID = env.str("SGID_CLIENT_ID", default=_defaults.get("client_id", ""))
SGID_CLIENT_SECRET = secret_env.str(
    "SGID_CLIENT_SECRET", default=_defaults.get("client_secret", "")
)
# PEM text (PKCS#8 or PKCS#1; literal "\n" accepted) or a path to a PEM file.
SGID_PRIVATE_KEY = env.str("SGID_PRIVATE_KEY", default="")
SGID_PRIVATE_KEY_FILE = env.str(
    "SGID_PRIVATE_KEY_FILE", default=_defaults.get("private_key_file", "")
)
# A second private key, in the same two forms, while the client's key is rotated: userinfo
# encrypted to either key is accepted (docs/security.md, Keys).
SGID_PRIVATE_KEY_NEXT = env.str("SGID_PRIVATE_KEY_NEXT", default="")
SGID_PRIVATE_KEY_NEXT_FILE = env.str("SGID_PRIVATE_KEY_NEXT_FILE", default="")
SGID_REDIRECT_URI = env.str("SGID_REDIRECT_URI", default=_defaults.get("redirect_uri", ""))
SGID_SCOPES = env.str("SGID_SCOPES", default=_defaults["scopes"])
SGID_HTTP_TIMEOUT = env.float("SGID_HTTP_TIMEOUT", default=5.0)
# The bulkhead: at most this many threads of a process wait on sgID at once. A callback beyond
# it answers "sgID is busy, try again" at once, so a slow or hanging sgID cannot take the threads
# that serve every other page. The outbound connection pool to sgID is this size, so each of
# those threads reuses a connection (and a TLS session) instead of opening one.
SGID_MAX_CONCURRENT_CALLS = env.int(
    "SGID_MAX_CONCURRENT_CALLS", default=max(1, WEB_THREADS - max(2, WEB_THREADS // 4))
)
# Seconds sgID's signing keys are used before they are fetched again (a rotation is still
# picked up at once through the unknown-kid refetch).
SGID_JWKS_TTL = env.int("SGID_JWKS_TTL", default=3600)
# A Server-Timing header on the callback with each login step's duration (token, id_token,
# userinfo, decrypt, user): for the benchmark and for profiling; no personal data in it.
SGID_SERVER_TIMING = env.bool("SGID_SERVER_TIMING", default=False)
# The dev provider accepts exactly these callback URLs, as sgID does the registered ones.
SGID_MOCK_REDIRECT_URIS = env.list("SGID_MOCK_REDIRECT_URIS", default=[SGID_REDIRECT_URI])

# No inline script or style anywhere. form-action also covers the redirect that follows a form
# POST, and the Log in form's answer is a redirect to sgID: its origin must be allowed.
_sgid_origin = "{0.scheme}://{0.netloc}".format(urlsplit(SGID_ISSUER))
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF, _sgid_origin],
    }
}
