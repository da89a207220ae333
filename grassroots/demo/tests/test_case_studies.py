"""The demo borough has eight published case studies and one in the editor's queue."""

from __future__ import annotations

import pytest
from django.test import override_settings

from grassroots.demo.borough import Borough
from grassroots.demo.seed import seed_demo
from grassroots.learning.models_cases import CaseStatus, CaseStudy, CaseTheme
from grassroots.learning.selectors_cases import editor_queue

pytestmark = [pytest.mark.django_db, pytest.mark.demo_seed]


@override_settings(DEBUG=True)
def test_the_demo_case_studies(seeded: Borough) -> None:
    borough = seeded
    cases = CaseStudy.objects.filter(council=borough.council)
    published = cases.filter(status=CaseStatus.PUBLISHED)
    assert published.count() == 8
    for case in published:
        assert all((case.facilitate, case.connect, case.advocate)), case.title
    themes = set(CaseTheme.objects.filter(case_study__in=published).values_list("theme", flat=True))
    assert {"safety", "health", "tourism", "volunteering", "green_spaces"} <= themes
    assert published.filter(anonymised=True, wards__isnull=True).exists()
    assert [c.initiative.title for c in editor_queue() if c.initiative] == [
        "Fennick Lane community orchard"
    ]
    seed_demo()
    assert CaseStudy.objects.filter(council=borough.council).count() == 9
