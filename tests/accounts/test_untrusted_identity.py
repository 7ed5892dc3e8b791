"""An identity the site cannot store or show: a 502 page, and no one signed in or stored.

Before these checks, a `sub` over 255 characters or holding NUL reached the database and
answered 500 on PostgreSQL (a DataError); a NUL in the name went the same way.
"""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import LoginEvent, User
from tests.support import material as m
from tests.support.signin import sign_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("sub", "name"),
    [
        ("s" * 300, "TAN AH KOW"),
        ("u7Q2qG1t\x000Xb4kq9lZ3wN", "TAN AH KOW"),
        (m.SUB, "TAN AH\x00 KOW"),
    ],
    ids=["300-char-sub", "nul-in-sub", "nul-in-name"],
)
def test_the_callback_answers_502_and_stores_no_one(fake_sgid, sub, name):
    browser = Client(raise_request_exception=False)
    fake_sgid.identity_data = {"myinfo.name": name}

    response = sign_in(browser, fake_sgid, follow=True, sub=sub)

    assert response.status_code == 502
    assert b"We could not verify your sign-in" in response.content
    assert not User.objects.exists()
    assert browser.get("/api/me").status_code == 401
    assert list(LoginEvent.objects.values_list("outcome", flat=True)) == ["untrusted"]
