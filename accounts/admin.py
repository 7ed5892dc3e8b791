"""Django admin: users (with deactivation that ends their sessions) and login activity."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDate
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .activity import end_sessions
from .models import LoginEvent, User

SUMMARY_DAYS = 14


@admin.register(User)
class UserAdmin(DjangoUserAdmin):  # type: ignore[type-arg]
    list_display = ("__str__", "short_sub", "date_joined", "last_login", "is_active", "is_staff")
    list_filter = ("is_active", "is_staff", "date_joined")
    search_fields = ("name", "sub", "username")
    readonly_fields = ("sub", "last_login", "date_joined")
    actions = ("deactivate", "reactivate")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("sgID"), {"fields": ("sub", "name")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )

    @admin.display(description=_("sgID subject"), ordering="sub")
    def short_sub(self, user: User) -> str:
        if not user.sub:
            return "—"
        return user.sub if len(user.sub) <= 12 else f"{user.sub[:10]}…"

    @admin.action(description=_("Deactivate the selected users and end their sessions"))
    def deactivate(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        # An admin cannot lock themselves out by selecting their own row.
        users = [user for user in queryset if user.pk != request.user.pk]
        for user in users:
            user.is_active = False
        User.objects.bulk_update(users, ["is_active"])
        ended = end_sessions(users)
        deactivated = ngettext(
            "%(count)d user deactivated", "%(count)d users deactivated", len(users)
        ) % {"count": len(users)}
        sessions = ngettext("%(count)d session ended", "%(count)d sessions ended", ended) % {
            "count": ended
        }
        self.message_user(request, f"{deactivated}; {sessions}.", messages.SUCCESS)

    @admin.action(description=_("Reactivate the selected users"))
    def reactivate(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        count = queryset.update(is_active=True)
        self.message_user(
            request,
            ngettext("%(count)d user reactivated.", "%(count)d users reactivated.", count)
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(LoginEvent)
class LoginEventAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("created_at", "outcome", "user", "request_id", "client_ip", "user_agent")
    list_filter = ("outcome", "created_at")
    date_hierarchy = "created_at"
    search_fields = ("request_id",)
    list_select_related = ("user",)
    change_list_template = "admin/accounts/loginevent/change_list.html"

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
