"""Click everything: on a page, follow each same-origin link and press each button, as a curious
person would, and record every same-origin response with a 4xx or 5xx status nobody expected.

The clicks happen in a probe tab of the walk's own browser context (so they carry its session),
never in the walk's tab: each button is pressed on a freshly reached copy of the page, so one
click cannot disturb the next. A page reached by a journey (the dev sgID's pages hold a one-time
request) is reached again, by that journey, for each button. Links are followed once per walk
(a visited set), and the walk has a ceiling on how many pages it opens. Each page a click lands
on gets the overflow check too. A language button the probe presses changes the context's
language cookie; the probe puts it back, so the walk goes on in the language it began in.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urldefrag, urlsplit

from playwright.sync_api import TimeoutError

from tests.support.browser.overflow import overflowing, overflowing_at

# Buttons no walk presses, each with its reason. Other tests press them, on purpose.
DESTRUCTIVE = {
    "Log out": "ends the session the rest of the walk runs in (test_session presses it)",
    "Delete my account": "deletes the account the walk is signed in with",
}
# A login that fails ends on the failure page, whose 4xx/5xx status is its design.
FAILURE_PAGE = re.compile(r"/auth/(failed|callback)(\?|$)")
# Statuses that are the design wherever they happen: the SPA asks /api/me who is signed in, and
# a 401 is its answer "nobody".
ALWAYS_EXPECTED = re.compile(r"^401 GET .*/api/me$")
# Django's language cookie (settings.LANGUAGE_COOKIE_NAME), which the header's chooser sets.
LANGUAGE_COOKIE = "django_language"
CONTROLS = "button, input[type=submit], input[type=button], input[type=image]"
# A control's name is its text as written: innerText would apply CSS (Django admin's header
# shows "LOG OUT" in capitals), and the skip list could not match it.
_CONTROLS_JS = """
(selector) => [...document.querySelectorAll(selector)].map((e) => {
  const r = e.getBoundingClientRect(), s = getComputedStyle(e);
  return {
    name: (e.getAttribute("aria-label") || e.textContent || e.value || e.title || "")
      .replace(/\\s+/g, " ").trim(),
    submits: !!e.form && e.type === "submit",
    language: !!e.closest(".language-chooser"),
    usable: !e.disabled && r.width > 0 && r.height > 0 && s.visibility !== "hidden",
  };
})
"""

Reach = Callable[[Any], None]


@dataclass
class Prober:
    site: str
    context: Any
    widths: list[int]  # the overflow check's widths for the walk's own pages
    click_widths: list[int] = field(default_factory=lambda: [1280, 375])
    max_pages: int = 150
    max_links: int = 25  # per page: an admin list has a link per sort order, filter and row
    problems: list[str] = field(default_factory=list)
    visited: set[str] = field(default_factory=set)
    opened: int = 0

    def __post_init__(self) -> None:
        self.tab = self.context.new_page()
        self.tab.set_default_timeout(10_000)
        self._bad: list[str] = []
        self.tab.on("response", self._record)

    def _record(self, response: Any) -> None:
        if response.status >= 400 and response.url.startswith(self.site + "/"):
            self._bad.append(f"{response.status} {response.request.method} {response.url}")

    def look(self, page: Any, name: str) -> None:
        """The overflow check, at each of the walk's widths, on the walk's page as it shows now."""
        for width, found in overflowing_at(page, self.widths).items():
            self.problems += [f"{name} @ {width}px overflows: {line}" for line in found]

    def probe(
        self,
        name: str,
        reach: Reach | str,
        *,
        skip: Mapping[str, str] = {},
        expect: Mapping[str, re.Pattern[str]] = {},
    ) -> None:
        """Follow every link and press every button on the page `reach` opens in the probe tab.

        `skip`: button name → why it is not pressed (added to DESTRUCTIVE). `expect`: button
        name → the URLs where a 4xx/5xx is that button's designed outcome.
        """
        go = reach if callable(reach) else (lambda tab: tab.goto(self.site + reach))
        skipped = {**DESTRUCTIVE, **skip}
        started = time.perf_counter()
        go(self.tab)
        here = urldefrag(self.tab.url).url
        self.visited.add(here)
        links = self.tab.eval_on_selector_all("a[href]", "links => links.map((a) => a.href)")
        # A control is pressed once, at the first width where a person can press it: a status
        # does not depend on the width, but what is reachable (a collapsed menu) does.
        pressable: dict[int, tuple[int, dict[str, Any]]] = {}
        for width in self.click_widths:
            self.tab.set_viewport_size({"width": width, "height": 800})
            for index, control in enumerate(self.tab.evaluate(_CONTROLS_JS, CONTROLS)):
                if control["usable"] and index not in pressable:
                    pressable[index] = (width, control)

        for href in list(dict.fromkeys(links))[: self.max_links]:
            target = urldefrag(href).url
            if urlsplit(target).netloc != urlsplit(self.site).netloc or target == here:
                continue
            if target in self.visited or self.opened >= self.max_pages:
                continue
            self.visited.add(target)
            self._act(name, f"link {target}", lambda to=target: self.tab.goto(to), None)

        for index, (width, control) in sorted(pressable.items()):
            label = control["name"]
            if label in skipped or self.opened >= self.max_pages:
                continue

            def press(
                index: int = index, width: int = width, submits: bool = control["submits"]
            ) -> None:
                self.tab.set_viewport_size({"width": width, "height": 800})
                go(self.tab)  # a fresh copy of the page for each button
                self._bad.clear()  # reaching it is the walk's business, not this button's
                button = self.tab.locator(CONTROLS).nth(index)
                if not submits:  # a script's button: let its requests settle
                    button.click()
                    self.tab.wait_for_load_state("networkidle")
                    return
                try:
                    with self.tab.expect_navigation(timeout=3_000):
                        button.click()
                except TimeoutError:
                    pass  # the browser's own validation kept the form from being sent

            # A language button brings the same page back, with whatever status is its design
            # (only that page's: an answer of set_language's own, a 403, is still a finding).
            same_page = re.compile("^" + re.escape(here.split("?")[0]) + r"(\?|$)")
            allowed = same_page if control["language"] else expect.get(label)
            self._act(name, f"button {label!r} at {width}px", press, allowed)
        self.tab.set_viewport_size({"width": self.click_widths[0], "height": 800})

        if os.environ.get("SGID_PROBE_TIMES"):
            print(f"probe {name}: {time.perf_counter() - started:.1f}s", flush=True)

    def _language_cookie(self) -> dict[str, Any] | None:
        found = [c for c in self.context.cookies(self.site) if c["name"] == LANGUAGE_COOKIE]
        return found[0] if found else None

    def _act(
        self, name: str, action: str, do: Callable[[], None], allowed: re.Pattern[str] | None
    ) -> None:
        self.opened += 1
        self._bad = []
        language = self._language_cookie()
        try:
            do()
        except Exception as exc:  # a dead link or button is a finding, not the end of the walk
            self.problems.append(f"{name}: {action} failed: {str(exc).splitlines()[0]}")
            return
        finally:
            if self._language_cookie() != language:
                self.context.clear_cookies(name=LANGUAGE_COOKIE)
                if language is not None:
                    self.context.add_cookies([language])
        for line in self._bad:
            if ALWAYS_EXPECTED.match(line):
                continue
            if allowed is None or not allowed.search(line.split(" ", 2)[2]):
                self.problems.append(f"{name}: {action} → {line}")
        for line in overflowing(self.tab):
            self.problems.append(f"{name}: {action} lands on a page that overflows: {line}")

    def report(self) -> str:
        return f"{len(self.problems)} problems:\n" + "\n".join(self.problems)
