"""What an admin does: find users, deactivate them (ending their sessions), read login activity."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from accounts.admin import outcome_summary
from accounts.models import LoginEvent, User, UserSession
from tests.support import material as m
from tests.support import signin

pytestmark = pytest.mark.django_db


def sign_in(browser, fake_sgid, sub=m.SUB, name="TAN AH KOW"):
    fake_sgid.identity_data = {"myinfo.name": name}
    response = signin.sign_in(browser, fake_sgid, sub=sub)
    assert response.status_code == 302
    return User.objects.get(sub=sub)


def test_user_list_shows_searches_and_filters(admin_client, fake_sgid):
    sign_in(Client(), fake_sgid, sub="sub-aaaaaaaaaaaaaaaaaaaa", name="LIM AH SENG")
    User.objects.create(sub="sub-bbbbbbbbbbbbbbbbbb", username="b", name="ONG MEI", is_active=False)
    page = admin_client.get("/admin/accounts/user/").content.decode()
    assert "LIM AH SENG" in page
    assert "sub-aaaaaa…" in page
    assert "sub-aaaaaaaaaaaaaaaaaaaa" not in page  # shortened
    inactive = admin_client.get("/admin/accounts/user/", {"is_active__exact": "0"}).content.decode()
    assert "ONG MEI" in inactive
    assert "LIM AH SENG" not in inactive
    found = admin_client.get("/admin/accounts/user/", {"q": "sub-aaaa"}).content.decode()
    assert "LIM AH SENG" in found
    assert "ONG MEI" not in found


def test_deactivating_a_user_ends_their_open_sessions(admin_client, fake_sgid):
    citizen_browser, other_tab = Client(), Client()
    user = sign_in(citizen_browser, fake_sgid)
    sign_in(other_tab, fake_sgid)
    sessions_before = Session.objects.count()
    response = admin_client.post(
        "/admin/accounts/user/",
        {"action": "deactivate", "_selected_action": [user.pk]},
        follow=True,
    )
    assert "1 user deactivated; 2 sessions ended." in response.content.decode()
    assert citizen_browser.get("/api/me").status_code == 401
    assert other_tab.get("/api/me").status_code == 401
    assert Session.objects.count() == sessions_before - 2
    user.refresh_from_db()
    assert not user.is_active
    blocked = signin.sign_in(citizen_browser, fake_sgid)
    assert blocked["Location"] == "/auth/failed"
    assert citizen_browser.get(blocked["Location"]).status_code == 403


def test_deactivating_from_the_change_form_also_ends_sessions(admin_client, fake_sgid):
    browser, other_tab, bystander = Client(), Client(), Client()
    user = sign_in(browser, fake_sgid)
    sign_in(other_tab, fake_sgid)
    sign_in(bystander, fake_sgid, sub="sub-bystander-aaaaaaaaaa", name="LIM AH SENG")
    theirs = [browser.session.session_key, other_tab.session.session_key]
    assert Session.objects.filter(session_key__in=theirs).count() == 2
    assert UserSession.objects.filter(user=user).count() == 2
    form = admin_client.get(f"/admin/accounts/user/{user.pk}/change/").context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "password"}
    data.update(is_active="", date_joined_0="2026-01-01", date_joined_1="00:00:00")
    data["groups"] = []
    admin_client.post(f"/admin/accounts/user/{user.pk}/change/", data)
    user.refresh_from_db()
    assert not user.is_active
    # Ended, not merely refused while the account is inactive: the rows are gone.
    assert not Session.objects.filter(session_key__in=theirs).exists()
    assert not UserSession.objects.filter(user=user).exists()
    assert browser.get("/api/me").status_code == 401
    # Reactivated, they sign in afresh: neither old cookie is signed in again.
    admin_client.post(
        "/admin/accounts/user/", {"action": "reactivate", "_selected_action": [user.pk]}
    )
    user.refresh_from_db()
    assert user.is_active
    assert browser.get("/api/me").status_code == 401
    assert other_tab.get("/api/me").status_code == 401
    assert bystander.get("/api/me").status_code == 200
    assert admin_client.get("/admin/").status_code == 200


def test_reactivating_lets_them_sign_in_again(admin_client, fake_sgid):
    user = User.objects.create(sub=m.SUB, username="u", is_active=False)
    admin_client.post(
        "/admin/accounts/user/", {"action": "reactivate", "_selected_action": [user.pk]}
    )
    assert signin.sign_in(Client(), fake_sgid).status_code == 302


def test_an_admin_cannot_deactivate_themselves(admin_client, admin_user):
    admin_client.post(
        "/admin/accounts/user/", {"action": "deactivate", "_selected_action": [admin_user.pk]}
    )
    admin_user.refresh_from_db()
    assert admin_user.is_active


def test_createsuperuser_with_a_password_reaches_admin(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-admin-passphrase")
    call_command(
        "createsuperuser", interactive=False, username="root-admin", email="a@example.gov.sg"
    )
    browser = Client()
    assert browser.login(username="root-admin", password="a-long-admin-passphrase")
    assert browser.get("/admin/").status_code == 200


def test_a_staff_sgid_user_reaches_admin_without_a_password(fake_sgid):
    User.objects.create(sub=m.SUB, username=User.username_for_sub(m.SUB), is_staff=True)
    browser = Client()
    sign_in(browser, fake_sgid)
    assert browser.get("/admin/").status_code == 200


def test_a_non_staff_sgid_user_does_not_reach_admin(fake_sgid):
    browser = Client()
    sign_in(browser, fake_sgid)
    response = browser.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_the_admin_login_page_offers_sgid(client):
    page = client.get("/admin/login/", {"next": "/admin/"}).content.decode()
    assert 'action="/auth/login"' in page
    assert 'name="next" value="/admin/"' in page


def test_login_events_are_read_only_searchable_and_filterable(admin_client, fake_sgid):
    browser = Client()
    sign_in(browser, fake_sgid)
    failed = signin.callback(browser, signin.start_login(browser), error="access_denied")
    request_id = failed["X-Request-ID"]
    found = admin_client.get("/admin/accounts/loginevent/", {"q": request_id}).content.decode()
    assert request_id in found
    assert found.count('class="field-when') == 1
    cancelled = admin_client.get("/admin/accounts/loginevent/", {"outcome__exact": "cancelled"})
    assert cancelled.context["cl"].result_count == 1
    event = LoginEvent.objects.get(request_id=request_id)
    assert admin_client.get(f"/admin/accounts/loginevent/{event.pk}/change/").status_code == 200
    assert admin_client.get("/admin/accounts/loginevent/add/").status_code == 403
    assert admin_client.post(f"/admin/accounts/loginevent/{event.pk}/delete/").status_code == 403


def _event(outcome, days_ago, now):
    event = LoginEvent.objects.create(outcome=outcome, request_id=f"r-{outcome}-{days_ago}")
    LoginEvent.objects.filter(pk=event.pk).update(created_at=now - timedelta(days=days_ago))


def test_the_summary_counts_match_the_events(admin_client):
    now = timezone.now()
    for outcome, days_ago, times in [
        ("success", 0, 5),
        ("untrusted", 0, 2),
        ("success", 3, 1),
        ("unavailable", 13, 4),
        ("success", 20, 9),  # outside the 14 days
    ]:
        for _ in range(times):
            _event(outcome, days_ago, now)
    summary = outcome_summary(timezone.localdate(now))
    totals = {outcome.value: n for outcome, n in summary["totals"].items()}
    assert totals["success"] == 6
    assert totals["untrusted"] == 2
    assert totals["unavailable"] == 4
    assert summary["failures"] == 6
    assert len(summary["bars"]) == 14
    assert summary["bars"][-1]["total"] == 7
    assert summary["bars"][0]["total"] == 4
    page = admin_client.get("/admin/accounts/loginevent/summary/").content.decode()
    assert "<svg" in page
    assert "6 failed logins in this period." in page
    assert re.search(r">Signed in</a></th><td>6</td>", page)
    assert re.search(r">sgID unavailable</a></th><td>4</td>", page)
    assert ' style="' not in page.split("<svg", 1)[1].split("</svg>", 1)[0]  # CSP: no inline style


def test_the_summary_needs_admin_rights(client, fake_sgid):
    browser = Client()
    sign_in(browser, fake_sgid)
    assert browser.get("/admin/accounts/loginevent/summary/").status_code == 302


def test_pruning_deletes_only_events_older_than_asked(capsys):
    now = timezone.now()
    _event("success", 100, now)
    _event("expired", 91, now)
    _event("success", 10, now)
    call_command("purge_expired", "--events-older-than", "90")
    assert list(LoginEvent.objects.values_list("request_id", flat=True)) == ["r-success-10"]
    assert "2 login events older than 90 days." in capsys.readouterr().out


def test_pruning_defaults_to_the_retention_setting(settings):
    settings.LOGIN_EVENT_RETENTION_DAYS = 5
    now = timezone.now()
    _event("success", 6, now)
    _event("success", 4, now)
    call_command("purge_expired")
    assert LoginEvent.objects.count() == 1


# --- Readable at 1280 px, and one time zone ---------------------------------------------

CHROME_ON_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36"
)


def test_a_login_event_reads_the_same_time_in_the_list_and_on_its_page(admin_client):
    event = LoginEvent.objects.create(outcome="cancelled", request_id="req-tz-000001")
    # 23:30 UTC is 07:30 the next day in Singapore.
    LoginEvent.objects.filter(pk=event.pk).update(
        created_at=datetime(2026, 3, 1, 23, 30, tzinfo=UTC)
    )
    event.refresh_from_db()
    assert str(event) == "2026-03-02 07:30 Cancelled at sgID"
    listing = admin_client.get("/admin/accounts/loginevent/").content.decode()
    assert "2026-03-02 07:30" in listing
    detail = admin_client.get(f"/admin/accounts/loginevent/{event.pk}/change/").content.decode()
    assert "<title>2026-03-02 07:30 Cancelled at sgID" in detail


def test_the_login_event_list_shows_the_reference_and_a_short_browser(admin_client):
    LoginEvent.objects.create(
        outcome="untrusted", request_id="0123456789abcdef", user_agent=CHROME_ON_WINDOWS
    )
    page = admin_client.get("/admin/accounts/loginevent/").content.decode()
    headings = re.findall(r'<th scope="col"\s+class="[^"]*column-(\w+)', page)
    assert headings == ["when", "outcome", "user", "request_id", "client_ip", "browser"]
    assert '<td class="field-request_id">0123456789abcdef</td>' in page
    assert f'<span title="{CHROME_ON_WINDOWS}">Chrome 126 on Windows</span>' in page
    assert "/static/css/admin.css" in page


@pytest.mark.parametrize(
    ("user_agent", "summary"),
    [
        (CHROME_ON_WINDOWS, "Chrome 126 on Windows"),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
            "Safari 17 on iOS",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/126.0.0.0 Safari/537.36 Edg/126.0.2592.68",
            "Edge 126 on Windows",
        ),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:127.0) Gecko/20100101 Firefox/127.0",
            "Firefox 127 on macOS",
        ),
        ("curl/8.5.0", "curl/8.5.0"),
        ("x" * 120, "x" * 23 + "…"),
    ],
    ids=["chrome", "safari-ios", "edge", "firefox-mac", "curl", "long-unknown"],
)
def test_a_user_agent_is_summarised_in_a_few_words(user_agent, summary):
    from accounts.admin import browser_summary

    assert browser_summary(user_agent) == summary


def test_the_user_list_has_short_dates_and_every_heading(admin_client):
    User.objects.create(sub="sub-aaaaaaaaaaaaaaaaaaaa", username="a", name="LIM AH SENG")
    page = admin_client.get("/admin/accounts/user/").content.decode()
    headings = re.findall(r'<th scope="col"\s+class="[^"]*column-(\w+)', page)
    assert headings == ["__str__", "short_sub", "joined", "last_seen", "is_active", "is_staff"]
    assert timezone.localdate().isoformat() in page
    assert "Subject (sgID)" in page
    assert "SgID" not in page
    # The admin's side panel (its models, listed again) is off: the lists get the width.
    assert 'id="nav-sidebar"' not in page


def test_the_subject_field_label_capitalises_well(admin_client):
    user = User.objects.create(sub="sub-aaaaaaaaaaaaaaaaaaaa", username="a", name="LIM AH SENG")
    page = admin_client.get(f"/admin/accounts/user/{user.pk}/change/").content.decode()
    assert "Subject (sgID)" in page
    assert "SgID" not in page


def test_the_admin_login_offers_the_sgid_button(client):
    page = client.get("/admin/login/").content.decode()
    assert '<button type="submit" class="button-sgid">Log in with sgID</button>' in page
    assert "css/admin.css" in page


def test_the_summary_scrolls_its_chart_and_table_on_a_phone(admin_client):
    page = admin_client.get("/admin/accounts/loginevent/summary/").content.decode()
    regions = re.findall(r'<div class="summary-scroll[^"]*" tabindex="0" role="region"', page)
    assert len(regions) == 2


def test_favicon_ico_leads_to_the_site_icon(client):
    answer = client.get("/favicon.ico")
    assert answer.status_code == 302
    assert answer["Location"] == "/static/favicon.svg"
    assert client.get(answer["Location"]).status_code == 200
