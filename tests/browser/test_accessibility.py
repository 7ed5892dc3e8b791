"""Every designed page, in each of the site's four languages, at a desktop and a phone width:
no WCAG 2.1 AA violation (axe-core), nothing wider than its box, and the page in the language
chosen (its `lang`, and its heading as that language's catalog words it).

The pages are reached as a person reaches them (through the dev sgID, by failing a login, ...),
reading the buttons in the chosen language. Their screenshots go to the run's folder, or, with
SGID_SCREENSHOTS set to a folder (as `make screenshots` does), the main ones are written there
for the README, and one page in each other language.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.template.loader import render_to_string
from django.utils import translation
from playwright.sync_api import expect

from accounts.models import LoginEvent, User
from tests.support.browser.axe import AXE, violations
from tests.support.browser.clicks import LANGUAGE_COOKIE
from tests.support.browser.journeys import (
    decide_at_dev_sgid,
    persona_with_employments,
    sign_in,
)
from tests.support.browser.overflow import overflowing
from tests.support.words import words

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 375, "height": 740}}
# The pages the README shows.
README_PAGES = {
    "home",
    "sgid-qr",
    "sgid-consent",
    "profile-records",
    "error-cancelled",
    "spa-profile",
    "employment-choice",
    "admin-users",
    "admin-loginevents",
}
# For each other language, the README shows one page: the shared data, on a phone.
README_PAGE_PER_LANGUAGE = ("profile-records", "phone")
LANGUAGES = [code for code, _name in django_settings.LANGUAGES]


@pytest.fixture
def axe_page(browser, request):
    if not AXE.exists():
        missing = pytest.fail if os.environ.get("SGID_REQUIRE_BROWSER") else pytest.skip
        missing("axe-core is missing: `npm ci` installs it (make test does)")
    contexts = []

    def open_page(width: str, language: str = "en", site: str | None = None):
        # axe is injected as a script; bypass_csp lets it in without loosening the site's policy.
        context = browser.new_context(viewport=WIDTHS[width], bypass_csp=True)
        if site is not None:  # the language a person chose with the header's chooser
            context.add_cookies([{"name": LANGUAGE_COOKIE, "value": language, "url": site}])
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield open_page
    for context in contexts:
        context.close()


class Audit:
    def __init__(self, page, width: str, language: str = "en") -> None:
        self.page = page
        self.width = width
        self.language = language
        self.found: dict[str, list[str]] = {}
        target = os.environ.get("SGID_SCREENSHOTS")
        self.readme_dir = Path(target) if target else None

    def check(self, name: str, heading: str | None = None) -> None:
        """Audit the page showing now; `heading` proves it is the page `name` says."""
        self.page.wait_for_load_state("networkidle")
        if heading is not None:
            expect(self.page.get_by_role("heading", name=heading, level=1)).to_be_visible()
        expect(self.page.locator("html")).to_have_attribute("lang", self.language)
        problems = violations(self.page) + [f"overflows: {line}" for line in overflowing(self.page)]
        if problems:
            self.found[f"{name} @ {self.width} in {self.language}"] = problems
        shots = self.page.screens if hasattr(self.page, "screens") else None
        if self.readme_dir and self._for_readme(name):
            self.readme_dir.mkdir(parents=True, exist_ok=True)
            suffix = "" if self.language == "en" else f"-{self.language}"
            self.page.screenshot(
                path=str(self.readme_dir / f"{name}{suffix}-{self.width}.png"), full_page=True
            )
        elif shots:
            shots.shot(f"{name}-{self.width}")

    def _for_readme(self, name: str) -> bool:
        if self.language == "en":
            return name in README_PAGES
        return (name, self.width) == README_PAGE_PER_LANGUAGE


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("width", list(WIDTHS))
def test_every_page_passes_axe(axe_page, site, settings, width, language):
    page = axe_page(width, language, site)
    audit = Audit(page, width, language)
    t = words(language)

    page.goto(site + "/")
    audit.check("home")
    page.goto(site + "/auth/login?next=/profile")
    audit.check("login", t("Log in"))
    page.get_by_role("button", name=t("Log in with sgID")).click()
    expect(page.get_by_role("heading", name=t("Scan with Singpass app"))).to_be_visible()
    audit.check("sgid-qr")
    page.get_by_role(
        "button", name=t("Continue as %(name)s", name="NUR AISYAH BINTE RAHMAN")
    ).click()
    audit.check("sgid-consent")
    page.get_by_role("button", name=t("Approve"), exact=True).click()
    expect(page.get_by_role("heading", name=t("The data you shared"))).to_be_visible()
    audit.check("profile-records")
    page.goto(site + "/")
    audit.check("home-signed-in")
    page.goto(site + "/account/delete")
    audit.check("delete-account", t("Delete your account?"))
    page.goto(site + "/")
    page.get_by_role("button", name=t("Log out")).click()
    audit.check("logged-out", t("Sign in with your Singpass app"))

    sign_in(page, site, "KOH AH BENG", language=language)
    audit.check("profile-not-available")
    page.get_by_role("button", name=t("Log out")).click()

    # Each login error, reached as a person would.
    page.goto(site + "/auth/login")
    page.get_by_role("button", name=t("Log in with sgID")).click()
    page.get_by_role("button", name=t("Cancel and return to the service")).click()
    expect(page).to_have_url(site + "/auth/failed")
    audit.check("error-cancelled", t("You cancelled signing in"))
    page.goto(site + "/auth/callback?state=stale&code=x")
    audit.check("error-expired", t("This sign-in link has expired or was already used"))
    sub = _sub_of(page, site, "LIM WEI MING", language)
    User.objects.create(sub=sub, username="lim", is_active=False)
    sign_in(page, site, "LIM WEI MING", language=language)
    audit.check("error-disabled", t("This account is deactivated"))
    # sgID refusing our client (unavailable), and an answer we cannot decrypt (untrusted).
    from tests.support import material

    for category, heading, setting, value in [
        ("error-unavailable", "sgID is not available right now", "SGID_CLIENT_SECRET", "wrong"),
        (
            "error-untrusted",
            "We could not verify your sign-in",
            "SGID_PRIVATE_KEY",
            material.pem(material.rsa_key("stranger")),
        ),
    ]:
        page.goto(site + "/auth/login")
        page.get_by_role("button", name=t("Log in with sgID")).click()
        page.get_by_role("button", name=t("Continue as %(name)s", name="PRIYA RAMASAMY")).click()
        original = getattr(settings, setting)
        setattr(settings, setting, value)
        page.get_by_role("button", name=t("Approve"), exact=True).click()
        audit.check(category, t(heading))
        setattr(settings, setting, original)

    # 400, 403, 404, 500 and the CSRF page.
    # More fields than DATA_UPLOAD_MAX_NUMBER_FIELDS, on a page that reads its query.
    page.goto(site + "/auth/login?" + "&".join(f"f{i}=1" for i in range(1100)))
    audit.check("400", t("We could not understand that request"))
    page.set_content(f'<form method="post" action="{site}/auth/login"><button>go</button></form>')
    page.get_by_role("button", name="go").click()
    audit.check("403-csrf", t("This form has expired"))
    page.goto(site + "/no-such-page")
    audit.check("404", t("Page not found"))
    with translation.override(language):
        five_hundred = render_to_string("500.html", {"request_id": "0123456789abcdef"})
    page.route(
        site + "/boom",
        lambda route: route.fulfill(
            status=500,
            content_type="text/html",
            body=five_hundred,
        ),
    )
    page.goto(site + "/boom")
    audit.check("500", t("Something went wrong on our side"))

    # A public officer with two employments chooses one.
    if officer := persona_with_employments():
        sign_in(page, site, officer, start="/auth/login?next=/profile", language=language)
        audit.check("employment-choice", t("Which employment are you acting in?"))
        page.goto(site + "/")
        page.get_by_role("button", name=t("Log out")).first.click()

    # The single-page app demo.
    page.goto(site + "/app/")
    expect(page.get_by_role("heading", name=t("Sign in with your Singpass app"))).to_be_visible()
    audit.check("spa-home")
    page.get_by_role("button", name=t("Log in with sgID")).click()
    decide_at_dev_sgid(page, "NGUYỄN THỊ MAI", language=language)
    expect(page.get_by_role("heading", name=t("The data you shared"))).to_be_visible()
    audit.check("spa-profile")
    page.get_by_role("button", name=t("Log out")).click()
    expect(page.get_by_role("button", name=t("Log in with sgID"))).to_be_visible()
    if officer:  # the SPA asks a public officer the same question, in the SPA
        page.get_by_role("button", name=t("Log in with sgID")).click()
        decide_at_dev_sgid(page, officer, language=language)
        audit.check("spa-employment-choice", t("Which employment are you acting in?"))
        page.get_by_role("radio").first.check()
        page.get_by_role("button", name=t("Continue")).click()
        expect(page.get_by_role("heading", name=t("The data you shared"))).to_be_visible()
        audit.check("spa-profile-acting-as")
    page.goto(site + "/app/#/error?code=expired")
    audit.check("spa-error", t("This sign-in link has expired or was already used"))

    assert audit.found == {}, "\n".join(
        f"{where}:\n  " + "\n  ".join(problems) for where, problems in audit.found.items()
    )


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("width", list(WIDTHS))
def test_admin_pages_pass_axe(axe_page, site, django_user_model, width, language):
    page = axe_page(width, language, site)
    audit = Audit(page, width, language)
    t = words(language)  # Django's own admin strings come from Django's catalogs
    django_user_model.objects.create_superuser("root-admin", "a@example.gov.sg", "a-passphrase")
    citizen = django_user_model.objects.create(sub="sub-of-lim", username="lim", name="LIM AH SENG")
    event = LoginEvent.objects.create(outcome="success", user=citizen, request_id="req-0123456789")
    LoginEvent.objects.create(outcome="cancelled", request_id="req-9876543210")

    page.goto(site + "/admin/login/")
    audit.check("admin-login")
    page.get_by_label(t("username")).fill("root-admin")
    page.get_by_label(t("password")).fill("a-passphrase")
    page.get_by_role("button", name=t("Log in"), exact=True).click()
    audit.check("admin-index", t("Site administration"))
    for name, path in [
        ("admin-users", "/admin/accounts/user/"),
        ("admin-user", f"/admin/accounts/user/{citizen.pk}/change/"),
        ("admin-loginevents", "/admin/accounts/loginevent/"),
        ("admin-loginevent", f"/admin/accounts/loginevent/{event.pk}/change/"),
        ("admin-summary", "/admin/accounts/loginevent/summary/"),
    ]:
        page.goto(site + path)
        audit.check(name)

    assert audit.found == {}, "\n".join(
        f"{where}:\n  " + "\n  ".join(problems) for where, problems in audit.found.items()
    )


def _sub_of(page, site, persona: str, language: str) -> str:
    """The pairwise sub the dev sgID gives this persona: sign in once and read /api/me."""
    sign_in(page, site, persona, language=language)
    sub = page.request.get(site + "/api/me").json()["sub"]
    page.goto(site + "/")
    page.get_by_role("button", name=words(language)("Log out")).click()
    User.objects.filter(sub=sub).delete()
    return sub
