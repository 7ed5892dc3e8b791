"""Django admin in a real browser under the site's Content-Security-Policy."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.models import LoginEvent
from tests.browser.journeys import decide_at_dev_sgid, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_admin_works_through_users_events_and_the_summary(page, site, django_user_model):
    django_user_model.objects.create_superuser(
        "root-admin", "a@example.gov.sg", "a-long-passphrase"
    )
    django_user_model.objects.create(sub="sub-of-lim", username="lim", name="LIM AH SENG")
    LoginEvent.objects.create(outcome="untrusted", request_id="req-0123456789")
    page.goto(site + "/admin/")
    expect(page.get_by_role("button", name="Log in with sgID")).to_be_visible()
    page.get_by_label("Username").fill("root-admin")
    page.get_by_label("Password").fill("a-long-passphrase")
    page.get_by_role("button", name="Log in", exact=True).click()
    page.get_by_role("link", name="Users").click()
    expect(page.get_by_role("link", name="LIM AH SENG")).to_be_visible()
    page.screens.shot("admin-users")
    page.goto(site + "/admin/accounts/loginevent/?q=req-0123456789")
    expect(page.get_by_text("req-0123456789")).to_be_visible()
    page.get_by_role("link", name="Last 14 days at a glance").click()
    expect(page.get_by_text("1 failed login in this period.")).to_be_visible()
    page.screens.shot("admin-summary")


def test_a_new_admin_follows_a_persona_from_login_to_deactivation(browser, site, django_user_model):
    """As the issue says it is tried: create a superuser, log in a persona, watch the event
    appear, find a failure by its request id, deactivate the persona, see them logged out."""
    django_user_model.objects.create_superuser(
        "root-admin", "a@example.gov.sg", "a-long-passphrase"
    )
    citizen = browser.new_context().new_page()
    admin = browser.new_context().new_page()
    for p in (citizen, admin):
        p.set_default_timeout(10_000)

    sign_in(citizen, site, "LIM WEI MING")
    expect(citizen.get_by_role("heading", name="The data you shared")).to_be_visible()

    admin.goto(site + "/admin/login/")
    admin.get_by_label("Username").fill("root-admin")
    admin.get_by_label("Password").fill("a-long-passphrase")
    admin.get_by_role("button", name="Log in", exact=True).click()
    admin.goto(site + "/admin/accounts/loginevent/")
    expect(admin.locator("td.field-outcome", has_text="Signed in")).to_have_count(1)

    # The citizen cancels a second login at sgID and reads the reference off the failure page.
    citizen.goto(site + "/auth/login")
    citizen.get_by_role("button", name="Log in with sgID").first.click()
    decide_at_dev_sgid(citizen, "LIM WEI MING", "Cancel")
    reference = citizen.locator("p.reference code").inner_text()
    admin.goto(site + f"/admin/accounts/loginevent/?q={reference}")
    expect(admin.locator("td.field-outcome", has_text="Cancelled at sgID")).to_have_count(1)
    # A stray callback (no live attempt) is no login, and writes no event.
    citizen.goto(site + "/auth/callback?state=stale")
    stray = citizen.locator("p.reference code").inner_text()
    admin.goto(site + f"/admin/accounts/loginevent/?q={stray}")
    expect(admin.locator("td.field-outcome")).to_have_count(0)

    admin.goto(site + "/admin/accounts/user/")
    admin.get_by_role("row", name="LIM WEI MING").get_by_role("checkbox").check()
    admin.get_by_label("Action:").select_option("deactivate")
    admin.get_by_title("Run the selected action").click()
    expect(admin.get_by_text("1 user deactivated; 1 session ended.")).to_be_visible()

    citizen.goto(site + "/profile")
    expect(citizen).to_have_url(site + "/auth/login?next=/profile")
    citizen.context.close()
    admin.context.close()
