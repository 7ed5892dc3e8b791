"""`manage.py prune_login_events [--older-than DAYS]`: apply the login events' retention.

Also forgets the session index rows of sessions that have expired by now.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from accounts.models import LoginEvent, UserSession


class Command(BaseCommand):
    help = "Delete login events older than the retention (LOGIN_EVENT_RETENTION_DAYS)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than",
            type=int,
            default=settings.LOGIN_EVENT_RETENTION_DAYS,
            metavar="DAYS",
            help="delete events older than this many days (default: %(default)s)",
        )

    def handle(self, *args: Any, older_than: int, **options: Any) -> None:
        if older_than < 0:
            self.stderr.write("--older-than takes a number of days, 0 or more.")
            raise SystemExit(2)
        cutoff = timezone.now() - timedelta(days=older_than)
        deleted, _ = LoginEvent.objects.filter(created_at__lt=cutoff).delete()
        session_cutoff = timezone.now() - timedelta(seconds=settings.SESSION_COOKIE_AGE)
        UserSession.objects.filter(created_at__lt=session_cutoff).delete()
        self.stdout.write(f"Deleted {deleted} login events older than {older_than} days.")
