"""What a person does at the dev sgID, as steps the browser tests share."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect


def decide_at_dev_sgid(page: Any, persona: str, decision: str = "Approve") -> None:
    """On the dev sgID's QR page: choose the persona, then Approve or Cancel on the consent page."""
    expect(page.get_by_role("heading", name="Scan with Singpass app")).to_be_visible()
    if decision == "Cancel":
        page.get_by_role("button", name="Cancel and return to the service").click()
        return
    page.get_by_role("button", name=f"Continue as {persona}").click()
    expect(page.get_by_role("heading", name="Share your information?")).to_be_visible()
    page.get_by_role("button", name=decision, exact=True).click()


def sign_in(page: Any, site: str, persona: str, start: str = "/") -> None:
    """From a page with the Log in with sgID button, through the dev sgID, approving."""
    page.goto(site + start)
    page.get_by_role("button", name="Log in with sgID").first.click()
    decide_at_dev_sgid(page, persona)
