"""Every designed page, at a desktop and a phone width, has no WCAG 2.1 AA violation (axe-core).

The pages are reached as a person reaches them (through the dev sgID, by failing a login, ...).
Their screenshots go to the run's folder, or, with SGID_SCREENSHOTS set to a folder (as
`bin/screenshots` does), the main ones are written there for the README.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from playwright.sync_api import expect

from accounts.models import LoginEvent, User
from tests.support.browser.axe import AXE, violations
from tests.support.browser.journeys import decide_at_dev_sgid, persona_with_employments, sign_in

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


@pytest.fixture
def axe_page(browser, request):
    if not AXE.exists():
        missing = pytest.fail if os.environ.get("SGID_REQUIRE_BROWSER") else pytest.skip
        missing("axe-core is missing: `npm ci` installs it (make test does)")
    contexts = []

    def open_page(width: str):
        # axe is injected as a script; bypass_csp lets it in without loosening the site's policy.
        context = browser.new_context(viewport=WIDTHS[width], bypass_csp=True)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield open_page
    for context in contexts:
        context.close()


class Audit:
    def __init__(self, page, width: str) -> None:
        self.page = page
        self.width = width
        self.found: dict[str, list[str]] = {}
        target = os.environ.get("SGID_SCREENSHOTS")
        self.readme_dir = Path(target) if target else None

    def check(self, name: str, heading: str | None = None) -> None:
        """Audit the page showing now; `heading` proves it is the page `name` says."""
        self.page.wait_for_load_state("networkidle")
        if heading is not None:
            expect(self.page.get_by_role("heading", name=heading, level=1)).to_be_visible()
        problems = violations(self.page)
        if problems:
            self.found[f"{name} @ {self.width}"] = problems
        shots = self.page.screens if hasattr(self.page, "screens") else None
        if self.readme_dir and name in README_PAGES:
            self.readme_dir.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(
                path=str(self.readme_dir / f"{name}-{self.width}.png"), full_page=True
            )
        elif shots:
            shots.shot(f"{name}-{self.width}")


@pytest.mark.parametrize("width", list(WIDTHS))
def test_every_page_passes_axe(axe_page, site, settings, width):
    page = axe_page(width)
    audit = Audit(page, width)

    page.goto(site + "/")
    audit.check("home")
    page.goto(site + "/auth/login?next=/profile")
    audit.check("login", "Log in")
    page.get_by_role("button", name="Log in with sgID").click()
    expect(page.get_by_role("heading", name="Scan with Singpass app")).to_be_visible()
    audit.check("sgid-qr")
    page.get_by_role("button", name="Continue as NUR AISYAH BINTE RAHMAN").click()
    audit.check("sgid-consent")
    page.get_by_role("button", name="Approve", exact=True).click()
    expect(page.get_by_role("heading", name="The data you shared")).to_be_visible()
    audit.check("profile-records")
    page.goto(site + "/")
    audit.check("home-signed-in")
    page.goto(site + "/account/delete")
    audit.check("delete-account", "Delete your account?")
    page.goto(site + "/")
    page.get_by_role("button", name="Log out").click()
    audit.check("logged-out", "Sign in with your Singpass app")

    sign_in(page, site, "KOH AH BENG")
    audit.check("profile-not-available")
    page.get_by_role("button", name="Log out").click()

    # Each login error, reached as a person would.
    page.goto(site + "/auth/login")
    page.get_by_role("button", name="Log in with sgID").click()
    page.get_by_role("button", name="Cancel and return to the service").click()
    expect(page).to_have_url(site + "/auth/failed")
    audit.check("error-cancelled", "You cancelled signing in")
    page.goto(site + "/auth/callback?state=stale&code=x")
    audit.check("error-expired", "This sign-in link has expired or was already used")
    User.objects.create(sub=_sub_of(page, site, "LIM WEI MING"), username="lim", is_active=False)
    sign_in(page, site, "LIM WEI MING")
    audit.check("error-disabled", "This account is deactivated")
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
        page.get_by_role("button", name="Log in with sgID").click()
        page.get_by_role("button", name="Continue as PRIYA RAMASAMY").click()
        original = getattr(settings, setting)
        setattr(settings, setting, value)
        page.get_by_role("button", name="Approve", exact=True).click()
        audit.check(category, heading)
        setattr(settings, setting, original)

    # 400, 403, 404, 500 and the CSRF page.
    # More fields than DATA_UPLOAD_MAX_NUMBER_FIELDS, on a page that reads its query.
    page.goto(site + "/auth/login?" + "&".join(f"f{i}=1" for i in range(1100)))
    audit.check("400", "We could not understand that request")
    page.set_content(f'<form method="post" action="{site}/auth/login"><button>go</button></form>')
    page.get_by_role("button", name="go").click()
    audit.check("403-csrf", "This form has expired")
    page.goto(site + "/no-such-page")
    audit.check("404", "Page not found")
    page.route(
        site + "/boom",
        lambda route: route.fulfill(
            status=500,
            content_type="text/html",
            body=render_to_string("500.html", {"request_id": "0123456789abcdef"}),
        ),
    )
    page.goto(site + "/boom")
    audit.check("500", "Something went wrong on our side")

    # A public officer with two employments chooses one.
    if officer := persona_with_employments():
        sign_in(page, site, officer, start="/auth/login?next=/profile")
        audit.check("employment-choice", "Which employment are you acting in?")
        page.goto(site + "/")
        page.get_by_role("button", name="Log out").first.click()

    # The single-page app demo.
    page.goto(site + "/app/")
    expect(page.get_by_role("heading", name="Sign in with your Singpass app")).to_be_visible()
    audit.check("spa-home")
    page.get_by_role("button", name="Log in with sgID").click()
    decide_at_dev_sgid(page, "NGUYỄN THỊ MAI")
    expect(page.get_by_role("heading", name="The data you shared")).to_be_visible()
    audit.check("spa-profile")
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("button", name="Log in with sgID")).to_be_visible()
    if officer:  # the SPA asks a public officer the same question, in the SPA
        page.get_by_role("button", name="Log in with sgID").click()
        decide_at_dev_sgid(page, officer)
        audit.check("spa-employment-choice", "Which employment are you acting in?")
        page.get_by_role("radio").first.check()
        page.get_by_role("button", name="Continue").click()
        expect(page.get_by_role("heading", name="The data you shared")).to_be_visible()
        audit.check("spa-profile-acting-as")
    page.goto(site + "/app/#/error?code=expired")
    expect(page.get_by_role("heading", name=re.compile("expired"))).to_be_visible()
    audit.check("spa-error")

    assert audit.found == {}, "\n".join(
        f"{where}:\n  " + "\n  ".join(problems) for where, problems in audit.found.items()
    )


@pytest.mark.parametrize("width", list(WIDTHS))
def test_admin_pages_pass_axe(axe_page, site, django_user_model, width):
    page = axe_page(width)
    audit = Audit(page, width)
    django_user_model.objects.create_superuser("root-admin", "a@example.gov.sg", "a-passphrase")
    citizen = django_user_model.objects.create(sub="sub-of-lim", username="lim", name="LIM AH SENG")
    event = LoginEvent.objects.create(outcome="success", user=citizen, request_id="req-0123456789")
    LoginEvent.objects.create(outcome="cancelled", request_id="req-9876543210")

    page.goto(site + "/admin/login/")
    audit.check("admin-login")
    page.get_by_label("Username").fill("root-admin")
    page.get_by_label("Password").fill("a-passphrase")
    page.get_by_role("button", name="Log in", exact=True).click()
    audit.check("admin-index", "Site administration")
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


def _sub_of(page, site, persona: str) -> str:
    """The pairwise sub the dev sgID gives this persona: sign in once and read /api/me."""
    sign_in(page, site, persona)
    sub = page.request.get(site + "/api/me").json()["sub"]
    page.goto(site + "/")
    page.get_by_role("button", name="Log out").click()
    User.objects.filter(sub=sub).delete()
    return sub
