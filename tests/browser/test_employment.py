"""A public officer with two employments picks the one they act in, sees it in the header, and
changes it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.journeys import persona_with_employments, sign_in

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
