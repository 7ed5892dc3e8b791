"""The whole sign-in through the embedded dev sgID, in process, with real cryptography both sides.

The browser is Django's test client pressing the buttons on each page; the site's sgID client
reaches the dev provider through tests/support/inprocess.py. Nothing in between is faked.
"""

from __future__ import annotations

import pytest

from accounts.models import User
from tests.support.dev_sgid import PersonAtDevSgid
from tests.support.signin import callback, sign_in, start_login

pytestmark = pytest.mark.django_db


def through_dev_sgid(client, *, persona: str, decision: str, next_path="/profile"):
    """From the Log in button to the callback's answer, as a person clicking would go; also
    what the dev sgID sent back."""
    person = PersonAtDevSgid(client, persona, decision)
    return sign_in(client, person, next_path=next_path), person.answer


def test_a_persona_logs_in_sees_their_data_and_logs_out(client, dev_sgid):
    response, _ = through_dev_sgid(client, persona="NGUYỄN THỊ MAI", decision="Approve")
    assert response.status_code == 302
    assert response["Location"] == "/profile"
    assert dev_sgid.paths == [
        "/sgid-mock/v2/oauth/token",
        "/sgid-mock/v2/.well-known/jwks.json",
        "/sgid-mock/v2/oauth/userinfo",
    ]

    profile = client.get("/profile").content.decode()
    assert "NGUYỄN THỊ MAI" in profile
    assert "S****125G" in profile
    assert "S7634125G" not in profile
    assert "July 1990" in profile
    assert "10 SAMPLE ROAD<br>#03-02 EXAMPLE COURT<br>SINGAPORE 123456" in profile
    user = User.objects.get()
    assert user.name == "NGUYỄN THỊ MAI"
    assert client.get("/api/me").json()["sub"] == user.sub

    logged_out = client.post("/auth/logout", follow=True)
    assert "You are signed out" in logged_out.content.decode()
    assert client.get("/api/me").status_code == 401


def test_a_warm_login_makes_exactly_two_calls_to_sgid(client, dev_sgid):
    through_dev_sgid(client, persona="LIM WEI MING", decision="Approve")
    client.post("/auth/logout")
    dev_sgid.paths.clear()
    response, _ = through_dev_sgid(client, persona="LIM WEI MING", decision="Approve")
    assert response.status_code == 302
    assert dev_sgid.paths == ["/sgid-mock/v2/oauth/token", "/sgid-mock/v2/oauth/userinfo"]


def test_structured_and_na_values_render(client, dev_sgid):
    through_dev_sgid(client, persona="NUR AISYAH BINTE RAHMAN", decision="Approve")
    profile = client.get("/profile").content.decode()
    assert "<dt>Agency</dt><dd>Ministry of Examples</dd>" in profile
    assert "<dt>Employment title</dt><dd>Senior Manager</dd>" in profile
    client.post("/auth/logout")
    through_dev_sgid(client, persona="KOH AH BENG", decision="Approve")
    profile = client.get("/profile").content.decode()
    assert "Not available" in profile
    assert client.get("/api/me").json()["data"]["myinfo.email"] is None


def test_cancelling_at_the_dev_sgid_shows_the_cancelled_page(client, dev_sgid):
    response, query = through_dev_sgid(client, persona="LIM WEI MING", decision="Cancel")
    assert query["error"] == ["access_denied"]
    assert (response.status_code, response["Location"]) == (302, "/auth/failed")
    page = client.get(response["Location"])
    assert page.status_code == 400
    assert "You cancelled signing in" in page.content.decode()
    assert client.get("/api/me").status_code == 401
    assert dev_sgid.paths == []


def test_a_code_taken_from_one_browser_is_useless_in_another(client, dev_sgid):
    """PKCE binds the code to the browser that started the login: an intercepted code,
    replayed with another browser's login attempt, is refused by sgID (invalid_grant)."""
    from django.test import Client

    response, query = through_dev_sgid(client, persona="LIM WEI MING", decision="Approve")
    assert response.status_code == 302
    attacker = Client()
    replay = callback(attacker, start_login(attacker), code=query["code"][0], follow=True)
    assert replay.status_code == 400
    assert "expired or was already used" in replay.content.decode()
    assert attacker.get("/api/me").status_code == 401
