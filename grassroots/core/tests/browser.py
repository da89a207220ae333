"""Helpers for browser journeys: open pages in Chromium and check them with axe-core."""

from __future__ import annotations

import json
import weakref
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore

from grassroots.accounts.models import User

AXE_JS = Path(__file__).resolve().parents[3] / "build" / "test" / "axe.min.js"
# WCAG 2.2 levels A and AA (axe tags every rule with the version that introduced it).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


# Whether a browser context runs its pages' JavaScript is fixed when it is made
# (`browser.new_context(java_script_enabled=...)`), so it is found out once per context: with
# scripts off, finding out means waiting for a timer that never fires (about 20 round trips to
# Chromium), and a journey checks a dozen pages or more in the same context.
_SCRIPTS_RUN: weakref.WeakKeyDictionary[Any, bool] = weakref.WeakKeyDictionary()


def scripts_run(page: Any) -> bool:
    """False when the page's JavaScript is switched off (its timers never fire)."""
    known = _SCRIPTS_RUN.get(page.context)
    if known is None:
        known = _SCRIPTS_RUN[page.context] = _timer_fires(page)
    return known


def _timer_fires(page: Any) -> bool:
    page.evaluate(
        "() => { window.__grTimer = false; setTimeout(() => { window.__grTimer = true; }); }"
    )
    for _ in range(20):
        page.wait_for_timeout(10)
        if page.evaluate("() => window.__grTimer === true"):
            return True
    return False


# With JavaScript switched off (browser.new_context(java_script_enabled=False)) the DevTools
# protocol can still evaluate code, but no timer callback ever runs, and axe-core finishes each
# run with setTimeout(..., 0). For the check only, zero-delay timers become promise callbacks
# (which do run); the page's own scripts were never run and still are not.
_TIMERS_AS_PROMISES = """() => {
  window.__grSetTimeout = window.setTimeout;
  window.setTimeout = (callback, delay, ...args) => {
    if (!delay) Promise.resolve().then(() => callback(...args));
    return 0;
  };
}"""
_RESTORE_TIMERS = "() => { window.setTimeout = window.__grSetTimeout; }"


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Run axe-core on the page as it is now; return its WCAG A/AA violations.

    Works with JavaScript on or off: with it off, the page is checked as it was served.
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol: the page's CSP (no inline script) stays on.
        page.evaluate(AXE_JS.read_text())
    if not scripts_run(page):
        page.evaluate(_TIMERS_AS_PROMISES)
        try:
            return _run_axe(page)
        finally:
            page.evaluate(_RESTORE_TIMERS)
    return _run_axe(page)


# axe-core runs every rule either way. `resultTypes: ["violations"]` keeps every node of the
# violations and trims the passes, the incomplete and the inapplicable to one node each before
# axe describes them (a selector and the HTML of each node: most of a run's time on a long
# page); only the violations are sent back from the browser, the one part read here.
_AXE_RUN = """async (tags) => (await axe.run(document, {
  runOnly: {type: "tag", values: tags},
  resultTypes: ["violations"],
})).violations"""


def _run_axe(page: Any) -> list[dict[str, Any]]:
    violations: list[dict[str, Any]] = page.evaluate(_AXE_RUN, WCAG_TAGS)
    return list(violations)


def assert_accessible(page: Any) -> None:
    violations = axe_violations(page)
    if violations:
        summary = [
            {
                "rule": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "nodes": [n["target"] for n in v["nodes"][:5]],
            }
            for v in violations
        ]
        raise AssertionError(
            f"{page.url} has accessibility violations:\n{json.dumps(summary, indent=2)}"
        )


def visit(page: Any, url: str) -> Any:
    """Go to `url`, insist it answered without a server error, and check it with axe."""
    response = page.goto(url)
    assert response is not None, f"{url} gave no response"
    assert response.status < 500, f"{url} answered {response.status}"
    assert_accessible(page)
    return response


def follow(locator: Any) -> None:
    """Click a link or a submit button and wait until the page it leads to has loaded.

    A bare click returns once the click is sent; reading the page straight after can catch
    the new document before it has any content.
    """
    with locator.page.expect_navigation():
        locator.click()


def page_as(browser: Any, live_server: Any, user: User | None, *, javascript: bool = True) -> Any:
    """A new tab signed in as `user` (None: signed out), with a session made on the server side
    as after sign-in, and JavaScript on or off."""
    context = browser.new_context(java_script_enabled=javascript)
    if user is not None:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.save()
        cookie = {"name": settings.SESSION_COOKIE_NAME, "value": session.session_key}
        context.add_cookies([{**cookie, "url": live_server.url}])
    return context.new_page()
