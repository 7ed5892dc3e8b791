"""A public officer with two employments picks the one they act in, sees it in the header, and
changes it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.support.browser.journeys import decide_at_dev_sgid, persona_with_employments, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_officer_with_two_employments_chooses_one_and_changes_it(page, site):
    officer = persona_with_employments()
    if officer is None:
        pytest.skip("no dev sgID persona with two employments yet (sgid_mock/personas.py)")
    sign_in(page, site, officer, start="/auth/login?next=/profile")
    expect(page).to_have_url(re.compile(r"/account/employment(\?|$)"))
    radios = page.get_by_role("radio")
    expect(radios).to_have_count(2)
    page.screens.shot("employment-choice")

    header = page.get_by_role("banner")
    for pick in (1, 0):
        label = page.locator(f"label[for='{radios.nth(pick).get_attribute('id')}']").inner_text()
        radios.nth(pick).check()
        page.get_by_role("button", name="Continue").click()
        expect(page).to_have_url(site + "/profile")
        title = label.split(",")[0].strip()
        expect(header.get_by_text(title), f"{title!r} in the header").to_be_visible()
        page.screens.shot(f"acting-as-{pick}")
        if pick:
            header.locator("a[href^='/account/employment']").click()
            expect(page.get_by_role("radio").nth(1)).to_be_checked()


def test_an_officer_signing_in_through_the_spa_chooses_in_the_spa(page, site):
    """The SPA asks the same question through the API, and its header says and changes the pick."""
    officer = persona_with_employments()
    page.goto(site + "/app/")
    page.get_by_role("button", name="Log in with sgID").click()
    decide_at_dev_sgid(page, officer)
    # Back in the SPA, not on the server's choice page: the question is the SPA's own view.
    expect(page).to_have_url(site + "/app/#/profile")
    expect(page.get_by_role("heading", name="Which employment are you acting in?")).to_be_visible()

    page.get_by_role("button", name="Continue").click()  # nothing picked
    expect(page.get_by_role("alert")).to_have_text("Choose one of your employments.")
    assert page.request.get(site + "/api/me").json()["employment"]["current"] is None

    header = page.get_by_role("banner")
    choices = page.request.get(site + "/api/me").json()["employment"]["choices"]
    for pick in (1, 0):
        page.get_by_role("radio").nth(pick).check()
        page.get_by_role("button", name="Continue").click()
        expect(page.get_by_role("heading", name="The data you shared")).to_be_visible()
        title = choices[pick]["title"]
        expect(header.get_by_text(title), f"{title!r} in the header").to_be_visible()
        assert page.request.get(site + "/api/me").json()["employment"]["current"]["index"] == pick
        if pick:
            header.get_by_role("link", name="Change employment").click()
            expect(page).to_have_url(site + "/app/#/employment")
            expect(page.get_by_role("radio").nth(1)).to_be_checked()

    # A reload keeps the pick: the server renders the header with it, the SPA keeps it.
    page.reload()
    expect(page.get_by_role("heading", name="The data you shared")).to_be_visible()
    expect(header.get_by_text(choices[0]["title"])).to_be_visible()
    expect(header.locator(".acting-as")).to_have_count(1)


def test_the_spa_shows_records_as_labelled_cards(page, site):
    """Children, vehicles and employments as cards, as the server-rendered profile shows them."""
    page.goto(site + "/app/")
    page.get_by_role("button", name="Log in with sgID").click()
    decide_at_dev_sgid(page, "LIM WEI MING")
    expect(page.get_by_role("heading", name="The data you shared")).to_be_visible()
    child = page.locator(".record", has=page.get_by_role("heading", name="Child 1"))
    expect(child).to_have_count(1)
    expect(child.locator(".record-item", has_text="Name")).to_contain_text("LIM JIA HUI")
    expect(child.locator(".record-item", has_text="Date of birth")).to_contain_text("2 June 2015")
    expect(page.get_by_role("table")).to_have_count(0)
