"""A crawler for the demo: follow every internal link a person could click, as one role.

Used by `test_crawl_demo.py`. It drives Django's test `Client` (GET only), so each page's
database queries can be counted, and records for each page what the checks need: its status,
the URL pattern it resolved to, its queries, its time and (for HTML) its text.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import tempfile
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urlencode, urljoin, urlsplit

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve

VNU_JAR = Path(__file__).resolve().parents[3] / "node_modules" / "vnu-jar" / "build" / "dist"
VNU_JAR = VNU_JAR / "vnu.jar"

# Links the crawl does not follow: signing out would end the crawl; static and media files are
# not pages (and are checked by their own tests).
SKIPPED_PREFIXES = ("/accounts/logout/", "/static/", "/media/")
SKIPPED_SCHEMES = ("mailto:", "tel:", "javascript:", "data:")


class _Links(HTMLParser):
    """The href of every <a> and <link rel=alternate> in a page, and where each GET form goes
    when sent as it stands (a search with nothing typed, a filter with its hidden fields)."""

    def __init__(self, base: str) -> None:
        super().__init__(convert_charrefs=True)
        self.base = base
        self.hrefs: list[str] = []
        self.form: tuple[str, list[tuple[str, str]]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        href = values.get("href")
        if tag == "form" and (values.get("method") or "get").lower() == "get":
            self.form = (values.get("action") or self.base, [])
        elif tag == "input" and self.form is not None and values.get("type") == "hidden":
            self.form[1].append((values.get("name") or "", values.get("value") or ""))
        elif href and (tag == "a" or (tag == "link" and values.get("rel") == "alternate")):
            self.hrefs.append(href)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.form is not None:
            action, fields = self.form
            query = urlencode([(name, value) for name, value in fields if name])
            self.hrefs.append(f"{action.split('?')[0]}?{query}" if query else action)
            self.form = None


def links_in(html: str, base: str) -> list[str]:
    parser = _Links(base)
    parser.feed(html)
    return parser.hrefs


_XML_LINK = re.compile(r"<loc>\s*([^<\s]+)\s*</loc>|<link\b[^>]*\bhref=\"([^\"]+)\"")
_JSON_LINK = re.compile(r'"(?:url|href|link)"\s*:\s*"([^"]+)"')


def links_in_data(text: str, content_type: str) -> list[str]:
    """Addresses in a sitemap or feed (<loc>, <link href>) or in an API answer ("url": …)."""
    if "xml" in content_type:
        return [html.unescape(loc or href) for loc, href in _XML_LINK.findall(text)]
    if "json" in content_type:
        return _JSON_LINK.findall(text)
    return []


def internal_path(href: str, base: str) -> str | None:
    """The path and query `href` leads to on this site, or None for a link the crawl skips."""
    href = href.strip()
    if not href or href.startswith("#") or href.lower().startswith(SKIPPED_SCHEMES):
        return None
    absolute, _fragment = urldefrag(urljoin(f"http://testserver{base}", href))
    parts = urlsplit(absolute)
    if parts.netloc not in ("testserver", "") or parts.scheme not in ("http", "https"):
        return None
    path = parts.path or "/"
    if path.startswith(SKIPPED_PREFIXES):
        return None
    return f"{path}?{parts.query}" if parts.query else path


def route_of(path: str) -> str | None:
    """The URL pattern a path resolves to (`initiatives/<slug:slug>/`), or None if none does."""
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    return f"{match.namespace + ':' if match.namespace else ''}{match.route}"


def all_routes() -> set[str]:
    """Every URL pattern of the site, named as `route_of` names them."""
    found: set[str] = set()

    def walk(patterns: list[Any], prefix: str, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = ":".join(n for n in (namespace, pattern.namespace or "") if n)
                walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                found.add(f"{namespace + ':' if namespace else ''}{prefix}{pattern.pattern}")

    walk(get_resolver().url_patterns, "", "")
    return found


@dataclass
class Page:
    path: str
    route: str | None
    status: int
    queries: int
    seconds: float
    content_type: str
    found_on: str  # the page whose link led here ("" for a starting point)
    text: str = ""  # the body of HTML, XML, JSON and feed pages

    @property
    def is_html(self) -> bool:
        return self.content_type.startswith("text/html")


@dataclass
class Crawl:
    """What one role's crawl visited."""

    role: str
    pages: list[Page] = field(default_factory=list)
    skipped_by_cap: int = 0

    def routes(self) -> set[str]:
        return {page.route for page in self.pages if page.route is not None}


def crawl(
    client: Client,
    *,
    role: str,
    start: list[str],
    per_route: Callable[[str | None], int],
    limit: int = 2000,
) -> Crawl:
    """Breadth first from `start`, GET only, at most `per_route(route)` pages of each pattern.

    Redirects are followed as links. A path that resolves to no pattern is still fetched once
    (it should answer 404, which the caller reports as a broken link).
    """
    result = Crawl(role=role)
    queue: deque[tuple[str, str]] = deque((path, "") for path in start)
    seen: set[str] = set(start)
    per: Counter[str | None] = Counter()
    while queue and len(result.pages) < limit:
        path, found_on = queue.popleft()
        route = route_of(path)
        if per[route] >= per_route(route):
            result.skipped_by_cap += 1
            continue
        per[route] += 1
        with CaptureQueriesContext(connection) as queries:
            began = time.perf_counter()
            response = client.get(path)
            seconds = time.perf_counter() - began
        content_type = response.get("Content-Type", "")
        streaming = getattr(response, "streaming", False)
        text = ""
        if not streaming and not content_type.startswith(("image/", "application/octet")):
            text = response.content.decode(response.charset or "utf-8", errors="replace")
        page = Page(
            path=path,
            route=route,
            status=response.status_code,
            queries=len(queries),
            seconds=seconds,
            content_type=content_type,
            found_on=found_on,
            text=text,
        )
        result.pages.append(page)
        targets: list[str] = []
        if response.status_code in (301, 302, 303, 307, 308):
            targets = [response["Location"]]
        elif response.status_code == 200 and page.is_html:
            targets = links_in(text, path)
        elif response.status_code == 200:
            targets = links_in_data(text, content_type)
        for href in targets:
            target = internal_path(href, path)
            if target is not None and target not in seen:
                seen.add(target)
                queue.append((target, path))
    return result


@dataclass
class HtmlError:
    path: str
    message: str
    extract: str


def html_checker_missing() -> str | None:
    """Why the Nu Html Checker cannot run here, or None when it can."""
    if shutil.which("java") is None:
        return "Java not found (Debian package default-jre-headless)"
    if not VNU_JAR.exists():
        return f"the Nu Html Checker not found at {VNU_JAR} (npm ci installs vnu-jar)"
    return None


def validate_html(pages: dict[str, str]) -> list[HtmlError]:
    """Run the Nu Html Checker once over every page (path -> HTML); return its errors."""
    if not pages:
        return []
    with tempfile.TemporaryDirectory() as folder:
        names: dict[str, str] = {}
        for index, (path, markup) in enumerate(sorted(pages.items())):
            name = Path(folder) / f"page{index:05d}.html"
            name.write_text(markup, encoding="utf-8")
            names[name.name] = path
        completed = subprocess.run(  # noqa: S603 - our own fixed command line
            ["java", "-Xss1m", "-jar", str(VNU_JAR), "--format", "json", "--errors-only", folder],  # noqa: S607
            capture_output=True,
            text=True,
            check=False,
            timeout=600,
        )
    try:
        report = json.loads(completed.stderr or '{"messages": []}')
    except json.JSONDecodeError as error:
        raise AssertionError(f"the Nu Html Checker failed: {completed.stderr[:2000]}") from error
    errors = []
    for message in report["messages"]:
        url = message.get("url", "")
        errors.append(
            HtmlError(
                path=names.get(url.rsplit("/", 1)[-1], url),
                message=message.get("message", ""),
                extract=message.get("extract", "").strip(),
            )
        )
    return errors
