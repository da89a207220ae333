"""Shared makers for the case study tests: an achieved initiative with its people around it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser

from grassroots.accounts.models import User
from grassroots.initiatives.models import Initiative, Stage, Visibility
from grassroots.initiatives.services import lifecycle, progress
from grassroots.initiatives.tests.factories import InitiativeFactory
from grassroots.learning import services_cases as services
from grassroots.learning.models_cases import CaseStudy
from grassroots.learning.services_cases import CaseText
from grassroots.places.models import Councillor
from grassroots.places.tests.factories import WardFactory
from grassroots.support.models import Support, SupportKind, SupportStatus
from grassroots.testing.cast import make_member
from grassroots.testing.people import make_councillor, make_editor, make_resident


@dataclass
class Story:
    initiative: Initiative
    lead: User
    member: User
    councillor: User  # supported it (support done)
    other_councillor: User
    editor: User
    resident: User

    def who(self, name: str) -> Any:
        return {
            "lead": self.lead,
            "member": self.member,
            "supporting councillor": self.councillor,
            "other councillor": self.other_councillor,
            "editor": self.editor,
            "resident": self.resident,
            "anonymous": AnonymousUser(),
        }[name]


PEOPLE = (
    "lead",
    "member",
    "supporting councillor",
    "other councillor",
    "editor",
    "resident",
    "anonymous",
)


def achieved_story(*, safeguarded: bool = False, title: str = "Orchard on Mill Lane") -> Story:
    """An initiative in action, supported by a ward councillor, then achieved through the
    service (which invites its leads)."""
    ward = WardFactory(name="Millbrook")
    lead = make_resident(ward=ward, name="Lena Leadbetter")
    initiative = InitiativeFactory(
        title=title,
        created_by=lead,
        wards=[ward],
        stage=Stage.IN_ACTION,
        visibility=Visibility.SAFEGUARDED if safeguarded else Visibility.PUBLIC,
    )
    member = make_member(initiative, make_resident(name="Mo Member"))
    councillor = make_councillor(ward, name="Cllr Priya Sandhu")
    Support.objects.create(
        initiative=initiative,
        councillor=Councillor.objects.get(user=councillor),
        kind=SupportKind.FACILITATE,
        description="Hosted the first meeting in the library",
        status=SupportStatus.DONE,
    )
    progress.update_create(initiative=initiative, author=lead, text="Twenty trees planted")
    lifecycle.initiative_change_stage(initiative=initiative, actor=lead, to_stage=Stage.ACHIEVED)
    progress.outcome_record(
        initiative=initiative,
        actor=lead,
        what_changed="A new orchard",
        for_whom="Families nearby",
        evidence="Fly-tipping reports fell from 14 to 1",
    )
    return Story(
        initiative=initiative,
        lead=lead,
        member=member,
        councillor=councillor,
        other_councillor=make_councillor(name="Cllr Otto Other"),
        editor=make_editor(),
        resident=make_resident(name="Rita Resident"),
    )


def started(story: Story) -> CaseStudy:
    return services.case_study_start(
        actor=story.lead,
        initiative=story.initiative,
        consent_anonymised=story.initiative.is_safeguarded,
    )


def text_of(case: CaseStudy, **extra: Any) -> CaseText:
    fields: dict[str, Any] = {
        "title": case.title,
        "summary": "How neighbours made a strip of land an orchard",
        "themes": ["green_spaces"],
        "place_type": "urban",
        "result": "achieved",
        "challenge": "Fly-tipping on council land",
        "residents_did": "Planted trees and set up a rota",
        "facilitate": "Hosted the first meeting",
        "connect": "Introduced the parks team",
        "advocate": "Asked the cabinet member for a licence",
        **extra,
    }
    return CaseText(**fields)


def submitted(story: Story) -> CaseStudy:
    case = started(story)
    services.case_study_update(actor=story.lead, case=case, text=text_of(case))
    return services.case_study_submit(actor=story.lead, case=case)


def awaiting(story: Story) -> CaseStudy:
    case = submitted(story)
    return services.case_study_send_for_approval(actor=story.editor, case=case)


def published(story: Story) -> CaseStudy:
    case = awaiting(story)
    return services.case_study_approve(
        actor=story.lead, case=case, confirm_anonymised=story.initiative.is_safeguarded
    )


STAGES: dict[str, Callable[[Story], CaseStudy]] = {
    "draft": started,
    "in review": submitted,
    "awaiting approval": awaiting,
    "published": published,
}
