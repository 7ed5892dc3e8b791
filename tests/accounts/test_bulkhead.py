"""The bulkhead: a callback beyond the process's sgID slots answers "try again" at once, and every
path through a login gives its slot back."""

from __future__ import annotations

import logging
import threading

import pytest
import requests
import responses as responses_lib

from accounts import bulkhead
from accounts.models import LoginEvent
from tests.support.signin import finish_login, sign_in, start_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def one_slot(settings):
    settings.SGID_MAX_CONCURRENT_CALLS = 1


def test_a_callback_beyond_the_slots_gets_the_busy_page_at_once(client, fake_sgid, one_slot):
    url = start_login(client)
    calls_before = len(fake_sgid.mock.calls)
    with bulkhead.slot():  # another thread of this process is waiting on sgID
        response = finish_login(client, fake_sgid, url)
    assert len(fake_sgid.mock.calls) == calls_before, "a turned-away callback calls no one"
    assert response.status_code == 302
    assert response["Location"] == "/auth/failed"
    page = client.get("/auth/failed")
    assert page.status_code == 503
    assert "Many people are signing in right now" in page.text
    # The login it turned away was not used up: the same callback, once a slot is free, signs in.
    assert finish_login(client, fake_sgid, url).status_code == 302
    assert client.get("/api/me").status_code == 200


def test_a_busy_spa_login_lands_on_the_spa_s_error_route(client, fake_sgid, one_slot):
    url = start_login(client, spa=True)
    with bulkhead.slot():
        response = finish_login(client, fake_sgid, url)
    assert response["Location"].startswith("/app/#/error?code=busy&reference=")


def test_turned_away_callbacks_are_one_log_line_not_a_line_each(
    client, fake_sgid, one_slot, caplog
):
    caplog.set_level(logging.WARNING, logger="accounts.login")
    with bulkhead.slot():
        for _ in range(5):
            finish_login(client, fake_sgid, start_login(client))
    busy = [r for r in caplog.records if "category=busy" in r.getMessage()]
    assert len(busy) == 1
    assert not LoginEvent.objects.exists()  # nobody's login was used, none is recorded


def test_the_slot_is_given_back_after_a_success(client, fake_sgid, one_slot):
    for _ in range(3):
        assert sign_in(client, fake_sgid).status_code == 302
        assert client.get("/api/me").status_code == 200
        client.post("/auth/logout")


def test_the_slot_is_given_back_after_sgid_fails(client, fake_sgid, one_slot):
    url = start_login(client)
    back = fake_sgid.authorization_response(url)
    fake_sgid.mock.replace(responses_lib.POST, fake_sgid.token_url, status=500)
    client.get(back)
    assert LoginEvent.objects.get().outcome == "unavailable"
    assert sign_in(client, fake_sgid, follow=True).status_code == 200
    assert client.get("/api/me").status_code == 200


def test_the_slot_is_given_back_after_a_timeout(client, fake_sgid, one_slot):
    url = start_login(client)
    back = fake_sgid.authorization_response(url)
    fake_sgid.mock.replace(
        responses_lib.POST, fake_sgid.token_url, body=requests.exceptions.ReadTimeout("slow")
    )
    client.get(back)
    assert LoginEvent.objects.get().outcome == "unavailable"
    assert sign_in(client, fake_sgid).status_code == 302
    assert client.get("/api/me").status_code == 200


def test_the_slot_is_given_back_after_an_untrusted_answer(client, fake_sgid, one_slot):
    sign_in(client, fake_sgid, claims={"aud": "someone-else"})
    assert LoginEvent.objects.get().outcome == "untrusted"
    assert sign_in(client, fake_sgid).status_code == 302


def test_the_slots_bound_how_many_threads_wait_at_once(settings):
    settings.SGID_MAX_CONCURRENT_CALLS = 3
    inside, release = threading.Barrier(4), threading.Event()
    busy: list[bool] = []

    def caller():
        try:
            with bulkhead.slot():
                inside.wait(timeout=5)
                release.wait(timeout=5)
        except bulkhead.Busy:
            busy.append(True)

    threads = [threading.Thread(target=caller) for _ in range(3)]
    for thread in threads:
        thread.start()
    inside.wait(timeout=5)  # three are inside
    with pytest.raises(bulkhead.Busy), bulkhead.slot():
        pass
    release.set()
    for thread in threads:
        thread.join(timeout=5)
    assert busy == []
    with bulkhead.slot():  # all three given back
        pass


def test_a_stale_or_reloaded_callback_needs_no_slot(client, fake_sgid, one_slot):
    """Only a callback that will call sgID waits for a slot: a reload of a finished login goes
    on to its page, and a stale link gets its own failure, even while every slot is taken."""
    url = start_login(client)
    done = finish_login(client, fake_sgid, url)
    assert done["Location"] == "/profile"
    with bulkhead.slot():
        assert finish_login(client, fake_sgid, url)["Location"] == "/profile"  # the reload
        client.get("/auth/callback", {"state": "stale", "code": "x"})
        page = client.get("/auth/failed")
    assert "This sign-in link has expired or was already used" in page.text
