from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    name = "operations"
    verbose_name = _("Site operations")

    def ready(self) -> None:
        from . import checks, languages

        checks.register_all()
        languages.connect_signals()
