"""In a real browser (JavaScript off and on), every page checked with axe-core: an achieved
initiative becomes a published case study. The lead starts its story from the initiative's
page, checks the pre-filled text and sends it to the editors; the supporting councillor adds a
reflection; an editor sends it back for approval; the lead approves and it is published."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from grassroots.core.tests.browser import follow, page_as, visit
from grassroots.learning.models_cases import CaseStatus, CaseStudy
from grassroots.learning.tests.cases_helpers import achieved_story

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("javascript", [False, True], ids=["no-js", "js"])
def test_an_achieved_initiative_becomes_a_published_case_study(
    browser: Any, live_server: Any, javascript: bool
) -> None:
    story = achieved_story()
    base = live_server.url

    lead = page_as(browser, live_server, story.lead, javascript=javascript)
    visit(lead, base + story.initiative.get_absolute_url())
    follow(lead.get_by_role("button", name="Tell the story as a case study"))
    follow(lead.get_by_role("button", name="Start the case study"))
    assert "Change the case study" in lead.title()
    assert (
        "Hosted the first meeting in the library"
        in lead.get_by_label("What councillors did to facilitate (optional)").input_value()
    )
    lead.get_by_label("Summary (optional)").fill("How neighbours planted an orchard")
    lead.get_by_label("Urban", exact=True).check()
    follow(lead.get_by_role("button", name="Save changes"))
    visit(lead, lead.url)
    follow(lead.get_by_role("button", name="Send it to the editors"))
    visit(lead, lead.url)
    case = CaseStudy.objects.get()
    assert case.status == CaseStatus.IN_REVIEW

    councillor = page_as(browser, live_server, story.councillor, javascript=javascript)
    visit(councillor, base + reverse("cases:reflect", kwargs={"pk": case.pk}))
    councillor.get_by_label("Your reflection").fill("I hosted, then I stepped back.")
    follow(councillor.get_by_role("button", name="Save your reflection"))
    visit(councillor, councillor.url)

    editor = page_as(browser, live_server, story.editor, javascript=javascript)
    visit(editor, base + reverse("cases:mine"))
    follow(editor.get_by_role("link", name=case.title))
    follow(editor.get_by_role("button", name="Send to the leads for approval"))
    visit(editor, editor.url)

    visit(lead, base + case.get_absolute_url())
    follow(lead.get_by_role("button", name="Approve and publish"))
    visit(lead, lead.url)
    case.refresh_from_db()
    assert case.status == CaseStatus.PUBLISHED

    public = page_as(browser, live_server, None, javascript=javascript)
    visit(public, base + reverse("cases:list"))
    follow(public.get_by_role("link", name=case.title))
    visit(public, public.url)
    assert "I hosted, then I stepped back." in public.content()
    for context in {p.context for p in (lead, councillor, editor, public)}:
        context.close()
