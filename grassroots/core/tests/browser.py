"""Helpers for browser journeys: open pages in Chromium and check them with axe-core."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

AXE_JS = Path(__file__).resolve().parents[3] / "build" / "test" / "axe.min.js"
# WCAG 2.2 levels A and AA (axe tags every rule with the version that introduced it).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Run axe-core on the page as it is now; return its WCAG A/AA violations."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol: the page's CSP (no inline script) stays on.
        page.evaluate(AXE_JS.read_text())
    result: dict[str, Any] = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        WCAG_TAGS,
    )
    return list(result["violations"])


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
