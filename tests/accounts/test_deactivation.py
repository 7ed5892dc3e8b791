"""A deactivated citizen's next page says why they are signed out, and no one else's does."""

from __future__ import annotations

import pytest
from django.core import signing
from django.test import Client

from accounts.deactivation import COOKIE_NAME
from accounts.models import User
from tests.support import material as m
from tests.support import signin

pytestmark = pytest.mark.django_db

NOTICE = "This account is deactivated"


def sign_in(browser, fake_sgid, sub=m.SUB):
    assert signin.sign_in(browser, fake_sgid, sub=sub).status_code == 302
    return User.objects.get(sub=sub)


def deactivate(user):
    user.is_active = False
    user.save()  # ends their sessions (accounts/signals.py)


def test_the_next_page_of_a_deactivated_citizen_says_why(client, fake_sgid):
    user = sign_in(client, fake_sgid)
    deactivate(user)
    answer = client.get("/profile")
    assert answer["Location"] == "/auth/login?next=/profile"
    page = client.get(answer["Location"]).content.decode()
    assert NOTICE in page
    assert "Please contact us to restore it." in page
    # Said once: the marker is gone.
    assert NOTICE not in client.get("/auth/login").content.decode()


@pytest.mark.parametrize("landing", ["/", "/auth/login", "/app/"])
def test_each_page_a_signed_out_person_lands_on_says_it(client, fake_sgid, landing):
    deactivate(sign_in(client, fake_sgid))
    assert NOTICE in client.get(landing).content.decode()


def test_the_marker_names_nothing_personal(client, fake_sgid):
    user = sign_in(client, fake_sgid)
    marker = client.cookies[COOKIE_NAME]
    assert marker["httponly"]
    assert marker["samesite"] == "Lax"
    assert m.SUB not in marker.value
    assert "TAN" not in marker.value
    assert signing.loads(marker.value, salt="accounts.deactivation") == {"u": user.pk}


def test_an_active_citizen_whose_session_ended_sees_no_notice(client, fake_sgid):
    sign_in(client, fake_sgid)
    client.session.flush()
    client.cookies.pop("sessionid")
    assert NOTICE not in client.get("/auth/login").content.decode()


def test_logging_out_forgets_the_account(client, fake_sgid):
    user = sign_in(client, fake_sgid)
    client.post("/auth/logout")
    deactivate(user)
    assert NOTICE not in client.get("/auth/login").content.decode()


def test_a_forged_marker_shows_nothing(client, fake_sgid):
    someone = User.objects.create(sub="sub-other", username="other", is_active=False)
    forged = signing.dumps({"u": someone.pk}, salt="another-purpose")
    unsigned = signing.dumps({"u": someone.pk}, key="not-our-secret", salt="accounts.deactivation")
    for value in (forged, unsigned, f'{{"u": {someone.pk}}}', str(someone.pk)):
        browser = Client()
        browser.cookies[COOKIE_NAME] = value
        assert NOTICE not in browser.get("/auth/login").content.decode()


def test_a_signed_in_person_is_not_looked_up(client, fake_sgid, django_assert_max_num_queries):
    sign_in(client, fake_sgid)
    client.get("/")
    with django_assert_max_num_queries(2):  # the session and the user, nothing for the marker
        assert NOTICE not in client.get("/").content.decode()
