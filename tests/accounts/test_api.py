"""The backend-for-frontend API a single-page app uses, and its one JSON error shape."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from accounts.attempts import SESSION_KEY
from tests import material as m
from tests.conftest import state_of

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def spa():
    """A browser running the SPA: CSRF enforced, as in real life."""
    return Client(enforce_csrf_checks=True)


def csrf_header(browser):
    token = browser.get("/api/csrf").json()["csrfToken"]
    return {"HTTP_X_CSRFTOKEN": token}


def spa_login(browser, next_path="/app/#/profile"):
    return browser.post(
        "/auth/login",
        json.dumps({"next": next_path}),
        content_type="application/json",
        **JSON,
        **csrf_header(browser),
    )


def assert_json_error(response, status, code):
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"error", "message", "request_id"}
    assert body["error"] == code
    assert body["message"]
    assert body["request_id"] == response["X-Request-ID"]


def test_login_answers_the_authorize_url_as_json(spa, fake_sgid):
    response = spa_login(spa)
    assert response.status_code == 200
    url = response.json()["url"]
    assert url.startswith(m.ISSUER + "/oauth/authorize?")
    assert parse_qs(urlsplit(url).query)["state"][0] in spa.session[SESSION_KEY]


def test_login_without_the_csrf_header_is_refused_as_json(spa, fake_sgid):
    spa.get("/api/csrf")  # the cookie alone is not enough
    response = spa.post("/auth/login", "{}", content_type="application/json", **JSON)
    assert_json_error(response, 403, "csrf_failed")
    assert SESSION_KEY not in spa.session


def test_login_with_a_malformed_body_is_a_json_400(spa, fake_sgid):
    response = spa.post(
        "/auth/login", "{not json", content_type="application/json", **JSON, **csrf_header(spa)
    )
    assert_json_error(response, 400, "bad_request")


@pytest.mark.parametrize(
    ("requested", "kept"),
    [
        ("/app/#/profile", "/app/#/profile"),
        ("https://evil.example/app", "/profile"),
        ("//evil.example", "/profile"),
        (42, "/profile"),
    ],
)
def test_next_is_kept_only_when_it_is_a_path_here(spa, fake_sgid, requested, kept):
    url = spa_login(spa, requested).json()["url"]
    fake_sgid.answer(fake_sgid.nonce_of(url))
    response = spa.get("/auth/callback", {"code": "c", "state": state_of(url)})
    assert response.status_code == 302
    assert response["Location"] == kept


def test_a_failed_spa_login_lands_back_on_the_spa_with_a_code(spa, fake_sgid):
    url = spa_login(spa).json()["url"]
    response = spa.get("/auth/callback", {"error": "access_denied", "state": state_of(url)})
    assert response.status_code == 302
    assert response["Location"] == "/app/#/error?code=cancelled"


def test_an_untrusted_answer_to_an_spa_login_lands_on_its_error_route(spa, fake_sgid):
    url = spa_login(spa).json()["url"]
    fake_sgid.answer(fake_sgid.nonce_of(url), claims={"aud": "someone-else"})
    response = spa.get("/auth/callback", {"code": "c", "state": state_of(url)})
    assert response["Location"] == "/app/#/error?code=untrusted"
    assert spa.get("/api/me").status_code == 401


def test_me_then_logout_as_json(spa, fake_sgid):
    url = spa_login(spa).json()["url"]
    fake_sgid.answer(fake_sgid.nonce_of(url))
    spa.get("/auth/callback", {"code": "c", "state": state_of(url)})
    me = spa.get("/api/me").json()
    assert me["name"] == "TAN AH KOW"
    assert me["fields"] == [
        {
            "scope": "myinfo.name",
            "label": "Name",
            "shape": "text",
            "text": "TAN AH KOW",
            "lines": [],
            "columns": [],
            "rows": [],
        }
    ]
    refused = spa.post("/auth/logout", **JSON)
    assert_json_error(refused, 403, "csrf_failed")
    assert spa.get("/api/me").status_code == 200
    response = spa.post("/auth/logout", **JSON, **csrf_header(spa))
    assert response.status_code == 204
    assert_json_error(spa.get("/api/me"), 401, "not_authenticated")


def test_csrf_endpoint_sets_the_cookie_it_names(spa):
    response = spa.get("/api/csrf")
    assert response.status_code == 200
    assert response.json()["csrfToken"]
    assert "csrftoken" in response.cookies


def test_unknown_api_paths_are_json_404s(client):
    assert_json_error(client.get("/api/nothing-here"), 404, "not_found")


def test_a_json_caller_gets_json_when_signing_in_is_unavailable(spa, fake_sgid, settings):
    settings.SGID_PRIVATE_KEY = "not a key"
    response = spa.post(
        "/auth/login", "{}", content_type="application/json", **JSON, **csrf_header(spa)
    )
    assert_json_error(response, 503, "configuration")


def test_the_spa_shell_carries_its_script_and_the_failure_sentences(client):
    page = client.get("/app/").content.decode()
    assert '<script type="module" src="/static/spa/app.js"></script>' in page
    assert '<script id="sgid-failures" type="application/json">' in page
    assert "You cancelled signing in" in page
    assert "onclick" not in page
