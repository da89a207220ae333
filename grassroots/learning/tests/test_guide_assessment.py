"""The self-assessment's scoring (a plain module) and the record it is compared with."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from grassroots.learning import assessment, selectors_readers, services_readers
from grassroots.support.models import SupportKind, SupportStatus
from grassroots.testing.people import make_resident
from grassroots.testing.worlds import build_town

ANSWERS = {q.key: 3 for q in assessment.QUESTIONS} | {"let_go": 5, "credit": 4}


def test_each_role_scores_the_average_of_its_questions() -> None:
    scores = assessment.score(ANSWERS)
    assert scores == {"facilitate": 3.0, "connect": 3.0, "advocate": 3.0, "step_back": 4.0}
    assert assessment.strongest_and_weakest(scores) == ("step_back", "facilitate")
    assert 8 <= len(assessment.QUESTIONS) <= 10
    assert {q.role for q in assessment.QUESTIONS} == set(assessment.ROLES)


@pytest.mark.parametrize(
    "answers",
    [
        {},
        {k: v for k, v in ANSWERS.items() if k != "credit"},
        ANSWERS | {"credit": 6},
        ANSWERS | {"credit": 0},
        ANSWERS | {"credit": True},
        ANSWERS | {"credit": "3"},
        ANSWERS | {"extra": 3},
    ],
)
def test_incomplete_or_odd_answers_are_refused(answers: dict[str, object]) -> None:
    with pytest.raises(assessment.AnswersError):
        assessment.score(answers)  # type: ignore[arg-type]


def test_change_between_two_assessments() -> None:
    before = {"facilitate": 2.0, "connect": 3.5, "advocate": 3.0, "step_back": 4.0}
    after = {"facilitate": 3.5, "connect": 3.5, "advocate": 2.0, "step_back": 4.0}
    assert assessment.change(before, after) == {
        "facilitate": 1.5,
        "connect": 0.0,
        "advocate": -1.0,
        "step_back": 0.0,
    }


@pytest.mark.django_db
def test_the_record_counts_the_councillors_own_work_in_the_last_year() -> None:
    town = build_town(roles=("lead", "ward councillor"))
    me = town.person("ward councillor")
    town.support(kind=SupportKind.FACILITATE)
    town.support(kind=SupportKind.CONNECT)
    town.support(kind=SupportKind.CONNECT, status=SupportStatus.WITHDRAWN)  # not counted
    old = town.support(kind=SupportKind.CONNECT)
    old.offered_at = timezone.now() - datetime.timedelta(days=400)
    old.save(update_fields=["offered_at"])
    town.help_request(status="taken", taken_by=town.councillor(), taken_at=timezone.now())
    record = selectors_readers.record_of(me)
    assert record["facilitate"] == 1
    assert record["connect"] == 1
    assert record["help_requests_answered"] == 1
    assert selectors_readers.record_of(make_resident()) == dict.fromkeys(
        selectors_readers.RECORD_KEYS, 0
    )
    taken = services_readers.self_assessment_take(actor=me, answers=ANSWERS)
    assert taken.record == record
    again = services_readers.self_assessment_take(actor=me, answers=ANSWERS | {"let_go": 1})
    assert selectors_readers.assessment_before(again) == taken
    assert selectors_readers.assessments_of(me) == [again, taken]
