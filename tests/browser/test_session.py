"""A signed-in session as a person lives it: Back after login, two tabs, the header on each page,
the SPA's nav after logging out, and being deactivated while a page is open."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.support.browser.journeys import decide_at_dev_sgid, sign_in, to_dev_sgid

pytestmark = pytest.mark.django_db(transaction=True)

PERSONA = "LIM WEI MING"


def test_back_after_login_lands_on_a_page_with_a_working_way_to_the_service(page, site):
    sign_in(page, site, PERSONA)
    expect(page.get_by_role("heading", name="The data you shared")).to_be_visible()
    page.go_back()
    page.wait_for_load_state()
    page.screens.shot("back")
    # Not the header's brand link, which every page has: the page itself must offer the way.
    links = page.get_by_role("main").locator("a[href]")
    hrefs = [
        href
        for href in links.evaluate_all("links => links.map((a) => a.href)")
        if href.startswith(site) and "/sgid-mock/" not in href and "#" not in href
    ]
    assert hrefs, f"Back from the profile shows {page.url} with no link back to the service"
    response = page.goto(hrefs[0])
    assert response.status < 400, f"{hrefs[0]} answers {response.status}"


def test_two_tabs_at_the_qr_page_both_complete_the_login(page, site):
    second = page.context.new_page()
    to_dev_sgid(page, site)
    to_dev_sgid(second, site)
    for tab in (second, page):  # the later tab first
        tab.get_by_role("button", name=f"Continue as {PERSONA}").click()
        tab.get_by_role("button", name="Approve", exact=True).click()
        expect(tab.get_by_role("heading", name="The data you shared")).to_be_visible()
    page.screens.shot("first-tab")


def test_the_header_shows_who_is_signed_in_and_log_out_on_every_page(page, site):
    sign_in(page, site, PERSONA)
    expect(page.get_by_role("heading", name="The data you shared")).to_be_visible()
    for path in ["/", "/profile", "/account/delete", "/auth/login", "/app/", "/no-such-page"]:
        page.goto(site + path)
        header = page.get_by_role("banner")
        expect(header.get_by_text(PERSONA), f"name in the header of {path}").to_be_visible()
        expect(header.get_by_role("button", name="Log out"), f"Log out on {path}").to_be_visible()
    page.screens.shot("header")
    page.goto(site + "/profile")
    page.get_by_role("banner").get_by_role("button", name="Log out").click()
    expect(page.get_by_text("You are signed out of this site")).to_be_visible()
    expect(page.get_by_role("banner").get_by_text(PERSONA)).to_have_count(0)


def test_the_spa_nav_follows_the_session(page, site):
    page.goto(site + "/app/")
    page.get_by_role("button", name="Log in with sgID").click()
    decide_at_dev_sgid(page, PERSONA)
    expect(page.get_by_role("heading", name="The data you shared")).to_be_visible()
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Your data")).to_be_visible()
    in_app = page.locator("#app").get_by_role("button", name="Log out")
    (in_app if in_app.count() else page.get_by_role("button", name="Log out").first).click()
    expect(page.get_by_text(re.compile("You are signed out"))).to_be_visible()
    expect(nav.get_by_role("link", name="Your data")).to_have_count(0)
    expect(page.get_by_role("banner").get_by_text(PERSONA)).to_have_count(0)
    page.screens.shot("spa-signed-out")


def test_a_citizen_deactivated_mid_session_is_told_why(page, browser, site, django_user_model):
    django_user_model.objects.create_superuser("root-admin", "a@example.gov.sg", "a-passphrase")
    sign_in(page, site, PERSONA)
    expect(page.get_by_role("heading", name="The data you shared")).to_be_visible()

    admin = browser.new_context().new_page()
    admin.set_default_timeout(10_000)
    admin.goto(site + "/admin/login/")
    admin.get_by_label("Username").fill("root-admin")
    admin.get_by_label("Password").fill("a-passphrase")
    admin.get_by_role("button", name="Log in", exact=True).click()
    admin.goto(site + "/admin/accounts/user/")
    admin.get_by_role("row", name=PERSONA).get_by_role("checkbox").check()
    admin.get_by_label("Action:").select_option("deactivate")
    admin.get_by_title("Run the selected action").click()
    expect(admin.get_by_text("1 user deactivated")).to_be_visible()
    admin.context.close()

    # The citizen's page is still open; they reload it: their next request.
    page.reload()
    expect(page.get_by_text(re.compile("deactivated", re.I)).first).to_be_visible()
    page.screens.shot("deactivated")
