"""Users of the site, identified by sgID's `sub`.

The database keeps only what the site needs to recognise a person: the pairwise `sub`, the display
name and Django's own fields (last login, active, staff). The data a person consents to share
stays in their session and leaves with it.
"""

from __future__ import annotations

import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    # Null for accounts made with `createsuperuser`, which sign in with a password instead.
    sub = models.CharField(
        _("sgID subject"),
        max_length=255,
        unique=True,
        null=True,
        blank=True,
        editable=False,
        help_text=_("sgID's identifier for this person at this site (pairwise, opaque)."),
    )
    name = models.CharField(_("name"), max_length=255, blank=True)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    def __str__(self) -> str:
        return self.name or self.username

    def get_full_name(self) -> str:
        return self.name or super().get_full_name()

    def get_short_name(self) -> str:
        return self.name or super().get_short_name()

    @staticmethod
    def username_for_sub(sub: str) -> str:
        """A stable username for an sgID user; `sub` itself may exceed the column."""
        return "sgid-" + hashlib.sha256(sub.encode()).hexdigest()[:24]
