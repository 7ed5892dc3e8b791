"""An outage answers the designed 503 and is logged once per interval, never a traceback flood."""

from __future__ import annotations

import logging
from contextlib import contextmanager

import pytest
from django.core.cache import cache
from django.db import OperationalError
from django.test import Client

from operations.outages import REPORT_INTERVAL, Reporter, reporter
from tests.support.signin import sign_in, start_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def failing(settings):
    settings.ROOT_URLCONF = "tests.support.urlconfs.failing_views"
    reporter.reset()
    yield Client(raise_request_exception=False)
    reporter.reset()


def error_lines(caplog):
    return [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize("path", ["/fail/database", "/fail/cache"])
def test_an_outage_answers_a_page_a_person_can_act_on(failing, path):
    response = failing.get(path)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "This service is briefly unavailable" in page
    assert "Please try again in 30 seconds" in page
    assert response["X-Request-ID"] in page  # the reference to quote
    assert "Connection refused" not in page


def test_a_json_caller_gets_the_json_error_shape(failing):
    response = failing.get("/fail/database", HTTP_ACCEPT="application/json")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    body = response.json()
    assert body["error"] == "unavailable"
    assert body["request_id"] == response["X-Request-ID"]


def test_an_outage_is_one_log_line_per_interval_without_a_traceback(failing, caplog):
    with caplog.at_level(logging.INFO):
        for _ in range(25):
            failing.get("/fail/database")
    (line,) = error_lines(caplog)
    assert line.getMessage().startswith("database unavailable (OperationalError)")
    assert line.exc_info is None
    assert "Traceback" not in caplog.text
    assert "127.0.0.1" not in line.getMessage()  # the driver's text stays out of the log
    # Every request still has its own request line, with the status it got.
    statuses = [r.status for r in caplog.records if r.name == "sgid_rp.request"]
    assert statuses == [503] * 25


def test_after_the_interval_the_outage_is_reported_again_with_a_count():
    clock = [1000.0]
    reports = Reporter(clock=lambda: clock[0])
    assert reports.due("database") == (True, 0)
    assert [reports.due("database") for _ in range(3)] == [(False, 0)] * 3
    assert reports.due("cache") == (True, 0)  # each dependency on its own
    clock[0] += REPORT_INTERVAL + 1
    assert reports.due("database") == (True, 3)  # "3 more since the last report"


def test_a_database_error_that_is_a_bug_still_answers_503_and_keeps_its_traceback(failing, caplog):
    with caplog.at_level(logging.ERROR):
        response = failing.get("/fail/data")
    assert response.status_code == 503
    (line,) = error_lines(caplog)
    assert line.exc_info is not None  # a bug: the traceback is wanted


def test_any_other_error_is_the_500_page(failing):
    response = failing.get("/fail/bug")
    assert response.status_code == 500
    assert b"Something went wrong on our side" in response.content


def test_an_unreachable_redis_is_a_cache_miss_logged_once_as_a_warning(unreachable_cache, caplog):
    with caplog.at_level(logging.INFO):
        for n in range(10):
            cache.set(f"k{n}", 1, 10)
            assert cache.get(f"k{n}") is None
            assert not cache.add(f"a{n}", 1, 10)
    (line,) = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert line.levelname == "WARNING"
    assert line.getMessage().startswith("cache unavailable (ConnectionError): treated as a")
    assert line.exc_info is None


def test_a_whole_login_pages_and_logout_work_while_redis_is_down(
    client, fake_sgid, unreachable_cache
):
    done = sign_in(client, fake_sgid, next_path="/profile")
    assert (done.status_code, done["Location"]) == (302, "/profile")
    assert b"TAN AH KOW" in client.get("/profile").content
    assert client.get("/api/me").status_code == 200
    assert client.post("/auth/logout").status_code == 302
    assert client.get("/api/me").status_code == 401


def refuse_session_writes(execute, sql, params, many, context):
    """The database goes away just as the session is written at the end of the request."""
    if sql.startswith('UPDATE "django_session"'):
        raise OperationalError("server closed the connection unexpectedly")
    return execute(sql, params, many, context)


def test_a_session_the_database_could_not_save_is_the_designed_503_not_a_400(fake_sgid, caplog):
    from django.db import connection

    reporter.reset()
    browser = Client(raise_request_exception=False)
    start_login(browser)  # the session row exists; the next login start UPDATEs it
    with caplog.at_level(logging.INFO), connection.execute_wrapper(refuse_session_writes):
        answers = [browser.post("/auth/login", {"next": "/profile"}) for _ in range(3)]
    assert [a.status_code for a in answers] == [503] * 3
    assert answers[0]["Retry-After"] == "30"
    assert b"This service is briefly unavailable" in answers[0].content
    (line,) = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert line.getMessage().startswith("database unavailable (OperationalError)")
    assert line.exc_info is None
    assert "Traceback" not in caplog.text


@contextmanager
def connection_deleting_session_before_update(key: str):
    """A logout on another request deletes the row between this request's read and its save."""
    from django.contrib.sessions.models import Session
    from django.db import connection

    def wrapper(execute, sql, params, many, context):
        if sql.startswith('UPDATE "django_session"'):
            with connection.execute_wrapper(lambda *args: args[0](*args[1:])):
                Session.objects.filter(session_key=key).delete()
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield


def test_a_session_ended_by_a_racing_logout_is_still_django_s_400(fake_sgid):
    """Not an outage: the row is gone because someone signed out (Django's SessionInterrupted)."""
    browser = Client(raise_request_exception=False)
    browser.get("/auth/login")
    browser.post("/auth/login", {"next": "/profile"})  # a session with an attempt
    key = browser.session.session_key
    with connection_deleting_session_before_update(key):
        answer = browser.post("/auth/login", {"next": "/profile"})
    assert answer.status_code == 400
    assert b"briefly unavailable" not in answer.content
