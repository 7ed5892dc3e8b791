"""The header on every page: who is signed in, and Log out, as a form that posts with CSRF."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import User
from tests.support import signin
from tests.support.forms import press

pytestmark = pytest.mark.django_db

PAGES = ["/", "/profile", "/auth/login", "/app/", "/account/delete", "/no-such-page"]


def header_of(response) -> str:
    return response.content.decode().split('<main id="main"')[0]


def sign_in(browser, fake_sgid, name="TAN AH KOW"):
    fake_sgid.identity_data = {"myinfo.name": name} if name else {}
    assert signin.sign_in(browser, fake_sgid).status_code == 302


@pytest.mark.parametrize("path", PAGES)
def test_every_page_names_the_person_and_offers_log_out(client, fake_sgid, path):
    sign_in(client, fake_sgid)
    header = header_of(client.get(path))
    assert '<span class="visually-hidden">Signed in as </span>' in header
    assert '<span class="signed-in-name">TAN AH KOW</span>' in header
    assert '<form class="logout-form" method="post" action="/auth/logout">' in header
    assert 'name="csrfmiddlewaretoken"' in header
    assert '<button type="submit" class="button button-secondary">Log out</button>' in header


def test_a_nameless_account_is_just_signed_in(client, fake_sgid):
    sign_in(client, fake_sgid, name=None)
    assert User.objects.get().name == ""
    header = header_of(client.get("/profile"))
    assert '<p class="signed-in-as">Signed in</p>' in header
    assert "Log out" in header


def test_log_out_sits_in_the_header_not_under_the_data(client, fake_sgid):
    sign_in(client, fake_sgid)
    html = client.get("/profile").content.decode()
    assert html.count("Log out") == 1
    assert html.index("Log out") < html.index('<main id="main"')


def test_the_header_s_log_out_signs_out(client, fake_sgid):
    sign_in(client, fake_sgid)
    browser = Client(enforce_csrf_checks=True)
    browser.cookies = client.cookies
    page = browser.get("/profile").content.decode()
    answer = press(browser, page, "Log out", page_url="/profile")
    assert answer.status_code == 302
    assert browser.get("/api/me").status_code == 401


@pytest.mark.parametrize("path", ["/", "/auth/login", "/app/", "/auth/failed"])
def test_signed_out_the_header_shows_no_one(client, path):
    header = header_of(client.get(path))
    assert "Signed in" not in header
    assert "Log out" not in header
    assert "Your data" not in header


def test_the_header_marks_what_the_spa_must_remove_when_the_session_ends(client, fake_sgid):
    sign_in(client, fake_sgid)
    header = header_of(client.get("/app/"))
    assert '<li data-signed-in><a href="/profile">Your data</a></li>' in header
    assert '<div class="session" data-signed-in>' in header
