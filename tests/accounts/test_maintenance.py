"""The site purges what has expired by itself: no cron line for an operator to forget."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from accounts.maintenance import LOCK_KEY, USED_STATE_LIFETIME, schedule
from accounts.models import LoginEvent, UsedState, User, UserSession

pytestmark = pytest.mark.django_db


def expired_session(user=None) -> str:
    session = SessionStore()
    session["consented"] = "S1234567D"
    session.set_expiry(-60)  # ended a minute ago
    session.create()
    if user is not None:
        UserSession.objects.create(user=user, session_key=session.session_key)
    return session.session_key


def live_session() -> str:
    session = SessionStore()
    session.create()
    return session.session_key


@pytest.fixture
def purging(settings):
    settings.PURGE_INTERVAL = 300
    schedule.reset()  # this process has not purged yet
    return settings


def test_a_request_purges_expired_sessions_their_index_used_states_and_old_events(purging, client):
    user = User.objects.create(username="u", sub="s")
    gone, kept = expired_session(user), live_session()
    UsedState.objects.create(state_hash="a" * 64)
    old_state = UsedState.objects.create(state_hash="b" * 64)
    UsedState.objects.filter(pk=old_state.pk).update(
        used_at=timezone.now() - USED_STATE_LIFETIME - timedelta(seconds=1)
    )
    recent = LoginEvent.objects.create(outcome="success", request_id="recent")
    old = LoginEvent.objects.create(outcome="success", request_id="old")
    LoginEvent.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=purging.LOGIN_EVENT_RETENTION_DAYS + 1)
    )

    assert client.get("/livez").status_code == 200  # any request; the purge follows it

    assert set(Session.objects.values_list("session_key", flat=True)) == {kept}
    assert not UserSession.objects.filter(session_key=gone).exists()
    assert list(UsedState.objects.values_list("state_hash", flat=True)) == ["a" * 64]
    assert list(LoginEvent.objects.values_list("pk", flat=True)) == [recent.pk]


def test_it_purges_at_most_once_per_interval(purging, client):
    first = expired_session()
    client.get("/livez")
    assert not Session.objects.filter(session_key=first).exists()
    later = expired_session()
    client.get("/livez")
    assert Session.objects.filter(session_key=later).exists()


def test_with_the_interval_at_zero_the_site_leaves_it_to_the_command(settings, client):
    settings.PURGE_INTERVAL = 0
    schedule.reset()
    key = expired_session()
    client.get("/livez")
    assert Session.objects.filter(session_key=key).exists()
    call_command("purge_expired")
    assert not Session.objects.filter(session_key=key).exists()


def test_an_abandoned_login_leaves_nothing_once_its_attempt_has_expired(purging, fake_sgid):
    from tests.support.signin import start_login

    visitor = Client()
    start_login(visitor)
    key = visitor.session.session_key
    ends = Session.objects.get(session_key=key).expire_date
    assert ends <= timezone.now() + timedelta(minutes=10)  # it ends with the attempt
    Session.objects.filter(session_key=key).update(expire_date=timezone.now())
    # Ten minutes later, the next purge is due, here and across servers.
    schedule.reset()
    cache.delete(LOCK_KEY)
    Client().get("/livez")
    assert not Session.objects.filter(session_key=key).exists()


def test_a_purge_the_database_refuses_is_one_log_line_and_no_error(purging, client, caplog):
    from django.db import OperationalError, connection

    from operations.outages import reporter

    def refuse_deletes(execute, sql, params, many, context):
        if sql.startswith("DELETE"):
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    reporter.reset()
    with caplog.at_level(logging.INFO), connection.execute_wrapper(refuse_deletes):
        response = client.get("/livez")  # the test client closes the response: the purge runs
    assert response.status_code == 200
    (line,) = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert line.getMessage().startswith("database unavailable (OperationalError): purge")


def test_a_request_purges_audit_entries_past_the_retention_too(purging, client, admin_user):
    from django.contrib.admin.models import CHANGE, LogEntry

    old, recent = (
        LogEntry.objects.create(user=admin_user, action_flag=CHANGE, object_repr=name)
        for name in ("old", "recent")
    )
    LogEntry.objects.filter(pk=old.pk).update(
        action_time=timezone.now() - timedelta(days=purging.LOGIN_EVENT_RETENTION_DAYS + 1)
    )
    client.get("/livez")
    assert list(LogEntry.objects.values_list("pk", flat=True)) == [recent.pk]
