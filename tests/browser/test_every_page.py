"""Every page, at a phone and a desktop width: nothing wider than its box, and every link and
button on it answers without an unexpected 4xx or 5xx (see clicks.py and overflow.py).

A walk signs in once and goes on in that session. Each page it shows is checked for overflow at
375, 1280 and 1920 px; on each, every link is followed and every button pressed once, at the
first of 1280 and 375 px where a person can press it. The findings of a walk are gathered and
reported together, so one run shows all of them.
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from accounts.models import LoginEvent
from tests.support.browser.clicks import FAILURE_PAGE, LANGUAGE_COOKIE, Prober
from tests.support.browser.journeys import (
    decide_at_dev_sgid,
    persona_names,
    persona_with_employments,
    to_consent,
    to_dev_sgid,
)
from tests.support.words import words

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = [375, 1280, 1920]
PERSONA = "LIM WEI MING"  # the fullest record: children, vehicles, a long address
ADMIN = ("root-admin", "a-long-passphrase")


@pytest.fixture
def walk(browser, site):
    """The walk's tab and its prober, in one browser context (one session)."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.set_default_timeout(10_000)
    prober = Prober(site, context, WIDTHS)
    page = context.new_page()
    yield page, prober
    context.close()


def test_citizen_pages_click_through_and_fit(walk, site):
    page, prober = walk

    def visit(name: str, path: str, **options) -> None:
        # The SPA renders after asking /api/me: wait for the network to settle there.
        page.goto(site + path, wait_until="networkidle" if path.startswith("/app/") else "load")
        prober.look(page, name)
        prober.probe(name, path, **options)

    visit("home", "/")
    visit("login", "/auth/login?next=/profile")
    visit("spa-home", "/app/")

    to_dev_sgid(page, site)
    prober.look(page, "sgid-qr")
    qr_page = page.url  # loading it again starts a new request at the dev sgID, same login
    prober.probe(
        "sgid-qr",
        lambda tab: tab.goto(qr_page),
        expect={"Cancel and return to the service": FAILURE_PAGE},
    )
    page.get_by_role("button", name=f"Continue as {PERSONA}").click()
    prober.look(page, "sgid-consent")
    prober.probe(
        "sgid-consent",
        lambda tab: to_consent(tab, site, PERSONA),
        # Approving in the probe tab signs this context in as PERSONA, as the walk is about to.
        expect={"Cancel": FAILURE_PAGE},
    )

    # The failure pages, reached as a person reaches them.
    def cancelled(tab) -> None:
        to_dev_sgid(tab, site)
        tab.get_by_role("button", name="Cancel and return to the service").click()
        expect(tab.get_by_role("heading", name="You cancelled signing in")).to_be_visible()

    cancelled(page)
    prober.look(page, "failed-cancelled")
    prober.probe("failed-cancelled", cancelled)

    def stale(tab) -> None:
        tab.goto(site + "/auth/callback?state=stale&code=x")
        expect(
            tab.get_by_role("heading", name="This sign-in link has expired or was already used")
        ).to_be_visible()

    stale(page)
    prober.look(page, "failed-expired")
    prober.probe("failed-expired", stale)

    visit("spa-error", "/app/#/error?code=cancelled")

    # Signed in.
    to_consent(page, site, PERSONA)
    page.get_by_role("button", name="Approve", exact=True).click()
    expect(page.get_by_role("heading", name="The data you shared")).to_be_visible()
    visit("profile", "/profile")
    visit("home-signed-in", "/")
    visit("delete-account", "/account/delete")
    visit("spa-signed-in", "/app/")
    visit("spa-profile", "/app/#/profile")

    if officer := persona_with_employments():
        to_dev_sgid(page, site, "/auth/login?next=/profile")
        decide_at_dev_sgid(page, officer)
        page.wait_for_load_state()
        if re.search(r"/account/employment(\?|$)", page.url):
            prober.look(page, "employment-choice")
            prober.probe("employment-choice", "/account/employment")
        else:
            prober.problems.append(f"{officer}'s login ends at {page.url}, not /account/employment")

    assert prober.problems == [], prober.report()


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_every_persona_record_fits_at_every_width(browser, site, language):
    """Each persona's shared data, server-rendered and in the SPA, at 375, 1280 and 1920 px, in
    each language (Malay and Tamil labels run longer than English ones)."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.add_cookies([{"name": LANGUAGE_COOKIE, "value": language, "url": site}])
    context.set_default_timeout(10_000)
    prober = Prober(site, context, [375, 1280, 1920])
    page = context.new_page()
    t = words(language)
    for persona in persona_names():
        to_dev_sgid(page, site, "/auth/login?next=/profile", language=language)
        decide_at_dev_sgid(page, persona, language=language)
        page.wait_for_load_state()
        if re.search(r"/account/employment(\?|$)", page.url):  # a public officer, asked first
            prober.look(page, f"employment choice of {persona}")
            page.get_by_role("radio").first.check()
            page.get_by_role("button", name=t("Continue")).click()
        prober.look(page, f"profile of {persona} ({page.url.removeprefix(site)})")
        page.goto(site + "/app/#/profile")
        expect(page.get_by_role("heading", name=t("The data you shared"))).to_be_visible()
        prober.look(page, f"spa-profile of {persona}")
    context.close()
    assert prober.problems == [], prober.report()


def test_admin_pages_click_through_and_fit(walk, site, django_user_model):
    page, prober = walk
    django_user_model.objects.create_superuser(ADMIN[0], "a@example.gov.sg", ADMIN[1])
    citizen = django_user_model.objects.create(sub="sub-of-lim", username="lim", name="LIM AH SENG")
    event = LoginEvent.objects.create(
        outcome="success",
        user=citizen,
        request_id="req-0123456789abcdef",
        client_ip="203.0.113.0",
        user_agent="Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15",
    )
    LoginEvent.objects.create(outcome="untrusted", request_id="req-fedcba9876543210")

    def visit(name: str, path: str, **options) -> None:
        # The SPA renders after asking /api/me: wait for the network to settle there.
        page.goto(site + path, wait_until="networkidle" if path.startswith("/app/") else "load")
        prober.look(page, name)
        prober.probe(name, path, **options)

    visit("admin-login", "/admin/login/")
    page.get_by_label("Username").fill(ADMIN[0])
    page.get_by_label("Password").fill(ADMIN[1])
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()

    visit("admin-index", "/admin/")
    visit("admin-users", "/admin/accounts/user/")
    visit("admin-user", f"/admin/accounts/user/{citizen.pk}/change/")
    visit("admin-loginevents", "/admin/accounts/loginevent/")
    visit("admin-loginevent", f"/admin/accounts/loginevent/{event.pk}/change/")
    visit("admin-summary", "/admin/accounts/loginevent/summary/")

    assert prober.problems == [], prober.report()
