"""The demo, walked as a person would: every link, as every kind of person who signs in.

One test builds the demo borough (`seed_demo`), then, for each demo role, follows every link
from the account page and the home page (GET only, at most `PER_ROUTE` pages of each URL
pattern) and checks, across everything it reached:

1. no page answers with a server error (5xx);
2. no link on the site leads to a missing page (404), or to one the role is refused (403);
3. every HTML page is valid HTML (the Nu Html Checker, run once over all of them);
4. every page stays within its query budget (`QUERY_BUDGET`, or its own in `ROUTE_BUDGETS`);
5. the safeguarded initiative's title appears only on the pages of its insiders;
6. axe-core finds no WCAG 2.2 A/AA violation on one page of each URL pattern (in Chromium).

Django's admin (reached by the site admin) is crawled for server errors and broken links only:
its markup is Django's, and it shows site admins every row, safeguarded or not.

It is one test, marked `browser`, so `make test` runs it once, on PostgreSQL (docs/decisions/
0016-browser-tests-once.md), collected before every other test so that a worker starts on it at
once (grassroots/conftest.py, 0019-slow-tests-once.md), and it prints the crawl's figures at the
end. When it fails, the message lists every problem found, each with the page whose link led
there.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from grassroots.accounts.models import User
from grassroots.conftest import IN_CI
from grassroots.core.tests.browser import axe_violations
from grassroots.demo.borough import DEMO_PASSWORD, SIGN_IN_EMAILS, demo_totp_code
from grassroots.demo.initiatives import demo_initiatives
from grassroots.demo.seed import seed_demo
from grassroots.demo.tests.crawl import (
    Crawl,
    Page,
    all_routes,
    html_checker_missing,
    validate_html,
)
from grassroots.demo.tests.crawl import crawl as crawl_site
from grassroots.groups.models import Group
from grassroots.initiatives.models import Initiative, MemberRole, MembershipStatus, Visibility
from grassroots.initiatives.visibility import can_view
from grassroots.moderation.models import SafeguardingContact

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# After their own initiatives and groups (`own_pages`), a person starts at their account or the
# home page; search engines and programs at the sitemap and the API (whose addresses lead on
# into the site).
START = ["/account/", "/", "/sitemap.xml", "/api/initiatives"]
# Pages of one URL pattern visited per role: enough to meet its variations (a lead's own
# initiative and another's, a list's filters), few enough that the crawl stays quick.
PER_ROUTE = 3
# Django's admin (site admins only) is Django's own: one page of each of its patterns is enough
# to show that none fails.
ADMIN_PER_ROUTE = 1
# Most database queries a page may make; a page over it has an N+1 or a missing join. The
# demo's pages make 7 to 15 (a little headroom above each), the initiative page 22.
# With the page cache off, as in tests, a signed-in page asks for the visibility answers of
# initiatives, conversations and priority drafts (up to 3 queries; kept in the cache in
# production, docs/decisions/0018-shared-values-for-signed-in-pages.md).
QUERY_BUDGET = 21
ROUTE_BUDGETS: dict[str, int] = {"initiatives:initiatives/<slug:slug>/": 28}
ADMIN_QUERY_BUDGET = 60  # the admin's change forms load each inline's choices


@dataclass(frozen=True)
class Role:
    name: str
    email: str | None = None  # None: signed out
    totp: bool = False


def demo_roles() -> list[Role]:
    """The people the demo lets you be, found in the demo's own data."""
    accounts = SIGN_IN_EMAILS
    safeguarded = demo_initiatives().get(visibility=Visibility.SAFEGUARDED)
    insiders = safeguarded.memberships.filter(status=MembershipStatus.APPROVED)
    # A lead other than the demo resident (who leads the orchard), of a public initiative.
    lead = (
        User.objects.filter(
            memberships__role=MemberRole.LEAD,
            memberships__status=MembershipStatus.APPROVED,
            memberships__initiative__visibility=Visibility.PUBLIC,
            memberships__initiative__in=demo_initiatives(),
        )
        .exclude(email=accounts["resident"])
        .order_by("email")
        .first()
    )
    member = insiders.filter(role=MemberRole.MEMBER).order_by("user__email").first()
    assert lead is not None, "the demo has no initiative lead besides the demo resident"
    assert member is not None, "the demo's safeguarded initiative has no member"
    roles = [
        Role("signed out"),
        Role("resident", accounts["resident"]),
        Role("initiative lead", lead.email),
        Role("safeguarded initiative member", member.user.email),
        Role("councillor", accounts["councillor"], totp=True),
        Role("officer", accounts["officer"], totp=True),
        Role("moderator", accounts["moderator"]),
        Role("editor", accounts["editor"], totp=True),
        Role("site admin", accounts["site admin"], totp=True),
    ]
    # The demo's safeguarding contact is the officer; crawl a separate one if it has one.
    contact = SafeguardingContact.objects.filter(user__isnull=False).select_related("user").first()
    if contact is not None and contact.user and contact.user.email not in {r.email for r in roles}:
        roles.append(Role("safeguarding contact", contact.user.email, totp=True))
    return roles


def signed_in_client(role: Role) -> Client:
    """A client signed in as `role` through the real sign-in pages (password, then TOTP)."""
    # A server error is recorded as a 500 page, not raised, so the crawl goes on.
    client = Client(raise_request_exception=False)
    if role.email is None:
        return client
    response = client.post("/accounts/login/", {"login": role.email, "password": DEMO_PASSWORD})
    assert response.status_code == 302, f"{role.name} could not sign in"
    if role.totp:
        assert response["Location"] == "/accounts/2fa/authenticate/", response["Location"]
        found = demo_totp_code(role.email)
        if found.seconds_left <= 5:
            # A code read in the last seconds of its period could reach the server in the
            # next one, where (with allauth's tolerance of 0) it is refused: wait for a new one.
            time.sleep(found.seconds_left)
            found = demo_totp_code(role.email)
        response = client.post("/accounts/2fa/authenticate/", {"code": found.code})
        assert response.status_code == 302, f"{role.name}'s TOTP code was refused"
    return client


def in_admin(route: str | None) -> bool:
    return (route or "").startswith("admin:")


def pages_per_route(route: str | None) -> int:
    return ADMIN_PER_ROUTE if in_admin(route) else PER_ROUTE


def own_pages(role: Role) -> list[str]:
    """The pages of the initiatives and groups the role belongs to: a person goes straight to
    their own (and the per-pattern cap must not be spent on other people's first)."""
    if role.email is None:
        return []
    user = User.objects.get(email=role.email)
    initiatives = Initiative.objects.filter(
        memberships__user=user, memberships__status=MembershipStatus.APPROVED
    )
    groups = Group.objects.filter(memberships__user=user)
    return [i.get_absolute_url() for i in initiatives] + [g.get_absolute_url() for g in groups]


def budget(page: Page) -> int:
    if in_admin(page.route):
        return ADMIN_QUERY_BUDGET
    return ROUTE_BUDGETS.get(page.route or "", QUERY_BUDGET)


def checked_by_vnu(page: Page) -> bool:
    # Django's admin is Django's markup, not ours.
    return page.status == 200 and page.is_html and not in_admin(page.route)


def lines(problems: Iterable[str]) -> str:
    return "\n".join(f"  - {problem}" for problem in problems)


def test_it_holds_together_for_every_demo_role(live_server: Any, browser: Any) -> None:
    began = time.perf_counter()
    seed_demo()
    safeguarded = demo_initiatives().get(visibility=Visibility.SAFEGUARDED)
    crawls: list[tuple[Role, Client, Crawl]] = []
    for role in demo_roles():
        client = signed_in_client(role)
        start = own_pages(role) + START
        result = crawl_site(client, role=role.name, start=start, per_route=pages_per_route)
        crawls.append((role, client, result))
    crawled = time.perf_counter()

    problems: dict[str, list[str]] = {}

    def problem(kind: str, text: str) -> None:
        problems.setdefault(kind, []).append(text)

    for role, _client, result in crawls:
        account = next(page for page in result.pages if page.path == "/account/")
        if role.email is not None and account.status != 200:
            problem("not signed in", f"[{role.name}] /account/ answered {account.status}")

    html_pages: dict[str, str] = {}
    for role, _client, result in crawls:
        user = User.objects.filter(email=role.email).first() if role.email else None
        insider = user is not None and can_view(user, safeguarded)
        for page in result.pages:
            where = f"[{role.name}] {page.path} (linked from {page.found_on or 'the start'})"
            if page.status >= 500:
                problem("server errors", f"{where} answered {page.status}")
            if page.status == 404:
                problem("links to missing pages", where)
            if page.status == 403:
                problem("links to pages the role is refused", where)
            if page.queries > budget(page):
                problem("over the query budget", f"{where}: {page.queries} > {budget(page)}")
            # Site admins operate the whole database; Django's admin shows them every row.
            if not insider and not in_admin(page.route) and safeguarded.title in page.text:
                problem("safeguarded title shown to an outsider", where)
            if checked_by_vnu(page):
                html_pages[f"[{role.name}] {page.path}"] = page.text

    missing = html_checker_missing()
    if missing is None:
        for error in validate_html(html_pages):
            problem("invalid HTML", f"{error.path}: {error.message} [{error.extract[:120]}]")
    elif IN_CI:
        pytest.fail(f"{missing} (required when CI=true)")
    else:
        print(f"HTML not validated: {missing}")
    validated = time.perf_counter()

    axe_checked = _check_accessibility(crawls, live_server, browser, problem)
    checked = time.perf_counter()

    every = [page for _role, _client, result in crawls for page in result.pages]
    reached = {page.route for page in every if page.route is not None}
    ours = [page for page in every if not in_admin(page.route)]
    statuses = Counter(page.status for page in every)
    slowest = max(ours, key=lambda page: page.seconds)
    busiest = sorted(ours, key=lambda page: -page.queries)[:3]
    figures = [
        f"Crawled {len(every)} pages, {len(reached)} URL patterns, "
        f"as {len(crawls)} roles in {checked - began:.0f}s (crawl {crawled - began:.0f}s, "
        f"Nu Html Checker {validated - crawled:.0f}s over {len(html_pages)} pages, "
        f"axe-core {checked - validated:.0f}s over {axe_checked} pages).",
        "Statuses: " + ", ".join(f"{n} × {status}" for status, n in sorted(statuses.items())),
        f"Slowest page: {slowest.path} {slowest.seconds:.2f}s.",
        "Most queries: " + ", ".join(f"{p.path} {p.queries}" for p in busiest) + ".",
        *(
            f"  {role.name}: {len(result.pages)} pages, {len(result.routes())} patterns"
            for role, _client, result in crawls
        ),
        # Mostly POST-only actions, which no link leads to.
        "Patterns no link reached (outside the admin): "
        + ", ".join(sorted(r for r in all_routes() - reached if not in_admin(r))),
    ]
    print("\n".join(figures))
    report = "\n".join(
        f"{kind} ({len(found)}):\n{lines(found)}" for kind, found in problems.items()
    )
    assert not problems, f"{figures[0]}\n{report}"


def _check_accessibility(
    crawls: list[tuple[Role, Client, Crawl]], live_server: Any, browser: Any, problem: Any
) -> int:
    """Check one page of each URL pattern with axe-core, signed in as the role that reached it
    first (the client's session, handed to Chromium). Returns how many pages it checked."""
    checked: set[str] = set()
    for role, client, result in crawls:
        todo = []
        for page in result.pages:
            if checked_by_vnu(page) and page.route is not None and page.route not in checked:
                checked.add(page.route)
                todo.append(page)
        if not todo:
            continue
        context = browser.new_context()
        cookie = client.cookies.get(settings.SESSION_COOKIE_NAME)
        if cookie is not None:
            context.add_cookies(
                [{"name": cookie.key, "value": cookie.value, "url": live_server.url}]
            )
        tab = context.new_page()
        for page in todo:
            tab.goto(live_server.url + page.path)
            if tab.url != live_server.url + page.path:
                # Signed out, or sent elsewhere: axe would check the wrong page.
                problem("browser sent elsewhere", f"[{role.name}] {page.path} -> {tab.url}")
                continue
            for violation in axe_violations(tab):
                targets = [
                    (node["target"], node.get("failureSummary", "")[:200])
                    for node in violation["nodes"][:3]
                ]
                problem(
                    "accessibility (axe-core)",
                    f"[{role.name}] {page.path}: {violation['id']} {targets}",
                )
        context.close()
    return len(checked)
