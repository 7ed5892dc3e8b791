from __future__ import annotations

from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "operations"
    verbose_name = "Site operations"

    def ready(self) -> None:
        from . import checks

        checks.register_all()
