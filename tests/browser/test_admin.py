"""Django admin in a real browser under the site's Content-Security-Policy."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from accounts.models import LoginEvent
from tests.support.browser.journeys import decide_at_dev_sgid, sign_in
from tests.support.browser.overflow import overflowing

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


def _admin(browser, site, django_user_model, width: int = 1280):
    django_user_model.objects.create_superuser("root-admin", "a@example.gov.sg", "a-passphrase")
    admin = browser.new_context(viewport={"width": width, "height": 800}).new_page()
    admin.set_default_timeout(10_000)
    admin.goto(site + "/admin/login/")
    admin.get_by_label("Username").fill("root-admin")
    admin.get_by_label("Password").fill("a-passphrase")
    admin.get_by_role("button", name="Log in", exact=True).click()
    expect(admin.get_by_role("heading", name="Site administration")).to_be_visible()
    return admin


def _minutes(text: str) -> list[int]:
    """Every clock time in `text` ("14:05", "2:05 p.m.", "2 p.m."), as minutes after midnight."""
    found = []
    for hour, minute, half in re.findall(
        r"\b(\d{1,2})(?:[:.](\d{2}))?\s*([ap])\.?m\.?", text, re.I
    ):
        found.append((int(hour) % 12 + (12 if half.lower() == "p" else 0)) * 60 + int(minute or 0))
    clock = r"\b(\d{1,2}):(\d{2})\b(?!\s*[ap]\.?m)"
    found += [int(h) * 60 + int(m) for h, m in re.findall(clock, text, re.I)]
    return found


def test_a_login_event_shows_one_singapore_time_in_its_row_and_its_page(
    page, browser, site, django_user_model
):
    sign_in(page, site, "LIM WEI MING")
    expect(page.get_by_role("heading", name="The data you shared")).to_be_visible()
    now = datetime.now(ZoneInfo("Asia/Singapore"))
    admin = _admin(browser, site, django_user_model)
    admin.goto(site + "/admin/accounts/loginevent/")
    row = admin.locator("#result_list tbody tr").first
    time_cell = row.locator("th").first  # the time: the row's link to the event's page
    listed = _minutes(time_cell.inner_text())
    time_cell.get_by_role("link").click()
    title = [admin.title(), *admin.locator("main h1, main h2").all_inner_texts()]
    shown = _minutes(" ".join(title))
    assert listed, "no time in the login event's row"
    assert shown, f"no time in the login event's page title: {title}"
    assert listed[0] == shown[0], f"row {listed} vs page title {title}"
    expected = now.hour * 60 + now.minute
    assert abs(listed[0] - expected) <= 1, f"not Singapore time: {listed[0]} vs {now:%H:%M}"
    admin.context.close()


def test_the_admin_lists_are_readable_at_1280(browser, site, django_user_model):
    LoginEvent.objects.create(
        outcome="untrusted",
        request_id="req-0123456789abcdef0123",
        user_agent="Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 Safari/605",
    )
    admin = _admin(browser, site, django_user_model)
    for path in ["/admin/accounts/loginevent/", "/admin/accounts/user/"]:
        admin.goto(site + path)
        assert overflowing(admin) == [], f"{path}: {overflowing(admin)}"
    admin.goto(site + "/admin/accounts/loginevent/")
    box = admin.locator("th.column-request_id").bounding_box()
    assert box is not None, "no request id column"
    assert 0 <= box["x"] <= box["x"] + box["width"] <= 1280, f"request id column at {box}"
    expect(admin.get_by_text("req-0123456789abcdef0123")).to_be_in_viewport()
    admin.context.close()


def test_the_summary_is_usable_at_375(browser, site, django_user_model):
    LoginEvent.objects.create(outcome="cancelled", request_id="req-1")
    admin = _admin(browser, site, django_user_model, width=375)
    admin.goto(site + "/admin/accounts/loginevent/summary/")
    expect(admin.get_by_text("1 failed login in this period.")).to_be_visible()
    assert overflowing(admin) == [], overflowing(admin)
    assert admin.evaluate("() => document.documentElement.scrollWidth") <= 375
    admin.context.close()


def test_the_admin_login_has_a_styled_sgid_button_and_the_site_a_favicon(page, site):
    page.goto(site + "/admin/login/")
    button = page.get_by_role("button", name="Log in with sgID")
    expect(button).to_be_visible()
    # The browser's own button is grey (ButtonFace) with a 2 px outset border.
    styles = button.evaluate(
        "(e) => { const s = getComputedStyle(e); return [s.backgroundColor, s.borderStyle]; }"
    )
    assert styles[0] not in {"rgb(239, 239, 239)", "rgba(0, 0, 0, 0)"}, styles
    assert styles[1] != "outset", styles
    assert page.request.get(site + "/favicon.ico").status == 200
