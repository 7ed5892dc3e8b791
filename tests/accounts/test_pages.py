"""What a person sees: home, profile, log out, /api/me, /healthz and the error pages."""

from __future__ import annotations

import json

import pytest
from django.db import DatabaseError

from accounts.session_keys import ATTEMPTS
from tests.support import material as m
from tests.support.signin import sign_in

pytestmark = pytest.mark.django_db

RICH = {
    "myinfo.name": "陈美玲 TAN MEI LING",
    "myinfo.nric_number": "S1234567A",
    "myinfo.date_of_birth": "1990-03-05",
    "myinfo.passport_expiry_date": "2031-07",
    "myinfo.workpass_expiry_date": "2030",
    "myinfo.registered_address": "BLK 123 ANG MO KIO AVE 3\n#05-67\nSINGAPORE 560123",
    "myinfo.hdbtype": "NA",
    "pocdex.public_officer_details": json.dumps(
        [
            {
                "work_email": "tan_mei_ling@agency.gov.sg",
                "agency_name": "Ministry of Examples",
                "employment_title": "Senior Officer",
            }
        ]
    ),
    "myinfo.some_new_scope": "NEW VALUE",
}


@pytest.fixture
def signed_in(client, fake_sgid):
    fake_sgid.identity_data = RICH
    response = sign_in(client, fake_sgid)
    assert response.status_code == 302
    return client


def test_home_logged_out_offers_the_login_button_with_csrf(client):
    page = client.get("/").content.decode()
    assert '<form class="login-form" method="post" action="/auth/login">' in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert 'name="next" value="/profile"' in page
    assert "Log in with sgID" in page


def test_home_logged_in_greets_by_name(signed_in):
    page = signed_in.get("/").content.decode()
    assert "Hello, 陈美玲 TAN MEI LING" in page
    assert 'href="/profile"' in page
    assert 'action="/auth/logout"' in page


def test_profile_requires_login(client):
    response = client.get("/profile")
    assert response.status_code == 302
    assert response["Location"] == "/auth/login?next=/profile"


def test_profile_shows_the_consented_data_readably(signed_in):
    response = signed_in.get("/profile")
    page = response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert "陈美玲 TAN MEI LING" in page
    assert "S****567A" in page
    assert "S1234567A" not in page
    assert "5 March 1990" in page
    assert "July 2031" in page
    assert "2030" in page
    assert "BLK 123 ANG MO KIO AVE 3<br>#05-67<br>SINGAPORE 560123" in page
    assert "<dt>Employment title</dt>" in page
    assert "<dt>Agency</dt><dd>Ministry of Examples</dd>" in page
    assert '<span class="not-available">Not available</span>' in page
    assert "myinfo.some_new_scope" in page
    assert "NEW VALUE" in page


def test_api_me_returns_the_profile_as_json(signed_in):
    response = signed_in.get("/api/me")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    body = response.json()
    assert body["sub"] == m.SUB
    assert body["name"] == "陈美玲 TAN MEI LING"
    assert body["data"]["myinfo.hdbtype"] is None
    assert body["data"]["pocdex.public_officer_details"][0]["agency_name"] == "Ministry of Examples"
    assert body["data"]["myinfo.nric_number"] == "S1234567A"


def test_api_me_is_401_json_when_logged_out(client):
    response = client.get("/api/me")
    assert response.status_code == 401
    assert response.json() == {
        "error": "not_authenticated",
        "message": "You are not signed in.",
        "request_id": response["X-Request-ID"],
    }


def test_logout_flushes_the_session_and_says_so(signed_in):
    response = signed_in.post("/auth/logout", follow=True)
    assert response.redirect_chain == [("/", 302)]
    page = response.content.decode()
    assert "You are signed out of this site" in page
    assert "nothing to sign out of at sgID" in page
    assert signed_in.get("/api/me").status_code == 401
    assert ATTEMPTS not in signed_in.session


def test_logout_by_get_is_refused(signed_in):
    assert signed_in.get("/auth/logout").status_code == 405
    assert signed_in.get("/api/me").status_code == 200


def test_healthz_answers_when_the_database_does(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


def test_healthz_is_503_when_the_database_fails(client, monkeypatch):
    from django.db.backends.utils import CursorWrapper

    def broken(self, sql, params=None):
        raise DatabaseError("connection refused")

    monkeypatch.setattr(CursorWrapper, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "error"


def test_an_unknown_page_is_a_designed_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert b"Page not found" in response.content
    assert b"Back to the home page" in response.content


def test_signing_in_is_503_with_a_page_when_the_key_is_unusable(client, fake_sgid, settings):
    settings.SGID_PRIVATE_KEY = "not a key"
    response = client.post("/auth/login")
    assert response.status_code == 503
    assert b"Signing in is not available" in response.content


def test_profile_of_an_openid_only_login_says_nothing_was_shared(client, fake_sgid):
    sign_in(client, fake_sgid, userinfo={"sub": m.SUB})
    page = client.get("/profile").content.decode()
    assert "without sharing any details" in page
    assert client.get("/api/me").json() == {
        "sub": m.SUB,
        "name": None,
        "data": {},
        "fields": [],
        "employment": {"current": None, "choices": []},
    }


def test_the_session_cookie_is_httponly_lax_and_secure(client, fake_sgid):
    response = sign_in(client, fake_sgid)
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["secure"] is True  # DEBUG is off in tests, as in production


def test_the_private_key_is_read_once_per_process(client, fake_sgid, settings, tmp_path):
    key_file = tmp_path / "client.pem"
    key_file.write_text(m.pem(m.rsa_key("client")))
    settings.SGID_PRIVATE_KEY = ""
    settings.SGID_PRIVATE_KEY_FILE = str(key_file)
    for _ in range(2):
        response = sign_in(client, fake_sgid)
        assert response.status_code == 302
        key_file.unlink(missing_ok=True)  # gone after the first login: the parsed key is kept


def test_a_request_for_another_host_is_a_designed_400(client):
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert b"We could not understand that request" in response.content


def test_a_form_without_its_csrf_token_gets_a_designed_403(db):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/auth/logout")
    assert response.status_code == 403
    assert b"This form has expired" in response.content


def test_the_500_page_is_designed_and_shows_no_details(rf):
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert b"Something went wrong on our side" in response.content
    assert b"Traceback" not in response.content


def test_server_timing_reports_each_login_step_only_when_asked(client, fake_sgid, settings):
    quiet = sign_in(client, fake_sgid)
    assert "Server-Timing" not in quiet
    settings.SGID_SERVER_TIMING = True
    timed = sign_in(client, fake_sgid)
    phases = [part.split(";")[0] for part in timed["Server-Timing"].split(", ")]
    assert phases == ["token", "id_token", "userinfo", "decrypt", "user"]
    assert "TAN" not in timed["Server-Timing"]


def test_profile_and_api_me_take_at_most_three_queries(
    client, fake_sgid, django_assert_max_num_queries
):
    sign_in(client, fake_sgid)
    client.get("/profile")  # warm the session cache, as every request after the first is
    for path in ("/profile", "/api/me"):
        with django_assert_max_num_queries(3):
            assert client.get(path).status_code == 200
