"""Real-browser tests: Playwright driving Debian's Chromium against a live server on 127.0.0.1.

They skip, saying how to install it, where Chromium or Playwright is missing; `.ci/run` installs
Chromium so CI runs them. Each step's screenshot goes to one temporary folder, printed at the end.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.support.browser import screens

CHROMIUM = "/usr/bin/chromium"


def pytest_terminal_summary(terminalreporter):
    if (folder := screens.folder()) is not None:
        terminalreporter.write_line(f"Browser test screenshots: {folder}")


@pytest.fixture(scope="session")
def browser():
    # CI sets SGID_REQUIRE_BROWSER: there a missing browser is a failure, not a skip.
    missing = pytest.fail if os.environ.get("SGID_REQUIRE_BROWSER") else pytest.skip
    try:
        from playwright import sync_api as playwright_api
    except ImportError:
        missing("Playwright is missing: `make test` installs it")
    if not Path(CHROMIUM).exists():
        missing("Chromium is missing: install it with `apt-get install -y chromium`")
    # Playwright's sync API keeps an asyncio loop on this thread; Django then refuses database
    # calls here (test set-up and tear-down) as if they came from async code. They do not.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
        )
        yield browser
        browser.close()


@pytest.fixture
def site(live_server, settings, transactional_db):
    """This site on a live server, with the dev sgID mounted on the same origin."""
    origin = live_server.url
    settings.SGID_ISSUER = f"{origin}/sgid-mock/v2"
    settings.SGID_REDIRECT_URI = f"{origin}/auth/callback"
    settings.SGID_MOCK_REDIRECT_URIS = [settings.SGID_REDIRECT_URI]
    # Plain http on loopback: Secure cookies would not be stored.
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.LANGUAGE_COOKIE_SECURE = False
    return origin


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1024, "height": 800})
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # Console errors include Content-Security-Policy violations: any one fails the test. An
    # error page's own 4xx status is logged too ("Failed to load resource"); that one is by design.
    page.on(
        "console",
        lambda msg: (
            errors.append(msg.text)
            if msg.type == "error" and not msg.text.startswith("Failed to load resource")
            else None
        ),
    )
    page.on(
        "response",
        lambda r: (
            errors.append(f"{r.status} {r.url}")
            if r.status >= 400
            and r.request.resource_type in {"stylesheet", "script", "image", "font"}
            else None
        ),
    )
    page.screens = screens.Screens(page, request.node.name)
    yield page
    context.close()
    assert errors == [], f"errors in the browser console: {errors}"
