"""A person using only a keyboard signs in through the dev sgID and signs out."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)

MAX_TABS = 40


def tab_to(page, text: str) -> None:
    """Press Tab until the focused control's text is `text`; it must have a visible focus ring."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => { const e = document.activeElement;"
            " return {text: (e.innerText || e.value || '').trim(),"
            " outline: getComputedStyle(e).outlineStyle} }"
        )
        if focused["text"] == text:
            assert focused["outline"] != "none", f"no visible focus on {text!r}"
            return
    raise AssertionError(f"{text!r} is not reachable with Tab")


def test_keyboard_only_login_and_logout(page, site):
    page.goto(site + "/")
    page.keyboard.press("Tab")
    first = page.evaluate("() => document.activeElement.textContent.trim()")
    assert first == "Skip to main content"

    tab_to(page, "Log in with sgID")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Scan with Singpass app")).to_be_visible()
    tab_to(page, "Continue as LIM WEI MING")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Share your information?")).to_be_visible()
    tab_to(page, "Approve")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="The data you shared")).to_be_visible()
    page.screens.shot("keyboard-profile")

    tab_to(page, "Log out")
    page.keyboard.press("Enter")
    expect(page.get_by_text("You are signed out of this site")).to_be_visible()
    assert page.request.get(site + "/api/me").status == 401


def test_the_skip_link_moves_focus_to_the_content(page, site):
    page.goto(site + "/")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"


def test_an_error_page_puts_focus_on_its_message(page, site):
    page.goto(site + "/auth/callback?state=stale")
    focused = page.evaluate("() => document.activeElement.textContent.trim()")
    assert focused == "This sign-in link has expired or was already used"
