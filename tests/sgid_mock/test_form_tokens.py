"""The dev provider's forms carry their own token, not the relying party's CSRF token."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from tests.support.relying_party import MOUNT, REDIRECT_URI, Flow, location_base, query_of
from tests.support.urlconfs.dev_sgid_alone import RELYING_PARTY_LOGIN

pytestmark = pytest.mark.urls("tests.support.urlconfs.dev_sgid_alone")


@pytest.fixture
def browser() -> Client:
    """A browser that enforces CSRF as a real one meets it (the default test client skips it)."""
    return Client(enforce_csrf_checks=True)


def test_two_tabs_both_complete_though_logging_in_rotates_the_csrf_token(browser: Client) -> None:
    flow = Flow(browser)
    first_tab, second_tab = flow.start(), flow.start()
    assert flow.choose(first_tab, "lim-wei-ming").status_code == 302
    assert flow.consent_page(first_tab).status_code == 200
    first = flow.decide(first_tab, "approve")
    csrf_before = browser.cookies.get(settings.CSRF_COOKIE_NAME)
    browser.get(RELYING_PARTY_LOGIN)  # the first tab's callback signs the person in
    assert browser.cookies.get(settings.CSRF_COOKIE_NAME) != csrf_before

    chosen = flow.choose(second_tab, "nguyen-thi-mai")
    flow.consent_page(second_tab)
    second = flow.decide(second_tab, "approve")

    assert query_of(first)["code"]
    assert chosen.status_code == 302
    assert second.status_code == 302
    assert location_base(second) == REDIRECT_URI
    assert query_of(second)["code"] != query_of(first)["code"]


def test_its_pages_hold_no_csrf_token_of_the_site(flow: Flow, client: Client) -> None:
    request_id = flow.start()
    flow.choose(request_id, "lim-wei-ming")

    for page in (flow.authorize(), flow.consent_page(request_id)):
        assert "csrfmiddlewaretoken" not in page.content.decode()
        assert 'name="form_token"' in page.content.decode()


def test_choosing_a_persona_needs_the_pages_form_token(browser: Client) -> None:
    request_id = Flow(browser).start()

    response = browser.post(
        f"{MOUNT}/oauth/authorize/{request_id}/personas", {"persona": "lim-wei-ming"}
    )

    assert response.status_code == 403
    assert "did not come from this sign-in page" in response.content.decode()


def test_a_form_token_works_only_for_its_own_request(browser: Client) -> None:
    flow = Flow(browser)
    mine, other = flow.start(), flow.start()
    flow.pages[mine] = flow.pages[other]

    chose = flow.choose(mine, "lim-wei-ming")
    cancelled = flow.decide(mine, "cancel")

    assert chose.status_code == 403
    assert cancelled.status_code == 403
    assert not cancelled.has_header("Location")


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Origin": "http://evil.example"},
        {"Origin": "null"},
    ],
)
def test_a_post_from_another_site_is_refused_even_with_the_token(
    browser: Client, headers: dict[str, str]
) -> None:
    flow = Flow(browser)
    request_id = flow.start()
    url = f"{MOUNT}/oauth/authorize/{request_id}/consent"

    response = browser.post(url, {**flow.pages[request_id], "decision": "cancel"}, headers=headers)

    assert response.status_code == 403
    assert not response.has_header("Location")


def test_a_post_from_its_own_page_is_accepted(browser: Client) -> None:
    flow = Flow(browser)
    request_id = flow.start()
    headers = {"Sec-Fetch-Site": "same-origin", "Origin": "http://testserver"}
    url = f"{MOUNT}/oauth/authorize/{request_id}/personas"

    response = browser.post(
        url, {**flow.pages[request_id], "persona": "lim-wei-ming"}, headers=headers
    )

    assert response.status_code == 302
