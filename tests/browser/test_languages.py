"""A person picks their language in the header, by mouse or keyboard, and keeps it: through a
login at the dev sgID, on their data, in the single-page app and in the admin. On a first visit
their browser's language is the one shown."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_keyboard import tab_to
from tests.support.browser.journeys import decide_at_dev_sgid
from tests.support.words import words

pytestmark = pytest.mark.django_db(transaction=True)

ms, zh, ta = words("ms"), words("zh-hans"), words("ta")


def chooser(page):
    return page.get_by_role("form", name=re.compile("."))


def test_a_first_visit_is_in_the_browser_s_language(browser, site):
    context = browser.new_context(locale="ta-SG")  # Accept-Language: ta-SG
    page = context.new_page()
    page.goto(site + "/")
    expect(page.locator("html")).to_have_attribute("lang", "ta")
    expect(page.get_by_role("heading", level=1)).to_have_text(ta("Sign in with your Singpass app"))
    expect(page.get_by_role("button", name="தமிழ்")).to_have_attribute("aria-current", "true")
    context.close()


def test_the_chooser_switches_and_the_language_lasts_through_a_login(page, site):
    page.goto(site + "/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("banner").get_by_role("button", name="Bahasa Melayu").click()
    expect(page).to_have_url(site + "/")
    expect(page.locator("html")).to_have_attribute("lang", "ms")
    expect(page.get_by_role("heading", level=1)).to_have_text(ms("Sign in with your Singpass app"))

    # Log in at the dev sgID, reading its pages in Malay.
    page.get_by_role("button", name=ms("Log in with sgID")).click()
    decide_at_dev_sgid(page, "LIM WEI MING", language="ms")
    expect(page.get_by_role("heading", name=ms("The data you shared"))).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "ms")
    profile = page.locator("dl.profile").inner_text()
    assert "LIM WEI MING" in profile  # sgID's value, as sgID sent it
    assert re.search(
        r"\b\d{1,2} (Januari|Februari|Mac|April|Mei|Jun|Julai|Ogos|September|"
        r"Oktober|November|Disember) \d{4}\b",
        profile,
    ), profile

    # On their data, to Chinese: the same page, still signed in.
    page.get_by_role("button", name="简体中文").click()
    expect(page).to_have_url(site + "/profile")
    expect(page.get_by_role("heading", name=zh("The data you shared"))).to_be_visible()
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日", page.locator("dl.profile").inner_text())
    expect(page.get_by_role("banner").get_by_role("button", name=zh("Log out"))).to_be_visible()
    # Back, and a reload: the page comes again in the language chosen, not the one it had.
    page.go_back()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    page.reload()
    expect(page.get_by_role("heading", name=zh("The data you shared"))).to_be_visible()
    page.go_forward()

    # Logged out and back in: the choice stays.
    page.get_by_role("banner").get_by_role("button", name=zh("Log out")).click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    page.get_by_role("button", name=zh("Log in with sgID")).click()
    decide_at_dev_sgid(page, "LIM WEI MING", language="zh-hans")
    expect(page.get_by_role("heading", name=zh("The data you shared"))).to_be_visible()


def test_the_chooser_works_from_the_keyboard(page, site):
    page.goto(site + "/auth/login?next=/profile")
    tab_to(page, "தமிழ்")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(ta("Log in"))
    expect(page).to_have_url(site + "/auth/login?next=/profile")
    focused_after = page.evaluate("() => document.activeElement.tagName")
    assert focused_after in {"BODY", "H1", "MAIN"}  # a new page, read from its top


def test_the_single_page_app_keeps_its_view_when_the_language_changes(page, site):
    page.goto(site + "/app/#/error?code=cancelled")
    expect(page.get_by_role("heading", name="You cancelled signing in")).to_be_visible()
    page.get_by_role("button", name="தமிழ்").click()
    expect(page).to_have_url(site + "/app/#/error?code=cancelled")
    expect(page.get_by_role("heading", name=ta("You cancelled signing in"))).to_be_visible()
    # The SPA's own strings (views.js, through /jsi18n/) are in Tamil too.
    expect(page.get_by_role("button", name=ta("Try again"))).to_be_visible()


def test_the_admin_has_the_chooser_too(page, site, django_user_model):
    django_user_model.objects.create_superuser("root-admin", "a@example.gov.sg", "a-passphrase")
    page.goto(site + "/admin/login/")
    page.get_by_role("button", name="Bahasa Melayu").click()
    expect(page.locator("html")).to_have_attribute("lang", "ms")
    page.get_by_label(ms("username")).fill("root-admin")
    page.get_by_label(ms("password")).fill("a-passphrase")
    page.get_by_role("button", name=ms("Log in"), exact=True).click()
    expect(page.get_by_role("heading", name=ms("Site administration"))).to_be_visible()
    expect(page.get_by_role("button", name="Bahasa Melayu")).to_have_attribute(
        "aria-current", "true"
    )
