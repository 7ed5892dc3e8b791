"""Login events for every outcome, and a citizen deleting their own account."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from accounts.models import LoginEvent, User, UserSession
from tests.support import material as m
from tests.support import signin

pytestmark = pytest.mark.django_db


def callback(browser, fake_sgid, **answer):
    return signin.sign_in(
        browser,
        fake_sgid,
        environ={"REMOTE_ADDR": "203.0.113.57", "HTTP_USER_AGENT": "Mozilla/5.0 " + "x" * 300},
        **answer,
    )


def test_a_success_is_recorded_with_who_and_where_but_no_consented_data(client, fake_sgid):
    response = callback(client, fake_sgid)
    event = LoginEvent.objects.get()
    assert event.outcome == "success"
    assert event.user == User.objects.get(sub=m.SUB)
    assert event.request_id == response["X-Request-ID"]
    assert event.client_ip == "203.0.113.0"
    assert len(event.user_agent) == 120
    assert event.user_agent.startswith("Mozilla/5.0")
    stored = " ".join(str(value) for value in vars(event).values())
    assert "TAN AH KOW" not in stored
    assert "code-1" not in stored


@pytest.mark.parametrize(
    ("answer", "outcome"),
    [
        ({"claims": {"aud": "another"}}, "untrusted"),
        ({"userinfo": m.userinfo({"myinfo.name": "X"}, sub="someone-else")}, "untrusted"),
    ],
)
def test_a_failure_is_recorded_with_its_category(client, fake_sgid, answer, outcome):
    callback(client, fake_sgid, **answer)
    event = LoginEvent.objects.get()
    assert (event.outcome, event.user) == (outcome, None)


def test_failures_of_live_attempts_are_recorded_and_a_stray_callback_is_not(client, fake_sgid):
    signin.callback(client, signin.start_login(client), error="access_denied")
    client.get("/auth/callback", {"state": "never-issued"})  # anyone can send this
    signin.callback(client, signin.start_login(client), code="c")  # token endpoint 500
    assert sorted(LoginEvent.objects.values_list("outcome", flat=True)) == [
        "cancelled",
        "unavailable",
    ]


def test_a_deactivated_users_attempt_is_recorded_against_them(client, fake_sgid):
    user = User.objects.create(sub=m.SUB, username="u", is_active=False)
    callback(client, fake_sgid)
    event = LoginEvent.objects.get()
    assert (event.outcome, event.user) == ("disabled", user)


def test_deleting_my_account_asks_first(client, fake_sgid):
    callback(client, fake_sgid)
    page = client.get("/account/delete")
    assert page.status_code == 200
    assert b"Delete your account?" in page.content
    assert User.objects.exists()
    assert b'href="/account/delete"' in client.get("/profile").content


def test_deleting_my_account_removes_me_and_ends_every_session(client, fake_sgid):
    other_device, bystander = Client(), Client()
    callback(client, fake_sgid)
    callback(other_device, fake_sgid)
    callback(bystander, fake_sgid, sub="sub-bystander-aaaaaaaaaa")
    mine = [client.session.session_key, other_device.session.session_key]
    assert Session.objects.filter(session_key__in=mine).count() == 2
    assert UserSession.objects.filter(session_key__in=mine).count() == 2
    response = client.post("/account/delete", follow=True)
    assert b"Your account and what this site kept about you are deleted." in response.content
    assert not User.objects.filter(sub=m.SUB).exists()
    # Ended, not merely refused for want of a user: the sessions, and the consented data in
    # them, are gone from the table, and so is their index.
    assert not Session.objects.filter(session_key__in=mine).exists()
    assert not UserSession.objects.filter(session_key__in=mine).exists()
    assert client.get("/api/me").status_code == 401
    assert other_device.get("/api/me").status_code == 401
    assert bystander.get("/api/me").status_code == 200
    # Past sign-ins stay for support, pointing at no one.
    assert LoginEvent.objects.filter(user=None).count() == 2
    assert LoginEvent.objects.filter(user__isnull=False).count() == 1  # the bystander's


def test_deleting_an_account_needs_a_post_with_its_csrf_token(client, fake_sgid):
    callback(client, fake_sgid)
    browser = Client(enforce_csrf_checks=True)
    browser.cookies = client.cookies  # the signed-in browser, now held to CSRF rules
    assert browser.post("/account/delete").status_code == 403
    assert User.objects.exists()


def test_the_home_page_says_what_is_kept_and_for_how_long(client, settings):
    settings.LOGIN_EVENT_RETENTION_DAYS = 90
    page = client.get("/").content.decode()
    assert "kept for 90 days" in page
    assert "after 60 minutes" in page


def test_a_failure_to_record_the_event_does_not_fail_the_login(client, fake_sgid, monkeypatch):
    from django.db import DatabaseError

    def broken(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(LoginEvent.objects, "create", broken)
    response = callback(client, fake_sgid)
    assert response.status_code == 302
    assert client.get("/api/me").status_code == 200


def test_a_failed_event_insert_does_not_spoil_the_surrounding_transaction(rf):
    """On PostgreSQL an over-long outcome fails the INSERT itself; the savepoint keeps the
    login's transaction usable (SQLite does not enforce lengths, so there it simply succeeds)."""
    from django.db import transaction

    from accounts.events import record_login

    with transaction.atomic():
        record_login(rf.get("/auth/callback"), "x" * 40)
        user = User.objects.create(sub="after-the-failure", username="after")
    assert User.objects.filter(pk=user.pk).exists()
