"""In a real browser (JavaScript off and on), every page checked with axe-core: a councillor
reads a module of the learning path, writes a private reflection, marks it done, and takes the
self-assessment "how collaborative is my practice?"."""

from __future__ import annotations

from typing import Any

import pytest

from grassroots.core.tests.browser import assert_accessible, follow, page_as, visit
from grassroots.learning import assessment
from grassroots.learning.models import Completion, Reflection, SelfAssessment
from grassroots.learning.tests.guide_world import build_guide
from grassroots.testing.people import make_councillor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("javascript", [False, True], ids=["no-js", "js"])
def test_a_councillor_takes_a_module_and_the_self_assessment(
    browser: Any, live_server: Any, javascript: bool
) -> None:
    guide = build_guide(modules=2)
    councillor = make_councillor()
    page = page_as(browser, live_server, councillor, javascript=javascript)
    base = live_server.url

    visit(page, f"{base}/guide/")
    follow(page.get_by_role("link", name="The back seat"))
    assert_accessible(page)
    follow(page.get_by_role("link", name="Start"))
    assert_accessible(page)
    assert page.get_by_role("heading", level=1).inner_text().endswith("Module 1")

    page.get_by_label("Your reflection").fill("I chair too often; next time I will ask.")
    follow(page.get_by_role("button", name="Save your reflection"))
    assert_accessible(page)
    assert page.get_by_text("Your reflection has been saved").is_visible()
    assert Reflection.objects.get(user=councillor).page == guide.modules[0]

    follow(page.get_by_role("button", name="Mark as done"))
    assert_accessible(page)
    assert Completion.objects.filter(user=councillor, page=guide.modules[0]).exists()
    assert page.get_by_role("heading", level=1).inner_text().endswith("Module 2")

    visit(page, f"{base}/guide/self-assessment/")
    follow(page.get_by_role("link", name="Start the self-assessment"))
    assert_accessible(page)
    follow(page.get_by_role("button", name="See my results"))  # nothing chosen
    assert_accessible(page)
    assert page.get_by_text("Choose an answer to question 1").first.is_visible()
    for question in assessment.QUESTIONS:
        page.get_by_role("group", name=str(question.text)).get_by_label("Often").check()
    follow(page.get_by_role("button", name="See my results"))
    assert_accessible(page)
    assert page.get_by_text("Only you can see this.").is_visible()
    assert SelfAssessment.objects.get(user=councillor).scores["connect"] == 4.0
