from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from . import bulkhead, checks, maintenance, provider, signals

        checks.register_all()
        maintenance.connect()
        provider.connect_signals()
        bulkhead.connect_signals()
        signals.connect()
