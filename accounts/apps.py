from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from . import bulkhead, checks, maintenance, provider, signals

        checks.register_all()
        maintenance.connect()
        provider.connect_signals()
        bulkhead.connect_signals()
        signals.connect()
