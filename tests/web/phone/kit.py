"""A phone in Chromium (issue 15, item 5): a 390×844 viewport at 3× with touch, and the
checks a page must pass there — nothing scrolls the page sideways (a wide table scrolls
inside its own box), nothing sticks out of the screen, and every control a thumb taps
(buttons, fields, the menu's links) is at least 44 CSS pixels tall (WCAG 2.5.5, the
platform guidelines' minimum)."""

from __future__ import annotations

from typing import Any

from tests.web.signing_js.kit import sign_in

__all__ = ["PHONE", "check", "phone_context", "problems", "sign_in"]

PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
}
TAP_MIN_PX = 44
TIMEOUT_MS = 30_000

# Runs in the page (the CDP evaluates it; the page's CSP concerns the page's own code).
PROBLEMS = """
(tapMin) => {
  const width = document.documentElement.clientWidth;
  const classes = (e) => typeof e.className === "string" && e.className.trim()
    ? "." + e.className.trim().split(/\\s+/).join(".") : "";
  const name = (e) => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + classes(e);
  const problems = [];
  const scroll = document.documentElement.scrollWidth;
  if (scroll > width) problems.push(`the page scrolls sideways: ${scroll} > ${width}`);
  const scrolls = (e) => {
    for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
      if (["auto", "scroll", "hidden"].includes(getComputedStyle(p).overflowX)) return true;
    }
    return false;
  };
  for (const e of document.querySelectorAll("body *")) {
    if (e.closest(".skip, .visually-hidden, [hidden]")) continue;
    const r = e.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || getComputedStyle(e).visibility === "hidden") continue;
    if ((r.right > width + 1 || r.left < -1) && !scrolls(e)) {
      problems.push(`sticks out (${Math.round(r.left)}–${Math.round(r.right)}): ${name(e)}`);
    }
    const tapped = e.matches("button, .button, select, textarea, nav a, " +
      "input:not([type=hidden]):not([type=checkbox]):not([type=radio])");
    if (tapped && r.height < tapMin) {
      problems.push(`a ${Math.round(r.height)}px tap target: ${name(e)}`);
    }
  }
  return problems.slice(0, 25);
}
"""


async def phone_context(browser: Any) -> Any:
    """A fresh browser context that looks and behaves like a phone."""
    context = await browser.new_context(**PHONE)
    context.set_default_timeout(TIMEOUT_MS)
    return context


async def problems(page: Any) -> list[str]:
    """What is wrong with the current page on a phone (empty: nothing)."""
    found: list[str] = await page.evaluate(PROBLEMS, TAP_MIN_PX)
    return found


async def check(page: Any, url: str) -> list[str]:
    """Open `url` and return its problems, each prefixed with the path."""
    answer = await page.goto(url)
    assert answer is not None
    assert answer.status == 200, url
    return [f"{url}: {p}" for p in await problems(page)]
