"""`manage.py purge_expired`: what the site purges by itself every PURGE_INTERVAL, on demand.

Expired sessions, their index rows, used login states, and login events and audit trail entries
older than LOGIN_EVENT_RETENTION_DAYS (or --events-older-than DAYS). For operators who prefer a
schedule of their own (cron, a systemd timer, a Kubernetes CronJob) to the site's own purge.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from accounts.maintenance import purge


class Command(BaseCommand):
    help = "Delete expired sessions, used login states, old login events and audit entries."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--events-older-than",
            type=int,
            default=settings.LOGIN_EVENT_RETENTION_DAYS,
            metavar="DAYS",
            help="delete login events and audit entries older than this many days "
            "(default: %(default)s)",
        )

    def handle(self, *args: Any, events_older_than: int, **options: Any) -> None:
        if events_older_than < 0:
            self.stderr.write("--events-older-than takes a number of days, 0 or more.")
            raise SystemExit(2)
        purged = purge(event_days=events_older_than)
        self.stdout.write(
            f"Deleted {purged.sessions} expired sessions, {purged.session_index} session index "
            f"rows, {purged.used_states} used login states, {purged.audit_entries} audit trail "
            f"entries and {purged.login_events} login events older than {events_older_than} days."
        )
