"""Users of the site, identified by sgID's `sub`.

The database keeps only what the site needs to recognise a person: the pairwise `sub`, the display
name and Django's own fields (last login, active, staff). The data a person consents to share
stays in their session and leaves with it.
"""

from __future__ import annotations

import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class User(AbstractUser):
    # Null for accounts made with `createsuperuser`, which sign in with a password instead.
    sub = models.CharField(
        # "subject (sgID)": the admin capitalises a label's first letter, and "SgID" is wrong.
        _("subject (sgID)"),
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


class UserSession(models.Model):
    """Which sessions belong to whom, so that deactivating or deleting a user ends them all.

    Django's session store is not indexed by user; this row is written at login and removed at
    logout. It holds only the session's key.
    """

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="sgid_sessions"
    )
    session_key = models.CharField(_("session key"), max_length=40, unique=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("user session")
        verbose_name_plural = _("user sessions")

    def __str__(self) -> str:
        return f"session of user {self.user_id}"


class UsedState(models.Model):
    """A login attempt's `state` that a callback has taken: the database makes it single use.

    The row is written (autocommit, before the token call) by the one callback that gets the
    attempt; a second callback with the same state fails the primary key. It lives in the
    database, not the cache, so a cache that loses its keys (restart, failover, eviction) cannot
    make a state usable again. Only a hash of the state is kept; rows outlive the attempt's
    lifetime briefly and are purged (`accounts/maintenance.py`).
    """

    state_hash = models.CharField(_("state (hashed)"), max_length=64, primary_key=True)
    used_at = models.DateTimeField(_("used at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("used login state")
        verbose_name_plural = _("used login states")

    def __str__(self) -> str:
        used_at = timezone.localtime(self.used_at)
        return f"state {self.state_hash[:12]}… used at {used_at:%Y-%m-%d %H:%M}"


class LoginEvent(models.Model):
    """One callback outcome: enough to help a citizen who calls support, and no consented data."""

    class Outcome(models.TextChoices):
        SUCCESS = "success", pgettext_lazy("login outcome", "Signed in")
        CANCELLED = "cancelled", _("Cancelled at sgID")
        EXPIRED = "expired", _("Expired or already used")
        UNAVAILABLE = "unavailable", _("sgID unavailable")
        UNTRUSTED = "untrusted", _("Answer failed checks")
        DISABLED = "disabled", _("Account deactivated")
        CONFIGURATION = "configuration", _("Site misconfigured")

    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    user = models.ForeignKey(
        User,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="login_events",
    )
    request_id = models.CharField(_("request id"), max_length=64, db_index=True)
    # The network, not the address: /24 for IPv4, /48 for IPv6.
    client_ip = models.CharField(_("client network"), max_length=64, blank=True)
    user_agent = models.CharField(_("browser"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("login event")
        verbose_name_plural = _("login events")
        ordering = ("-created_at",)

    def __str__(self) -> str:
        # In the site's time zone, as the admin's lists show it (the column holds UTC).
        return f"{timezone.localtime(self.created_at):%Y-%m-%d %H:%M} {self.get_outcome_display()}"
