"""What a person does at the dev sgID, as steps the browser tests share, in any of the site's
languages (`language`: the names of the buttons and headings a person reads are looked up in the
site's own catalogs, so a step reads the page as a person choosing that language does)."""

from __future__ import annotations

import json
from typing import Any

from playwright.sync_api import expect

from tests.support.words import words


def decide_at_dev_sgid(
    page: Any, persona: str, decision: str = "Approve", *, language: str = "en"
) -> None:
    """On the dev sgID's QR page: choose the persona, then Approve or Cancel on the consent page."""
    t = words(language)
    expect(page.get_by_role("heading", name=t("Scan with Singpass app"))).to_be_visible()
    if decision == "Cancel":
        page.get_by_role("button", name=t("Cancel and return to the service")).click()
        return
    page.get_by_role("button", name=t("Continue as %(name)s", name=persona)).click()
    expect(page.get_by_role("heading", name=t("Share your information?"))).to_be_visible()
    page.get_by_role("button", name=t(decision), exact=True).click()


def sign_in(page: Any, site: str, persona: str, start: str = "/", *, language: str = "en") -> None:
    """From a page with the Log in with sgID button, through the dev sgID, approving."""
    page.goto(site + start)
    page.get_by_role("button", name=words(language)("Log in with sgID")).first.click()
    decide_at_dev_sgid(page, persona, language=language)


def to_dev_sgid(page: Any, site: str, start: str = "/auth/login", *, language: str = "en") -> None:
    """From a page with the Log in with sgID button to the dev sgID's QR page."""
    t = words(language)
    page.goto(site + start)
    page.get_by_role("button", name=t("Log in with sgID")).first.click()
    expect(page.get_by_role("heading", name=t("Scan with Singpass app"))).to_be_visible()


def to_consent(page: Any, site: str, persona: str, *, language: str = "en") -> None:
    """Through the QR page to the dev sgID's consent page, as `persona`."""
    t = words(language)
    to_dev_sgid(page, site, language=language)
    page.get_by_role("button", name=t("Continue as %(name)s", name=persona)).click()
    expect(page.get_by_role("heading", name=t("Share your information?"))).to_be_visible()


def log_out(page: Any, *, language: str = "en") -> None:
    """The header's Log out, on whichever page is showing."""
    page.get_by_role("banner").get_by_role("button", name=words(language)("Log out")).click()


def persona_with_employments(count: int = 2) -> str | None:
    """The name of a dev sgID persona with at least `count` public-service employments."""
    from sgid_mock.personas import PERSONAS

    for persona in PERSONAS:
        try:
            records = json.loads(persona.value("pocdex.public_officer_details"))
        except ValueError:
            continue
        if isinstance(records, list) and len(records) >= count:
            return persona.name
    return None


def persona_names() -> list[str]:
    from sgid_mock.personas import PERSONAS

    return [persona.name for persona in PERSONAS]
