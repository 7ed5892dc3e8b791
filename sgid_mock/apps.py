"""App configuration of the embedded dev sgID provider: makes sure its keys exist at start."""

from __future__ import annotations

from django.apps import AppConfig

from sgid_mock import keys


class SgidMockConfig(AppConfig):
    name = "sgid_mock"
    verbose_name = "sgID development provider"

    def ready(self) -> None:
        keys.ensure_keys(keys.key_dir())
