"""A public officer with several employments picks the one they act in, and can change it."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client, RequestFactory

from accounts import employment
from accounts.session_keys import EMPLOYMENT, PROFILE
from tests.support import signin

pytestmark = pytest.mark.django_db

SCOPE = "pocdex.public_officer_details"
TEACHER = {
    "work_email": "tan_ah_kow@school.example",
    "agency_name": "Ministry of Education",
    "department_name": "Example Primary School",
    "employment_type": "Permanent",
    "employment_title": "Teacher",
}
VOLUNTEER = {
    "work_email": "tan_ah_kow@cdc.example",
    "agency_name": "People's Association",
    "department_name": "Grassroots Division",
    "employment_type": "Contract",
    "employment_title": "Grassroots Adviser",
}


def officer(*entries: object) -> dict[str, str]:
    return {"myinfo.name": "TAN AH KOW", SCOPE: json.dumps(list(entries))}


def sign_in(client, fake_sgid, data: dict[str, str], next_path: str = "/profile"):
    """A real login through the callback, with `data` as what the person shared."""
    fake_sgid.identity_data = data
    return signin.sign_in(client, fake_sgid, next_path=next_path)


@pytest.fixture
def multi_hat(client, fake_sgid):
    assert sign_in(client, fake_sgid, officer(TEACHER, VOLUNTEER)).status_code == 302
    return client


def after_login(client, next_path: str = "/profile") -> str:
    request = RequestFactory().get("/auth/callback")
    request.session = client.session
    return employment.after_login(request, next_path)


def current_title(client) -> str | None:
    chosen = employment.current(client.session)
    return chosen.title if chosen else None


def put_in_session(client, key: str, value: object) -> None:
    session = client.session
    session[key] = value
    session.save()


# --- A multi-hat officer ------------------------------------------------------------------


def test_a_multi_hat_officer_is_sent_to_choose_after_login(multi_hat):
    assert employment.needs_choice(multi_hat.session)
    assert (
        after_login(multi_hat, "/profile?tab=2") == "/account/employment?next=%2Fprofile%3Ftab%3D2"
    )


def test_the_choice_page_lists_every_employment_as_an_accessible_form(multi_hat):
    response = multi_hat.get("/account/employment", {"next": "/profile"})
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    page = response.content.decode()
    for entry in (TEACHER, VOLUNTEER):
        for value in entry.values():
            assert value.replace("'", "&#x27;") in page
    assert page.count('type="radio" name="employment"') == 2
    assert 'id="employment-0" value="0"' in page
    assert 'for="employment-1"' in page
    assert "<fieldset" in page
    assert "<legend>" in page
    assert "checked" not in page  # nothing chosen for the person
    assert 'name="csrfmiddlewaretoken"' in page
    assert '<input type="hidden" name="next" value="/profile">' in page
    assert 'method="post" action="/account/employment"' in page
    # CSP-safe: no inline script, style or handler.
    assert "<script" not in page
    assert "style=" not in page
    assert "<style" not in page
    assert " onclick" not in page


def test_choosing_keeps_the_choice_and_goes_on_to_next(multi_hat):
    response = multi_hat.post("/account/employment", {"employment": "1", "next": "/profile"})
    assert response.status_code == 302
    assert response["Location"] == "/profile"
    assert current_title(multi_hat) == "Grassroots Adviser"
    assert not employment.needs_choice(multi_hat.session)
    assert after_login(multi_hat) == "/profile"
    page = multi_hat.get("/account/employment").content.decode()
    assert 'id="employment-1" value="1"' in page
    assert page.count(" checked") == 1
    assert re.search(r'id="employment-1" value="1"\s+aria-describedby="[^"]+" checked', page)


def test_the_choice_can_be_changed(multi_hat):
    multi_hat.post("/account/employment", {"employment": "1"})
    response = multi_hat.post("/account/employment", {"employment": "0", "next": "/app/"})
    assert response["Location"] == "/app/"
    assert current_title(multi_hat) == "Teacher"


@pytest.mark.parametrize("sent", ["2", "-1", "abc", "", " 1", "1.0", "\u0661", "99999", None])
def test_an_index_that_names_no_employment_is_a_400_and_changes_nothing(multi_hat, sent):
    multi_hat.post("/account/employment", {"employment": "1"})
    form = {"next": "/profile"} | ({"employment": sent} if sent is not None else {})
    response = multi_hat.post("/account/employment", form)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose one of your employments." in page
    assert 'aria-describedby="employment-error"' in page
    assert "<title>Error:" in page
    assert '<input type="hidden" name="next" value="/profile">' in page
    assert current_title(multi_hat) == "Grassroots Adviser"


def test_a_bad_index_before_any_choice_still_asks(multi_hat):
    assert multi_hat.post("/account/employment", {"employment": "5"}).status_code == 400
    assert employment.needs_choice(multi_hat.session)


@pytest.mark.parametrize("requested", ["//evil.example/", "https://evil.example/", "javascript:x"])
def test_choosing_goes_only_to_a_path_on_this_site(multi_hat, requested):
    response = multi_hat.post("/account/employment", {"employment": "0", "next": requested})
    assert response["Location"] == "/profile"


def test_the_choice_page_needs_a_signed_in_person(client):
    response = client.get("/account/employment")
    assert response.status_code == 302
    assert response["Location"].startswith("/auth/login?next=")
    assert client.post("/account/employment", {"employment": "0"}).status_code == 302


def test_choosing_without_the_csrf_token_is_refused(multi_hat):
    browser = Client(enforce_csrf_checks=True)
    browser.cookies = multi_hat.cookies
    assert browser.post("/account/employment", {"employment": "0"}).status_code == 403
    assert employment.needs_choice(browser.session)


def test_a_changed_list_at_the_next_login_asks_again(multi_hat, fake_sgid):
    multi_hat.post("/account/employment", {"employment": "1"})
    # The same list at a later login: the choice stands.
    sign_in(multi_hat, fake_sgid, officer(TEACHER, VOLUNTEER))
    assert current_title(multi_hat) == "Grassroots Adviser"
    # The same two in another order: index 1 is now the other one, so the choice is void.
    sign_in(multi_hat, fake_sgid, officer(VOLUNTEER, TEACHER))
    assert employment.current(multi_hat.session) is None
    assert employment.needs_choice(multi_hat.session)


def test_a_choice_is_tied_to_the_person(multi_hat):
    multi_hat.post("/account/employment", {"employment": "0"})
    stored = multi_hat.session[PROFILE]
    put_in_session(multi_hat, PROFILE, {**stored, "sub": "someone-else"})
    assert employment.current(multi_hat.session) is None


# --- One employment, none ---------------------------------------------------------------


def test_one_employment_asks_nothing_and_is_the_one(client, fake_sgid):
    sign_in(client, fake_sgid, officer(TEACHER))
    assert not employment.needs_choice(client.session)
    assert after_login(client) == "/profile"
    assert current_title(client) == "Teacher"


@pytest.mark.parametrize(
    "data",
    [
        {"myinfo.name": "TAN AH KOW"},
        {"myinfo.name": "TAN AH KOW", SCOPE: "NA"},
        {"myinfo.name": "TAN AH KOW", SCOPE: "[]"},
    ],
    ids=["not shared", "NA", "empty list"],
)
def test_no_employment_asks_nothing(client, fake_sgid, data):
    sign_in(client, fake_sgid, data)
    assert not employment.needs_choice(client.session)
    assert after_login(client) == "/profile"
    assert employment.current(client.session) is None
    assert employment.choices(client.session) == []
    # Nothing to choose: the page sends the person on.
    response = client.get("/account/employment", {"next": "/app/"})
    assert response.status_code == 302
    assert response["Location"] == "/app/"
    assert client.post("/account/employment", {"employment": "0"}).status_code == 400


# --- Whatever sgID (or the session) holds, never a 500 -----------------------------------

GARBAGE_TEXT = [
    "not json",
    "[",
    "{}",
    '"just a string"',
    "42",
    "null",
    '[1, "x", null, true, []]',
    "[{}]",
    '[{"employment_title": 5, "agency_name": ["x"], "work_email": {"a": 1}}]',
    "[NaN]",
    '["\\udead"]',
    '[{"employment_title": "\\udead"}]',
    "[" * 5000 + "]" * 5000,
    json.dumps([{"employment_title": "<script>alert(1)</script>", "agency_name": "A&B"}] * 2),
]


@pytest.mark.parametrize("raw", GARBAGE_TEXT)
def test_garbage_from_sgid_never_fails(client, fake_sgid, raw):
    sign_in(client, fake_sgid, {"myinfo.name": "TAN AH KOW", SCOPE: raw})
    assert_nothing_fails(client)


@pytest.mark.parametrize(
    "stored",
    ["text", [], {"data": "text"}, {"data": {SCOPE: 5}}, {"data": {SCOPE: ["x"]}}, {"sub": 1}],
)
def test_garbage_profile_in_the_session_is_no_employment(multi_hat, stored):
    # Only the callback writes this key, in a sealed session: the choice tolerates it anyway.
    put_in_session(multi_hat, PROFILE, stored)
    assert employment.choices(multi_hat.session) == []
    assert employment.current(multi_hat.session) is None
    assert not employment.needs_choice(multi_hat.session)
    assert multi_hat.get("/account/employment").status_code == 302
    assert multi_hat.post("/account/employment", {"employment": "0"}).status_code == 400


@pytest.mark.parametrize(
    "stored",
    [
        "text",
        [1],
        {},
        {"index": "1"},
        {"index": True},
        {"index": 1.0},
        {"index": -1},
        {"index": 99},
        {"index": 1},
        {"index": 1, "fingerprint": None},
        {"index": 1, "fingerprint": "0" * 64},
    ],
)
def test_a_garbage_choice_in_the_session_is_no_choice(multi_hat, stored):
    put_in_session(multi_hat, EMPLOYMENT, stored)
    assert employment.current(multi_hat.session) is None
    assert employment.needs_choice(multi_hat.session)
    assert_nothing_fails(multi_hat)


@pytest.mark.parametrize(
    ("raw", "titles"),
    [
        (json.dumps(TEACHER), ["Teacher"]),  # a lone object: the one employment
        ('[{}, 1, "x", null, {"employment_title": "  "}]', []),  # entries that say nothing
        ('[{"employment_title": 5, "agency_name": ["x"], "work_email": "a@b.example"}]', [""]),
        ('[{"employment_title": " Teacher "}, {"agency_name": "MOE"}]', ["Teacher", ""]),
    ],
)
def test_what_counts_as_an_employment(client, fake_sgid, raw, titles):
    sign_in(client, fake_sgid, {SCOPE: raw})
    found = employment.choices(client.session)
    assert [choice.title for choice in found] == titles
    assert [choice.index for choice in found] == list(range(len(titles)))
    for choice in found:
        texts = (choice.title, choice.agency, choice.department, choice.type, choice.work_email)
        assert all(isinstance(text, str) for text in texts)


def test_markup_in_an_employment_is_shown_as_text(client, fake_sgid):
    hostile = {**TEACHER, "employment_title": "<script>alert(1)</script>"}
    sign_in(client, fake_sgid, officer(hostile, VOLUNTEER))
    page = client.get("/account/employment").content.decode()
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def assert_nothing_fails(client) -> None:
    for path in ("/account/employment", "/profile", "/", "/api/me"):
        assert client.get(path).status_code in {200, 302}, path
    assert client.post("/account/employment", {"employment": "0"}).status_code in {302, 400}


# --- The header (needs the context processor in settings and the include in base.html) ----


def test_the_context_gives_the_header_what_it_shows(multi_hat):
    multi_hat.post("/account/employment", {"employment": "1"})
    request = RequestFactory().get("/profile", {"tab": "2"})
    request.session = multi_hat.session
    request.user = type("Signed", (), {"is_authenticated": True})()
    assert employment.context(request) == {
        "acting_as": {
            "title": "Grassroots Adviser",
            "agency": "People's Association",
            "change_url": "/account/employment?next=%2Fprofile%3Ftab%3D2",
        }
    }


def test_the_context_has_nothing_for_someone_signed_out(multi_hat):
    multi_hat.post("/account/employment", {"employment": "1"})
    request = RequestFactory().get("/")
    request.session = multi_hat.session
    request.user = type("Anonymous", (), {"is_authenticated": False})()
    assert employment.context(request) == {"acting_as": None}
    del request.user
    assert employment.context(request) == {"acting_as": None}


def test_the_header_shows_the_employment_with_a_change_link(multi_hat):
    multi_hat.post("/account/employment", {"employment": "1"})
    page = multi_hat.get("/profile").content.decode()
    header = page.split('<main id="main"')[0]
    assert "Acting as" in header
    assert "Grassroots Adviser, People&#x27;s Association" in header
    assert 'href="/account/employment?next=%2Fprofile"' in header
    # Following Change shows the same page, with the current choice checked; a new pick shows.
    multi_hat.post("/account/employment", {"employment": "0", "next": "/profile"})
    header = multi_hat.get("/profile").content.decode().split('<main id="main"')[0]
    assert "Teacher, Ministry of Education" in header


def test_the_header_shows_a_single_employment_without_a_change_link(client, fake_sgid):
    sign_in(client, fake_sgid, officer(TEACHER))
    header = client.get("/profile").content.decode().split('<main id="main"')[0]
    assert "Teacher, Ministry of Education" in header
    assert "/account/employment" not in header


def test_the_header_shows_nothing_before_a_choice(multi_hat):
    header = multi_hat.get("/profile").content.decode().split('<main id="main"')[0]
    assert "Acting as" not in header


# --- The callback (needs the after_login line in accounts/views.py) -----------------------


def test_the_callback_sends_a_multi_hat_officer_to_choose(client, fake_sgid):
    response = sign_in(client, fake_sgid, officer(TEACHER, VOLUNTEER), "/profile")
    assert response.status_code == 302
    assert response["Location"] == "/account/employment?next=%2Fprofile"
    assert client.get(response["Location"]).status_code == 200


def test_the_callback_sends_anyone_else_straight_on(client, fake_sgid):
    response = sign_in(client, fake_sgid, officer(TEACHER), "/profile")
    assert response["Location"] == "/profile"
