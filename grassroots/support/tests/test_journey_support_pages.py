"""The support pages in a real browser, checked with axe-core (WCAG 2.2 A/AA, zero violations).

A lead asks for help (with a mistake first), a ward councillor takes it, raises a case, an
officer decides it, the lead gives feedback; the ward and councillor pages show the record.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from grassroots.core.tests.browser import assert_accessible, follow, page_as, visit
from grassroots.support.models import AdvocacyCase, Support, SupportStatus
from grassroots.support.tests.conftest import build_support_town
from grassroots.testing.worlds import Town

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_help_to_case_to_feedback_in_the_browser(
    browser: Any, live_server: Any, javascript: bool
) -> None:
    town: Town = build_support_town()
    base = live_server.url
    support_url = base + reverse("support:initiative", kwargs={"slug": town.initiative.slug})

    lead = page_as(browser, live_server, town.lead, javascript=javascript)
    visit(lead, support_url)
    # A mistake first: nothing chosen.
    follow(lead.get_by_role("button", name="Send request"))
    assert "There is a problem" in lead.content()
    assert_accessible(lead)
    lead.get_by_label("Advocate").check()
    lead.get_by_label("What you need help with").fill("Please ask the council to fix the gate")
    follow(lead.get_by_role("button", name="Send request"))
    assert "Your request has been sent" in lead.content()
    assert_accessible(lead)

    councillor = page_as(
        browser, live_server, town.person("ward councillor"), javascript=javascript
    )
    visit(councillor, support_url)
    follow(councillor.get_by_role("button", name="Take this request"))
    assert "You have taken this request" in councillor.content()
    assert_accessible(councillor)
    support = Support.objects.get()
    visit(councillor, base + reverse("support:case_open", kwargs={"pk": support.pk}))
    follow(councillor.get_by_role("button", name="Raise the case"))
    assert "There is a problem" in councillor.content()
    assert_accessible(councillor)
    councillor.get_by_label("Council department").select_option(label=str(town.department))
    councillor.get_by_label("What you are asking for").fill("Repair the gate")
    councillor.get_by_label("Evidence").fill("Photos of the broken gate")
    councillor.get_by_label("The outcome wanted").fill("A gate that shuts")
    wanted = timezone.localdate() + datetime.timedelta(days=20)
    date_group = councillor.get_by_role("group", name="Date wanted by")
    date_group.get_by_label("Day").fill(str(wanted.day))
    date_group.get_by_label("Month").fill(str(wanted.month))
    date_group.get_by_label("Year").fill(str(wanted.year))
    follow(councillor.get_by_role("button", name="Raise the case"))
    assert "The case has been raised" in councillor.content()
    assert_accessible(councillor)
    case = AdvocacyCase.objects.get()

    officer = page_as(browser, live_server, town.person("officer"), javascript=javascript)
    case_url = base + reverse("support:case", kwargs={"pk": case.pk})
    # The officer finds it in their department's list of cases.
    visit(officer, base + reverse("support:cases"))
    follow(officer.get_by_role("link", name=f"Case {case.pk}"))
    assert officer.url == case_url
    assert_accessible(officer)
    follow(officer.get_by_role("button", name="Record decision"))
    assert "There is a problem" in officer.content()
    assert_accessible(officer)
    officer.get_by_label("Agreed", exact=True).check()
    officer.get_by_label("Reasons").fill("The parks budget covers it")
    follow(officer.get_by_role("button", name="Record decision"))
    assert "The decision has been recorded" in officer.content()
    assert_accessible(officer)

    councillor.goto(support_url)
    follow(councillor.get_by_role("button", name="Mark as done"))
    support.refresh_from_db()
    assert support.status == SupportStatus.DONE

    visit(lead, support_url)
    assert "The parks budget covers it" in lead.content()
    follow(lead.get_by_role("link", name="Give feedback on this support"))
    assert_accessible(lead)
    lead.get_by_label("Yes").check()
    lead.get_by_label("Your feedback").fill("The gate is fixed, thank you")
    follow(lead.get_by_role("button", name="Send feedback"))
    assert "Thank you for your feedback" in lead.content()

    public = page_as(browser, live_server, None, javascript=javascript)
    visit(public, base + town.councillor().get_absolute_url())
    assert "The gate is fixed, thank you" in public.content()
    visit(public, base + town.ward.get_absolute_url())
    visit(public, support_url)
    for page in (lead, councillor, officer, public):
        page.context.close()


def test_inbox_repeat_request_and_passing_a_case_on_in_the_browser(
    browser: Any, live_server: Any
) -> None:
    town: Town = build_support_town()
    base = live_server.url
    ask_url = base + reverse("support:ask", kwargs={"slug": town.initiative.slug})

    lead = page_as(browser, live_server, town.lead, javascript=False)
    for _ in range(2):  # the second time is refused, linking to the first
        visit(lead, ask_url)
        assert "who use Grassroots" in lead.content()
        lead.get_by_label("Connect").check()
        lead.get_by_label("What you need help with").fill("Who runs the community hall?")
        follow(lead.get_by_role("button", name="Send request"))
    assert "You have already sent this request" in lead.content()
    assert_accessible(lead)

    councillor = page_as(browser, live_server, town.person("ward councillor"))
    visit(councillor, base + reverse("support:help_requests"))
    assert "Who runs the community hall?" in councillor.content()
    assert "Asked today" in councillor.content()
    assert_accessible(councillor)

    case = town.case()
    officer = page_as(browser, live_server, town.person("officer"))
    visit(officer, base + reverse("support:case", kwargs={"pk": case.pk}))
    follow(officer.get_by_role("link", name="Pass this case to another department"))
    follow(officer.get_by_role("button", name="Pass the case on"))
    assert "There is a problem" in officer.content()
    assert_accessible(officer)
    officer.get_by_label("Department to pass the case to").select_option(
        label=str(town.other_department)
    )
    officer.get_by_label("Why you are passing it on").fill("Housing look after this gate")
    follow(officer.get_by_role("button", name="Pass the case on"))
    assert "has been passed to Housing" in officer.content()
    assert_accessible(officer)
