"""Both integration patterns in a real browser, clicked through the dev sgID's pages."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.support.browser.journeys import decide_at_dev_sgid

pytestmark = pytest.mark.django_db(transaction=True)

PERSONA = "NGUYỄN THỊ MAI"


def through_dev_sgid(page, decision: str) -> None:
    expect(page.locator("svg").first).to_be_visible()
    page.screens.shot("sgid-qr")
    decide_at_dev_sgid(page, PERSONA, decision)


def test_server_rendered_login_profile_and_logout(page, site):
    page.goto(site + "/")
    page.screens.shot("home")
    page.get_by_role("button", name="Log in with sgID").click()
    through_dev_sgid(page, "Approve")

    expect(page).to_have_url(site + "/profile")
    expect(page.get_by_role("heading", name="The data you shared")).to_be_visible()
    expect(page.locator("dd", has_text=PERSONA)).to_be_visible()
    expect(page.get_by_text("S****125G")).to_be_visible()
    page.screens.shot("profile")

    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(site + "/")
    expect(page.get_by_text("You are signed out of this site")).to_be_visible()
    expect(page.get_by_role("button", name="Log in with sgID")).to_be_visible()
    page.screens.shot("logged-out")
    assert page.request.get(site + "/api/me").status == 401


def test_server_rendered_cancel_shows_the_cancelled_page(page, site):
    page.goto(site + "/auth/login")
    page.get_by_role("button", name="Log in with sgID").click()
    through_dev_sgid(page, "Cancel")
    expect(page.get_by_role("heading", name="You cancelled signing in")).to_be_visible()
    expect(page.get_by_role("button", name="Try again")).to_be_visible()
    page.screens.shot("cancelled")


def test_spa_login_profile_and_logout(page, site):
    page.goto(site + "/app/")
    expect(page.get_by_role("heading", name="Sign in with your Singpass app")).to_be_visible()
    page.screens.shot("spa-home")
    page.get_by_role("button", name="Log in with sgID").click()
    through_dev_sgid(page, "Approve")

    expect(page).to_have_url(site + "/app/#/profile")
    expect(page.get_by_role("heading", name="The data you shared")).to_be_visible()
    expect(page.locator("dd", has_text=PERSONA)).to_be_visible()
    expect(page.get_by_text("S****125G")).to_be_visible()
    expect(page.get_by_text("10 SAMPLE ROAD")).to_be_visible()
    page.screens.shot("spa-profile")

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_text("You are signed out")).to_be_visible()
    expect(page.get_by_role("button", name="Log in with sgID")).to_be_visible()
    page.screens.shot("spa-logged-out")
    assert page.request.get(site + "/api/me").status == 401


def test_spa_cancel_lands_on_its_error_route(page, site):
    page.goto(site + "/app/")
    page.get_by_role("button", name="Log in with sgID").click()
    through_dev_sgid(page, "Cancel")
    expect(page).to_have_url(re.compile(r"/app/#/error\?code=cancelled(&reference=[0-9a-f]+)?$"))
    expect(page.get_by_role("heading", name="You cancelled signing in")).to_be_visible()
    expect(page.get_by_role("button", name="Try again")).to_be_visible()
    page.screens.shot("spa-cancelled")


def test_spa_shows_the_signed_out_state_on_a_401(page, site):
    page.goto(site + "/app/#/profile")
    expect(page.get_by_role("button", name="Log in with sgID")).to_be_visible()
