"""The failure page a failed callback leads to: its own URL, status, reference and Try again."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from accounts.attempts import ATTEMPT_LIFETIME
from accounts.models import LoginEvent
from accounts.session_keys import FAILURE
from tests.support import material as m
from tests.support.forms import press
from tests.support.signin import callback, sign_in, start_login

pytestmark = pytest.mark.django_db

ORIGIN = {"HTTP_ORIGIN": "http://testserver"}


def cancel_at_sgid(browser, next_path="/profile"):
    """Start a login and come back from sgID with `access_denied`; the callback's answer."""
    return callback(browser, start_login(browser, next_path), error="access_denied")


def reference_on(page) -> str:
    found = re.search(r'class="reference">.*?<code>([^<]+)</code>', page.content.decode())
    assert found, "no reference on the page"
    return found.group(1)


def test_a_failed_callback_redirects_to_the_failure_page_which_keeps_the_status(client, fake_sgid):
    answer = cancel_at_sgid(client)
    assert answer.status_code == 302
    assert answer["Location"] == "/auth/failed"
    assert answer["Referrer-Policy"] == "no-referrer"  # the callback URL held the code
    page = client.get(answer["Location"])
    assert page.status_code == 400
    assert b"You cancelled signing in" in page.content
    assert page["Referrer-Policy"] == "same-origin"  # its forms post with the site's origin


def test_try_again_from_the_failure_page_starts_a_new_login(fake_sgid):
    browser = Client(enforce_csrf_checks=True)
    login_page = browser.get("/auth/login", {"next": "/profile?tab=2"})
    back = press(browser, login_page.content.decode(), "Log in with sgID", page_url="/auth/login")
    answer = callback(browser, back.url, error="access_denied")
    page = browser.get(answer["Location"])
    html = page.content.decode()
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'name="next" value="/profile?tab=2"' in html
    again = press(browser, html, "Try again", page_url="/auth/failed", **ORIGIN)
    assert again.status_code == 302
    assert again["Location"].startswith(m.ISSUER + "/oauth/authorize?")


def test_reloading_the_failure_page_shows_the_same_page_and_the_callback_s_reference(
    client, fake_sgid
):
    answer = cancel_at_sgid(client)
    first, reload = client.get("/auth/failed"), client.get("/auth/failed")
    assert first.status_code == reload.status_code == 400
    assert b"You cancelled signing in" in reload.content
    assert reference_on(first) == reference_on(reload) == answer["X-Request-ID"]
    # The reference a citizen quotes finds the login event.
    assert LoginEvent.objects.get(request_id=reference_on(reload)).outcome == "cancelled"


def test_a_deactivated_account_s_failure_page_offers_no_try_again(client, fake_sgid):
    from accounts.models import User

    User.objects.create(sub=m.SUB, username="u", is_active=False)
    sign_in(client, fake_sgid)
    page = client.get("/auth/failed")
    assert page.status_code == 403
    assert b"This account is deactivated" in page.content
    assert b"Try again" not in page.content


@pytest.mark.parametrize(
    "stored",
    [
        {"code": "<b>Call 6123 4567</b>", "reference": "a" * 32, "next": "/", "mode": "page"},
        {"code": "cancelled", "reference": "CALL 6123 4567 NOW", "next": "/", "mode": "page"},
        {"code": "cancelled", "reference": "<script>x</script>", "next": "/", "mode": "page"},
        {"code": "cancelled", "reference": 12345678, "next": "/", "mode": "page"},
        {"code": "cancelled", "reference": "a" * 32, "next": "/", "mode": "popup"},
        {"code": ["cancelled"], "reference": "a" * 32},
        "cancelled",
        None,
    ],
    ids=["code", "spaces", "markup", "number", "mode", "list", "string", "none"],
)
def test_a_forged_failure_record_shows_only_the_default_page(client, stored):
    session = client.session
    session[FAILURE] = stored
    session.save()
    page = client.get("/auth/failed")
    assert page.status_code == 400
    assert b"This sign-in link has expired or was already used" in page.content
    html = page.content.decode()
    for text in ("Call 6123", "CALL 6123", "<script>x", "12345678", "aaaaaaaa"):
        assert text not in html
    assert reference_on(page) == page["X-Request-ID"]


def test_a_filed_next_that_leaves_the_site_is_made_safe_again(client):
    session = client.session
    session[FAILURE] = {
        "code": "cancelled",
        "reference": "a" * 32,
        "next": "//evil.example",
        "mode": "page",
    }
    session.save()
    page = client.get("/auth/failed")
    assert b"You cancelled signing in" in page.content
    assert b'name="next" value="/profile"' in page.content
    assert b"evil.example" not in page.content


def test_the_query_string_cannot_choose_what_the_page_says(client):
    page = client.get("/auth/failed", {"code": "cancelled", "reference": "CALL-61234567"})
    assert page.status_code == 400
    assert b"expired or was already used" in page.content
    assert b"CALL-61234567" not in page.content


def test_the_failure_page_with_nothing_filed_is_the_expired_page(client):
    page = client.get("/auth/failed")
    assert page.status_code == 400
    assert b"expired or was already used" in page.content
    assert b"Try again" in page.content


def test_a_replayed_callback_s_page_survives_a_reload_and_lives_as_long_as_an_attempt(
    client, fake_sgid
):
    """A replay (or any stray callback) comes without a session: its page still reloads."""
    answer = client.get("/auth/callback", {"state": "replayed", "code": "x"})
    assert answer["Location"] == "/auth/failed"
    first, reload = client.get("/auth/failed"), client.get("/auth/failed")
    assert b"expired or was already used" in reload.content
    assert reference_on(first) == reference_on(reload) == answer["X-Request-ID"]
    assert client.session.get_expiry_age() == ATTEMPT_LIFETIME


def test_a_failure_leaves_a_signed_in_session_as_long_as_it_was(client, fake_sgid, settings):
    sign_in(client, fake_sgid)
    cancel_at_sgid(client)
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE
    assert client.get("/api/me").status_code == 200


def test_a_successful_login_clears_the_failure(client, fake_sgid):
    cancel_at_sgid(client)
    assert sign_in(client, fake_sgid).status_code == 302
    assert FAILURE not in client.session
    assert b"You cancelled" not in client.get("/auth/failed").content


def test_a_failed_spa_login_carries_the_reference_to_its_error_route(fake_sgid):
    spa = Client()
    answer = spa.post(
        "/auth/login",
        json.dumps({"next": "/app/#/profile"}),
        content_type="application/json",
        HTTP_ACCEPT="application/json",
    )
    response = callback(spa, answer.json()["url"], error="access_denied")
    reference = response["X-Request-ID"]
    assert response["Location"] == f"/app/#/error?code=cancelled&reference={reference}"
    assert LoginEvent.objects.get(request_id=reference).outcome == "cancelled"
    # The failure page of an SPA login is the SPA's error route.
    assert spa.get("/auth/failed")["Location"] == response["Location"]
