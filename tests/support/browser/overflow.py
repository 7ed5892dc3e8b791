"""Content wider than its box: clipped by `overflow: hidden`, or spilling out, scrolling the page.

An element fails when `scrollWidth > clientWidth + 1` (one pixel of sub-pixel rounding). One kind
of element may be wider than its box on purpose: a scrolling region a person can reach and name,
that is, `overflow-x: auto | scroll` with `role="region"`, an accessible name and `tabindex="0"`
(the shape axe's `scrollable-region-focusable` rule asks for). Without the name and tab stop, a
keyboard or screen-reader user cannot scroll it, so it is clipping, and it fails. Form fields
scroll their own text by design, visually hidden text (skip links, `.visually-hidden`) is a
1-pixel box on purpose, and an icon button's text pushed out by a huge `text-indent` (Django
admin's image replacement) is there for screen readers only; all three are left out. Only the
innermost offender is reported: an element whose only overflow is an offending descendant adds
nothing.
"""

from __future__ import annotations

from typing import Any

_FIND = """
() => {
  const tiny = (e) => {
    const r = e.getBoundingClientRect();
    return r.width <= 1 || r.height <= 1;
  };
  const hidden = (e) => {
    for (let n = e; n; n = n.parentElement) if (tiny(n)) return true;
    return false;
  };
  const deliberate = (e, style) =>
    ["auto", "scroll"].includes(style.overflowX) && e.getAttribute("role") === "region" &&
    (e.getAttribute("aria-label") || e.getAttribute("aria-labelledby")) &&
    e.getAttribute("tabindex") === "0";
  const describe = (e) => {
    let name = e.tagName.toLowerCase();
    if (e.id) name += "#" + e.id;
    if (typeof e.className === "string" && e.className.trim())
      name += "." + e.className.trim().split(/\\s+/).join(".");
    const parent = e.parentElement;
    return (parent && parent !== document.body ? describe(parent) + " > " : "") + name;
  };
  const FIELDS = ["INPUT", "TEXTAREA", "SELECT", "OPTION"];
  const found = [];
  for (const e of [document.documentElement, ...document.body.querySelectorAll("*")]) {
    if (!(e instanceof HTMLElement) || FIELDS.includes(e.tagName)) continue;
    if (e.scrollWidth <= e.clientWidth + 1 || e.clientWidth === 0) continue;
    const style = getComputedStyle(e);
    const replaced = Math.abs(parseFloat(style.textIndent)) >= 999;
    if (deliberate(e, style) || replaced || hidden(e)) continue;
    found.push(e);
  }
  return found
    .filter((e) => !found.some((other) => other !== e && e.contains(other)))
    .map((e) => `${describe(e)}: content ${e.scrollWidth}px in a ${e.clientWidth}px box`
      + ` (overflow-x: ${getComputedStyle(e).overflowX})`
      + ` — "${(e.innerText || "").trim().slice(0, 40).replace(/\\s+/g, " ")}"`);
}
"""


def overflowing(page: Any) -> list[str]:
    """One line per element whose content is wider than its box, on the page as it shows now."""
    return page.evaluate(_FIND)


def overflowing_at(page: Any, widths: list[int]) -> dict[int, list[str]]:
    """`overflowing` at each width (the viewport is resized, then put back), where any fail."""
    original = page.viewport_size
    found = {}
    for width in widths:
        page.set_viewport_size({"width": width, "height": original["height"]})
        # A resize reflows before the next frame; wait for it so the sizes read are the new ones.
        page.evaluate("() => new Promise((done) => requestAnimationFrame(() => done()))")
        if problems := overflowing(page):
            found[width] = problems
    page.set_viewport_size(original)
    return found
