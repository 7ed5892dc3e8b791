"""Test settings: the project's settings with a fixed test environment.

Set before `sgid_rp.settings` reads the environment; a variable already set (such as
DATABASE_URL for the PostgreSQL run) wins.
"""

import os
import tempfile

# A developer's `.env` (`make run` writes one) must not reach the suite, nor what it starts.
os.environ.setdefault("ENV_FILE", os.devnull)
os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SGID_MOCK", "true")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
# The test client speaks plain http; redirecting it to https would hide every answer.
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
# Each test run makes its own dev-provider keys rather than reusing a developer's.
os.environ.setdefault("SGID_MOCK_KEY_DIR", tempfile.mkdtemp(prefix="sgid-mock-keys-"))

from sgid_rp.settings import *

# Tests render templates and serve static files without running collectstatic first.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Hashing cost is irrelevant to what the tests show.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# The site purges expired data after a response now and then; tests that count queries must not
# meet it by chance. tests/accounts/test_maintenance.py turns it on where it is the subject.
PURGE_INTERVAL = 0

# The suite drives the embedded dev sgID with DEBUG off (production's other defaults); outside
# the tests it refuses to start that way (sgid_mock/apps.py).
SGID_MOCK_WITHOUT_DEBUG = True

# Every request of the suite comes from 127.0.0.1: the limits as shipped would refuse a long test
# (a Hypothesis run makes hundreds of logins). tests/accounts/test_ratelimits.py sets its own.
RATE_LIMIT_LOGIN = "100000/m"
RATE_LIMIT_CALLBACK = "100000/m"
