"""The session store (sgid_rp/sessions.py): fewer writes per login, Django's guarantees kept."""

from __future__ import annotations

import re

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from sgid_rp.sessions import SessionStore
from tests import material as m
from tests.conftest import start_login, state_of

pytestmark = pytest.mark.django_db


def session_statements(queries: list[dict[str, str]]) -> list[str]:
    """The verbs of the statements on the session table, in order."""
    table = Session._meta.db_table
    return [
        q["sql"].split()[0].upper()
        for q in queries
        if re.search(rf'\b"?{table}"?\b', q["sql"]) and not q["sql"].startswith("SAVEPOINT")
    ]


def sign_in(client: Client, fake_sgid, **answer):
    url = start_login(client)
    fake_sgid.answer(fake_sgid.nonce_of(url), **answer)
    return client.get("/auth/callback", {"code": "c", "state": state_of(url)})


def test_starting_a_login_writes_the_new_session_once_without_looking_it_up_first(
    client, fake_sgid
):
    with CaptureQueriesContext(connection) as queries:
        start_login(client)
    assert session_statements(queries.captured_queries) == ["INSERT"]
    key = client.cookies["sessionid"].value
    assert Session.objects.filter(session_key=key).exists()


def test_a_login_inserts_the_new_session_once_and_deletes_the_old_one(client, fake_sgid):
    url = start_login(client)
    old_key = client.cookies["sessionid"].value
    fake_sgid.answer(fake_sgid.nonce_of(url))
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/auth/callback", {"code": "c", "state": state_of(url)})
    assert response.status_code == 302
    # Django's own store: SELECT (is the new key free?), INSERT, SELECT + DELETE (old), UPDATE.
    assert session_statements(queries.captured_queries) == ["DELETE", "INSERT"]
    new_key = client.cookies["sessionid"].value
    assert new_key != old_key
    assert not Session.objects.filter(session_key=old_key).exists()
    stored = SessionStore(new_key).load()
    assert stored["_auth_user_id"] == str(User.objects.get(sub=m.SUB).pk)
    assert client.get("/api/me").status_code == 200


def test_a_session_key_planted_before_login_is_worth_nothing_after_it(client, fake_sgid):
    attacker = Client()
    start_login(attacker)  # the attacker gets a session key of their own…
    planted = attacker.cookies["sessionid"].value
    client.cookies["sessionid"] = planted  # …and plants it in the victim's browser
    sign_in(client, fake_sgid)
    assert client.get("/api/me").status_code == 200
    assert client.cookies["sessionid"].value != planted
    assert attacker.get("/api/me").status_code == 401
    assert not Session.objects.filter(session_key=planted).exists()


def test_the_session_a_login_files_under_the_user_is_the_one_the_browser_holds(client, fake_sgid):
    sign_in(client, fake_sgid)
    user = User.objects.get(sub=m.SUB)
    assert list(user.sgid_sessions.values_list("session_key", flat=True)) == [
        client.cookies["sessionid"].value
    ]


def test_a_new_session_is_cached_as_written(client, fake_sgid):
    sign_in(client, fake_sgid)
    key = client.cookies["sessionid"].value
    cached = cache.get(SessionStore.cache_key_prefix + key)
    assert cached["_auth_user_id"] == str(User.objects.get(sub=m.SUB).pk)


def test_a_login_never_takes_over_a_session_whose_key_it_happens_to_draw(
    client, fake_sgid, monkeypatch
):
    other = SessionStore()
    other["who"] = "someone else"
    other.save()
    url = start_login(client)
    drawn = iter([other.session_key])
    original = SessionStore._get_new_session_key

    def colliding_once(self):
        return next(drawn, None) or original(self)

    monkeypatch.setattr(SessionStore, "_get_new_session_key", colliding_once)
    fake_sgid.answer(fake_sgid.nonce_of(url))
    response = client.get("/auth/callback", {"code": "c", "state": state_of(url)})
    assert response.status_code == 302
    key = client.cookies["sessionid"].value
    assert key != other.session_key
    assert client.get("/api/me").status_code == 200
    assert SessionStore(other.session_key).load() == {"who": "someone else"}


def test_creating_a_session_draws_again_on_a_key_in_use(monkeypatch):
    other = SessionStore()
    other["who"] = "someone else"
    other.save()
    drawn = iter([other.session_key, "k" * 32])
    monkeypatch.setattr(SessionStore, "_get_new_session_key", lambda self: next(drawn))
    mine = SessionStore()
    mine["who"] = "me"
    mine.save()
    assert mine.session_key == "k" * 32
    assert SessionStore(other.session_key).load() == {"who": "someone else"}
    assert SessionStore("k" * 32).load() == {"who": "me"}


def test_saving_a_session_that_is_gone_is_an_update_error_as_in_django():
    from django.contrib.sessions.backends.base import UpdateError

    store = SessionStore()
    store["x"] = 1
    store.save()
    Session.objects.all().delete()
    store["x"] = 2
    with pytest.raises(UpdateError):
        store.save()


def test_a_returning_person_is_written_once_with_name_and_last_login(client, fake_sgid):
    before = timezone.now()
    User.objects.create(sub=m.SUB, username=User.username_for_sub(m.SUB), name="OLD NAME")
    table = User._meta.db_table
    with CaptureQueriesContext(connection) as queries:
        sign_in(client, fake_sgid)
    updates = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    user_updates = [sql for sql in updates if f'"{table}"' in sql]
    assert len(user_updates) == 1
    user = User.objects.get(sub=m.SUB)
    assert user.name == "TAN AH KOW"
    assert user.last_login is not None
    assert user.last_login >= before


def test_a_first_login_sets_last_login_in_the_insert(client, fake_sgid):
    table = User._meta.db_table
    with CaptureQueriesContext(connection) as queries:
        sign_in(client, fake_sgid)
    assert not [q for q in queries.captured_queries if q["sql"].startswith(f'UPDATE "{table}"')]
    assert User.objects.get(sub=m.SUB).last_login is not None


def test_a_password_login_to_the_admin_still_records_last_login(client):
    User.objects.create_superuser(username="admin", password="correct horse battery")
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "admin", "password": "correct horse battery"},
    )
    assert response.status_code == 302
    assert User.objects.get(username="admin").last_login is not None
