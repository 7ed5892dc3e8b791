"""App configuration of the embedded dev sgID provider: makes sure its keys exist at start.

It signs anyone in as a fictional persona, so it refuses to start with DEBUG off: a system check
alone would not stop gunicorn, which runs none.
"""

from __future__ import annotations

from django.apps import AppConfig
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from sgid_mock import keys


class SgidMockConfig(AppConfig):
    name = "sgid_mock"
    verbose_name = _("sgID development provider")

    def ready(self) -> None:
        # The test suite runs with DEBUG off on purpose and sets this in its settings module;
        # no environment variable reaches it.
        if not settings.DEBUG and not getattr(settings, "SGID_MOCK_WITHOUT_DEBUG", False):
            raise ImproperlyConfigured(
                "SGID_MOCK=true serves the embedded dev sgID, which signs anyone in as a "
                "fictional persona: it runs only with DEBUG=true. Unset SGID_MOCK in production."
            )
        keys.ensure_keys(keys.key_dir())
