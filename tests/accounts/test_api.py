"""The backend-for-frontend API a single-page app uses, and its one JSON error shape."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from accounts.session_keys import ATTEMPTS
from tests.support import material as m
from tests.support.signin import callback, sign_in

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
    assert parse_qs(urlsplit(url).query)["state"][0] in spa.session[ATTEMPTS]


def test_login_without_the_csrf_header_is_refused_as_json(spa, fake_sgid):
    spa.get("/api/csrf")  # the cookie alone is not enough
    response = spa.post("/auth/login", "{}", content_type="application/json", **JSON)
    assert_json_error(response, 403, "csrf_failed")
    assert ATTEMPTS not in spa.session


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
    response = sign_in(spa, fake_sgid, next_path=requested, spa=True)
    assert response.status_code == 302
    assert response["Location"] == kept


def test_a_failed_spa_login_lands_back_on_the_spa_with_a_code(spa, fake_sgid):
    response = callback(spa, spa_login(spa).json()["url"], error="access_denied")
    assert response.status_code == 302
    reference = response["X-Request-ID"]  # the reference to quote: the callback's request id
    assert response["Location"] == f"/app/#/error?code=cancelled&reference={reference}"


def test_an_untrusted_answer_to_an_spa_login_lands_on_its_error_route(spa, fake_sgid):
    response = sign_in(spa, fake_sgid, spa=True, claims={"aud": "someone-else"})
    assert response["Location"].startswith("/app/#/error?code=untrusted&reference=")
    assert spa.get("/api/me").status_code == 401


def test_me_then_logout_as_json(spa, fake_sgid):
    sign_in(spa, fake_sgid, spa=True)
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
            "records": [],
        }
    ]
    refused = spa.post("/auth/logout", **JSON)
    assert_json_error(refused, 403, "csrf_failed")
    assert spa.get("/api/me").status_code == 200
    response = spa.post("/auth/logout", **JSON, **csrf_header(spa))
    assert response.status_code == 204
    assert_json_error(spa.get("/api/me"), 401, "not_authenticated")


def test_me_fields_carry_records_as_labelled_items_and_as_a_table(spa, fake_sgid):
    children = [
        {"birth_cert_no": "T1523456Z", "name": "LIM JIA HUI", "date_of_birth": "2015-06-02"},
        {"birth_cert_no": "T1834567B", "name": "LIM JUN JIE", "life_status": "ALIVE"},
    ]
    raw = json.dumps(children)
    fake_sgid.identity_data = {"myinfo.name": "LIM WEI MING", "myinfo.children_birth_records": raw}
    sign_in(spa, fake_sgid, spa=True)
    me = spa.get("/api/me").json()
    assert me["data"]["myinfo.children_birth_records"] == children  # raw values, as sent
    [field] = [f for f in me["fields"] if f["scope"] == "myinfo.children_birth_records"]
    assert field["label"] == "Children's birth records"
    assert field["shape"] == "table"
    assert field["records"] == [
        {
            "title": "Child 1",
            "items": [
                {"key": "birth_cert_no", "label": "Birth certificate number", "text": "T****456Z"},
                {"key": "name", "label": "Name", "text": "LIM JIA HUI"},
                {"key": "date_of_birth", "label": "Date of birth", "text": "2 June 2015"},
            ],
        },
        {
            "title": "Child 2",
            "items": [
                {"key": "birth_cert_no", "label": "Birth certificate number", "text": "T****567B"},
                {"key": "name", "label": "Name", "text": "LIM JUN JIE"},
                {"key": "life_status", "label": "Life status", "text": "Alive"},
            ],
        },
    ]
    assert field["columns"] == ["Birth certificate number", "Name", "Date of birth", "Life status"]
    assert field["rows"] == [
        ["T****456Z", "LIM JIA HUI", "2 June 2015", "Not available"],
        ["T****567B", "LIM JUN JIE", "Not available", "Alive"],
    ]


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


# --- The employment a public officer acts in (accounts/employment.py) --------------------

OFFICERS = {
    "myinfo.name": "TAN AH KOW",
    "pocdex.public_officer_details": json.dumps(
        [
            {
                "work_email": "tan_ah_kow@school.example",
                "agency_name": "Ministry of Education",
                "department_name": "Example Primary School",
                "employment_type": "Permanent",
                "employment_title": "Teacher",
            },
            {
                "work_email": "tan_ah_kow@cdc.example",
                "agency_name": "People's Association",
                "department_name": "Grassroots Division",
                "employment_type": "Contract",
                "employment_title": "Grassroots Adviser",
            },
        ]
    ),
}
TEACHER = {
    "index": 0,
    "title": "Teacher",
    "agency": "Ministry of Education",
    "department": "Example Primary School",
    "type": "Permanent",
}
ADVISER = {
    "index": 1,
    "title": "Grassroots Adviser",
    "agency": "People's Association",
    "department": "Grassroots Division",
    "type": "Contract",
}


@pytest.fixture
def officer_spa(spa, fake_sgid):
    """The SPA, signed in as a public officer with two employments."""
    fake_sgid.identity_data = OFFICERS
    sign_in(spa, fake_sgid, spa=True)
    return spa


def choose_employment(browser, body, **headers):
    return browser.post(
        "/api/employment",
        body if isinstance(body, str) else json.dumps(body),
        content_type="application/json",
        **JSON,
        **headers,
    )


def test_me_lists_the_employments_and_none_chosen(officer_spa):
    assert officer_spa.get("/api/me").json()["employment"] == {
        "current": None,
        "choices": [TEACHER, ADVISER],
    }


def test_me_shows_no_employment_for_someone_with_none(spa, fake_sgid):
    sign_in(spa, fake_sgid, spa=True)
    assert spa.get("/api/me").json()["employment"] == {"current": None, "choices": []}


def test_choosing_an_employment_as_json(officer_spa):
    response = choose_employment(officer_spa, {"index": 1}, **csrf_header(officer_spa))
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    expected = {"current": ADVISER, "choices": [TEACHER, ADVISER]}
    assert response.json() == expected
    assert officer_spa.get("/api/me").json()["employment"] == expected
    # And changing it.
    choose_employment(officer_spa, {"index": 0}, **csrf_header(officer_spa))
    assert officer_spa.get("/api/me").json()["employment"]["current"] == TEACHER


def test_the_page_and_the_api_share_one_choice(officer_spa):
    choose_employment(officer_spa, {"index": 1}, **csrf_header(officer_spa))
    page = officer_spa.get("/account/employment").content.decode()
    assert 'value="1"' in page.split(" checked")[0].rsplit("<input", 1)[1]


@pytest.mark.parametrize(
    "body",
    [
        {"index": 2},
        {"index": -1},
        {"index": "1"},
        {"index": True},
        {"index": 1.0},
        {"index": None},
        {"index": 10**30},
        {},
        {"employment": 1},
        [1],
        1,
        "1",
        None,
    ],
)
def test_choosing_refuses_what_names_no_employment(officer_spa, body):
    choose_employment(officer_spa, {"index": 1}, **csrf_header(officer_spa))
    response = choose_employment(officer_spa, body, **csrf_header(officer_spa))
    assert_json_error(response, 400, "no_such_employment")
    assert officer_spa.get("/api/me").json()["employment"]["current"] == ADVISER


@pytest.mark.parametrize("body", ["", "{", '{"index": NaN}', "[" * 100 + "]" * 100])
def test_choosing_refuses_a_body_that_is_not_acceptable_json(officer_spa, body):
    response = choose_employment(officer_spa, body, **csrf_header(officer_spa))
    assert_json_error(response, 400, "bad_request")
    assert officer_spa.get("/api/me").json()["employment"]["current"] is None


def test_choosing_refuses_a_form_body(officer_spa):
    form = {"index": "0"}
    response = officer_spa.post("/api/employment", form, **JSON, **csrf_header(officer_spa))
    assert_json_error(response, 400, "bad_request")


def test_choosing_needs_the_csrf_header(officer_spa):
    officer_spa.get("/api/csrf")
    assert_json_error(choose_employment(officer_spa, {"index": 0}), 403, "csrf_failed")
    assert officer_spa.get("/api/me").json()["employment"]["current"] is None


def test_choosing_needs_a_signed_in_person(spa):
    response = choose_employment(spa, {"index": 0}, **csrf_header(spa))
    assert_json_error(response, 401, "not_authenticated")


def test_choosing_is_a_post(officer_spa):
    assert officer_spa.get("/api/employment", **JSON).status_code == 405
