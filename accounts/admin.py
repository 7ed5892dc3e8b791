"""Django admin: users (with deactivation that ends their sessions), login activity, audit trail."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDate
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import audit
from .models import LoginEvent, User
from .session_index import end_sessions

SUMMARY_DAYS = 14
# Lists are read on a laptop: a short time, in the site's zone, that does not wrap.
SHORT_TIME = "%Y-%m-%d %H:%M"
# The admin's models fit in its header's breadcrumbs; the side panel listing them again would
# take a quarter of a 1280 px screen from the lists.
admin.site.enable_nav_sidebar = False
# The admin says whose it is, in the reader's language (not "Django administration").
admin.site.site_header = _("sgID demo service: administration")
admin.site.site_title = _("sgID demo service admin")


def short_time(value: datetime | None) -> str:
    return timezone.localtime(value).strftime(SHORT_TIME) if value else "—"


# (token in the User-Agent, name shown); the first that matches wins, so the order matters:
# Edge and Opera also say Chrome, Chrome also says Safari.
_BROWSERS = (
    ("Edg", "Edge"),
    ("OPR", "Opera"),
    ("SamsungBrowser", "Samsung Internet"),
    ("FxiOS", "Firefox"),
    ("Firefox", "Firefox"),
    ("CriOS", "Chrome"),
    ("Chrome", "Chrome"),
    ("Version", "Safari"),
)
_SYSTEMS = (
    ("iPhone", "iOS"),
    ("iPad", "iPadOS"),
    ("Android", "Android"),
    ("Windows", "Windows"),
    ("CrOS", "ChromeOS"),
    ("Mac OS X", "macOS"),
    ("Linux", "Linux"),
)


def browser_summary(user_agent: str) -> str:
    """A few words for a User-Agent: "Chrome 126 on Windows", else its first 24 characters."""
    browser = next(
        (
            f"{name} {found.group(1)}"
            for token, name in _BROWSERS
            if (found := re.search(rf"\b{token}/(\d+)", user_agent))
        ),
        None,
    )
    system = next((name for token, name in _SYSTEMS if token in user_agent), None)
    if browser and system:
        return f"{browser} on {system}"
    if browser:
        return browser
    return user_agent if len(user_agent) <= 24 else f"{user_agent[:23]}…"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):  # type: ignore[type-arg]
    list_display = ("__str__", "short_sub", "joined", "last_seen", "is_active", "is_staff")
    list_filter = ("is_active", "is_staff", "date_joined")
    search_fields = ("name", "sub", "username")
    readonly_fields = ("sub", "last_login", "date_joined")
    # Django's two-box widget for groups labels an icon with ARIA its role does not allow (axe:
    # aria-prohibited-attr); the plain multiple select is accessible as it is.
    filter_horizontal = ()
    actions = ("deactivate", "reactivate")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("sgID"), {"fields": ("sub", "name")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )

    @admin.display(description=_("subject (sgID)"), ordering="sub")
    def short_sub(self, user: User) -> str:
        if not user.sub:
            return "—"
        return user.sub if len(user.sub) <= 12 else f"{user.sub[:10]}…"

    @admin.display(description=_("joined"), ordering="date_joined")
    def joined(self, user: User) -> str:
        return timezone.localdate(user.date_joined).isoformat()

    @admin.display(description=_("last login"), ordering="last_login")
    def last_seen(self, user: User) -> str:
        return short_time(user.last_login)

    @admin.action(description=_("Deactivate the selected users and end their sessions"))
    def deactivate(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        # An admin cannot lock themselves out by selecting their own row.
        users = [user for user in queryset if user.pk != request.user.pk]
        for user in users:
            user.is_active = False
        User.objects.bulk_update(users, ["is_active"])
        # One user at a time: each audit entry says how many of that user's sessions ended.
        ended_by_user = {user: end_sessions(user) for user in users}
        audit.record_deactivations(request.user, ended_by_user)
        ended = sum(ended_by_user.values())
        deactivated = ngettext(
            "%(count)d user deactivated", "%(count)d users deactivated", len(users)
        ) % {"count": len(users)}
        sessions = ngettext("%(count)d session ended", "%(count)d sessions ended", ended) % {
            "count": ended
        }
        self.message_user(request, f"{deactivated}; {sessions}.", messages.SUCCESS)

    @admin.action(description=_("Reactivate the selected users"))
    def reactivate(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        users = list(queryset)
        count = queryset.update(is_active=True)
        audit.record_reactivations(request.user, users)
        self.message_user(
            request,
            ngettext("%(count)d user reactivated.", "%(count)d users reactivated.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    # The audit trail (accounts/audit.py): Django's own entries for the add, change, password
    # and delete views, each with the request id.
    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> LogEntry:
        return super().log_addition(request, obj, audit.with_request_id(message))

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> LogEntry:
        return super().log_change(request, obj, audit.with_request_id(message))

    def log_deletions(self, request: HttpRequest, queryset: Any) -> list[LogEntry]:
        return audit.record_admin_deletions(request.user, queryset)

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> Any:
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        # The entries a person made go with their account (LogEntry.user cascades). The audit
        # list refuses deletion to a click on an entry; that is no reason to refuse this one.
        perms_needed.discard(LogEntry._meta.verbose_name)
        return deleted, counts, perms_needed, protected

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().history_view(request, object_id, extra_context)
        # The History page shows each entry's change message, which for the audit trail's own
        # events Django cannot word ("No fields changed." for a logout). These copies, never
        # saved, carry the audit list's sentence and request id as their message instead.
        for entry in getattr(response, "context_data", {}).get("action_list") or ():
            entry.change_message = audit.history_line(entry)
        return response

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        # The account that audit entries of deleted accounts name: not a person to edit, and
        # deleting it would delete those entries with it.
        return super().get_queryset(request).exclude(username=audit.ACCOUNT_HOLDER)


@admin.register(LogEntry)
class LogEntryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """The audit trail, read-only: who did what to which account, when, in which request."""

    list_display = ("when", "who", "action", "object", "request_id")
    # The row holds all there is; an entry's own page would repeat it under a title Django words
    # from the raw message ("No fields changed." for a logout).
    list_display_links = None
    list_filter = ("action_flag",)
    date_hierarchy = "action_time"
    # A request id (the reference on every page and in every log line), a name, a username.
    search_fields = ("object_repr", "user__name", "user__username")
    list_select_related = ("user", "content_type")
    fields = ("when", "who", "action", "object", "request_id")
    readonly_fields = fields

    @admin.display(description=_("time"), ordering="action_time")
    def when(self, entry: LogEntry) -> str:
        return short_time(entry.action_time)

    @admin.display(description=_("who"), ordering="user")
    def who(self, entry: LogEntry) -> str:
        return str(entry.user)

    @admin.display(description=_("action"))
    def action(self, entry: LogEntry) -> str:
        return audit.describe(entry)

    @admin.display(description=_("object"), ordering="object_repr")
    def object(self, entry: LogEntry) -> str:
        url = None if entry.is_deletion() else entry.get_admin_url()
        return (
            format_html('<a href="{}">{}</a>', url, entry.object_repr) if url else entry.object_repr
        )

    @admin.display(description=_("request id"))
    def request_id(self, entry: LogEntry) -> str:
        return audit.request_id_of(entry) or "—"

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[LogEntry], search_term: str
    ) -> tuple[QuerySet[LogEntry], bool]:
        found, duplicates = super().get_search_results(request, queryset, search_term)
        if term := search_term.strip():
            found |= queryset.filter(change_message__contains=audit.request_id_text(term))
            # Entries moved off a deleted admin's account still say who acted.
            found |= queryset.filter(change_message__contains=audit.acted_by_text(term))
        return found, duplicates

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # retention is the purge's job (accounts/maintenance.py), not a click's


@admin.register(LoginEvent)
class LoginEventAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    # The request id is the reference a citizen quotes: shown whole, and searched.
    list_display = ("when", "outcome", "user", "request_id", "client_ip", "browser")
    list_display_links = ("when",)
    list_filter = ("outcome", "created_at")
    date_hierarchy = "created_at"
    search_fields = ("request_id",)
    list_select_related = ("user",)
    change_list_template = "admin/accounts/loginevent/change_list.html"

    @admin.display(description=_("time"), ordering="created_at")
    def when(self, event: LoginEvent) -> str:
        return short_time(event.created_at)

    @admin.display(description=_("browser"), ordering="user_agent")
    def browser(self, event: LoginEvent) -> str:
        if not event.user_agent:
            return "—"
        # The full value stays one hover (and the detail page) away.
        return format_html(
            '<span title="{}">{}</span>', event.user_agent, browser_summary(event.user_agent)
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # retention is the pruning command's job, not a click's

    def get_urls(self) -> list[URLPattern]:
        summary = self.admin_site.admin_view(self.summary_view)
        return [
            path("summary/", summary, name="accounts_loginevent_summary"),
            *super().get_urls(),
        ]

    def summary_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": _("Login outcomes, last %(days)d days") % {"days": SUMMARY_DAYS},
            "opts": self.model._meta,
            **outcome_summary(timezone.localdate()),
        }
        return TemplateResponse(request, "admin/accounts/loginevent/summary.html", context)


def outcome_summary(today: date, days: int = SUMMARY_DAYS) -> dict[str, Any]:
    """Per-day counts of each outcome for the last `days` days, drawn as stacked SVG bars."""
    first = today - timedelta(days=days - 1)
    start = timezone.make_aware(datetime.combine(first, time.min))
    rows = (
        LoginEvent.objects.filter(created_at__gte=start)
        .annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
        .values("day", "outcome")
        .annotate(n=Count("id"))
    )
    counts: dict[date, dict[str, int]] = {first + timedelta(d): {} for d in range(days)}
    for row in rows:
        if row["day"] in counts:
            counts[row["day"]][row["outcome"]] = row["n"]
    outcomes = list(LoginEvent.Outcome)
    peak = max([sum(day.values()) for day in counts.values()] + [1])
    chart_height, bar_width, gap = 160, 28, 8
    bars = []
    for index, (day, by_outcome) in enumerate(counts.items()):
        y = float(chart_height)
        segments = []
        for outcome in outcomes:
            n = by_outcome.get(outcome.value, 0)
            if n:
                height = n * chart_height / peak
                y -= height
                segments.append(
                    {"outcome": outcome, "n": n, "y": round(y, 1), "height": round(height, 1)}
                )
        bars.append(
            {
                "day": day,
                "x": index * (bar_width + gap),
                "total": sum(by_outcome.values()),
                "segments": segments,
            }
        )
    totals = {
        outcome: sum(day.get(outcome.value, 0) for day in counts.values()) for outcome in outcomes
    }
    return {
        "bars": bars,
        "outcomes": outcomes,
        "totals": totals,
        "failures": sum(
            n for outcome, n in totals.items() if outcome != LoginEvent.Outcome.SUCCESS
        ),
        "chart": {
            "height": chart_height,
            "width": days * (bar_width + gap),
            "bar_width": bar_width,
            "label_y": chart_height + 16,
        },
        "rows": [
            {"day": day, "counts": [by_outcome.get(o.value, 0) for o in outcomes]}
            for day, by_outcome in counts.items()
        ],
    }
