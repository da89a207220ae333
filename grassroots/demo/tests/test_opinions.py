"""The demo borough has an opinion map that is computed, with three groups and consensus."""

from __future__ import annotations

import pytest

from grassroots.demo.opinions import QUESTION
from grassroots.opinions import selectors
from grassroots.opinions.models import OpinionMap, Participant, StatementStatus

pytestmark = [pytest.mark.django_db, pytest.mark.demo_seed]


@pytest.mark.usefixtures("seeded")
def test_the_demo_map_is_computed_with_three_groups_and_people_part_way() -> None:
    opinion_map = OpinionMap.objects.get(question=QUESTION)
    assert opinion_map.ward is not None
    assert opinion_map.result is not None
    assert opinion_map.result["k"] == 3
    report = selectors.report(opinion_map)
    assert report.consensus
    assert all(group.representative for group in report.groups)
    assert opinion_map.statements.filter(status=StatementStatus.PENDING).count() == 2
    members = Participant.objects.filter(map=opinion_map, user__isnull=False)
    assert members.count() >= 3
    published = opinion_map.statements.filter(status=StatementStatus.PUBLISHED).count()
    for member in members:
        assert 0 < member.votes.count() < published
