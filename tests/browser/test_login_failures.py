"""A login that fails ends on the failure page at its own URL: a reload shows the same page with
the same reference, and Try again starts a new login at the dev sgID."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.support.browser.journeys import log_out, to_consent, to_dev_sgid

pytestmark = pytest.mark.django_db(transaction=True)

PERSONA = "PRIYA RAMASAMY"
CANCELLED = "You cancelled signing in"
EXPIRED = "This sign-in link has expired or was already used"


def cancel_at_consent(page, site) -> str:
    to_consent(page, site, PERSONA)
    page.get_by_role("button", name="Cancel", exact=True).click()
    return CANCELLED


def cancel_at_qr(page, site) -> str:
    to_dev_sgid(page, site)
    page.get_by_role("button", name="Cancel and return to the service").click()
    return CANCELLED


def replay_callback(page, site) -> str:
    """Sign in, note the callback URL the dev sgID sent (code, state), log out, go to it again."""
    callbacks: list[str] = []
    page.on("request", lambda r: callbacks.append(r.url) if "/auth/callback?" in r.url else None)
    to_consent(page, site, PERSONA)
    page.get_by_role("button", name="Approve", exact=True).click()
    expect(page.get_by_role("heading", name="The data you shared")).to_be_visible()
    log_out(page)
    expect(page.get_by_text("You are signed out of this site")).to_be_visible()
    page.goto(callbacks[0])
    return EXPIRED


@pytest.mark.parametrize("fail", [cancel_at_consent, cancel_at_qr, replay_callback])
def test_a_failure_page_survives_a_reload_and_try_again_works(page, site, fail):
    heading = fail(page, site)
    expect(page).to_have_url(site + "/auth/failed")
    expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()
    reference = page.locator("p.reference code").inner_text()
    page.screens.shot("failed")

    page.reload()
    expect(page).to_have_url(site + "/auth/failed")
    expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()
    expect(page.locator("p.reference code")).to_have_text(reference)

    answers: list[int] = []
    page.on("response", lambda r: answers.append(r.status) if r.url.startswith(site) else None)
    page.get_by_role("button", name="Try again").click()
    expect(page.get_by_role("heading", name="Scan with Singpass app")).to_be_visible()
    assert [status for status in answers if status >= 400] == []
    page.screens.shot("try-again")


def test_the_spa_error_route_shows_a_reference(page, site):
    page.goto(site + "/app/")
    page.get_by_role("button", name="Log in with sgID").click()
    page.get_by_role("button", name="Cancel and return to the service").click()
    expect(page).to_have_url(re.compile(r"/app/#/error\?"))
    expect(page.get_by_role("heading", name=CANCELLED)).to_be_visible()
    expect(page.get_by_text(re.compile("quote this reference", re.I))).to_be_visible()
    assert re.search(r"[0-9a-f]{12,}", page.locator("#app").inner_text()), "no reference shown"
