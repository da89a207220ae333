"""Advocacy cases: opened by the councillor, answered and decided by the department."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from grassroots.core.models import AuditEntry
from grassroots.initiatives.models import Visibility
from grassroots.notifications.models import Kind, Notification
from grassroots.support import services, tasks
from grassroots.support.models import (
    AdvocacyCase,
    CaseMessage,
    CaseStatus,
    CaseTransfer,
    SupportKind,
    SupportStatus,
)
from grassroots.support.tests.conftest import (
    SUPPORT_CAST,
    error_summary,
    post_as,
)
from grassroots.testing.worlds import Town

pytestmark = pytest.mark.django_db

NEXT_MONTH = timezone.localdate() + datetime.timedelta(days=30)


def _wanted_by(day: object, month: object, year: object) -> dict[str, Any]:
    """The three boxes of the "date wanted by" question, as the browser posts them."""
    return {"wanted_by_0": day, "wanted_by_1": month, "wanted_by_2": year}


WANTED = _wanted_by(NEXT_MONTH.day, NEXT_MONTH.month, NEXT_MONTH.year)
CASE_PARTIES = {"ward councillor", "lead", "officer"}


def _open(w: Town) -> tuple[str, dict[str, Any], Callable[[], bool]]:
    support = w.support(status=SupportStatus.PLANNED, kind=SupportKind.ADVOCATE)
    url = reverse("support:case_open", kwargs={"pk": support.pk})
    data = {
        "department": w.department.pk,
        "ask": "Repair the park gate",
        "evidence": "Photos",
        "outcome_wanted": "A gate that shuts",
        **WANTED,
    }
    return url, data, lambda: AdvocacyCase.objects.filter(support=support).exists()


def _on_case(
    name: str, data: dict[str, Any], check: Callable[[AdvocacyCase], bool]
) -> Callable[[Town], tuple[str, dict[str, Any], Callable[[], bool]]]:
    def setup(w: Town) -> tuple[str, dict[str, Any], Callable[[], bool]]:
        case = w.case()
        url = reverse(f"support:{name}", kwargs={"pk": case.pk})

        def changed() -> bool:
            case.refresh_from_db()
            return check(case)

        return url, data, changed

    return setup


ACTIONS: dict[str, tuple[Callable[[Town], Any], set[str]]] = {
    "open case": (_open, {"ward councillor"}),
    "move case status": (
        _on_case("case_move", {"status": "acknowledged"}, lambda c: c.status == "acknowledged"),
        {"officer"},
    ),
    "decide": (
        _on_case(
            "case_decide",
            {"decision": "agreed", "reasons": "Budget found"},
            lambda c: c.status == "decided",
        ),
        {"officer"},
    ),
    "post message": (
        _on_case("case", {"text": "Any news?"}, lambda c: c.messages.exists()),
        CASE_PARTIES,
    ),
    "post internal note": (
        _on_case(
            "case",
            {"text": "Budget is tight", "internal": "on"},
            lambda c: c.messages.filter(internal=True).exists(),
        ),
        {"officer"},
    ),
}


@pytest.mark.parametrize(
    ("action", "role"),
    [pytest.param(a, r, id=f"{a}-{r}") for a in ACTIONS for r in SUPPORT_CAST],
)
def test_only_the_right_people_can_act_on_cases(
    client: Client, action: str, role: str, town: Town
) -> None:
    setup, allowed = ACTIONS[action]
    url, data, changed = setup(town)
    post_as(client, town, role, url, data)
    assert changed() is (role in allowed)


@pytest.mark.parametrize("role", SUPPORT_CAST)
def test_the_case_page_is_not_found_for_anybody_not_entitled(
    client: Client, role: str, town: Town
) -> None:
    case = town.case()
    user = town.user(role)
    if user.is_authenticated:
        client.force_login(user)
    response = client.get(reverse("support:case", kwargs={"pk": case.pk}))
    if role in CASE_PARTIES:
        assert response.status_code == 200
    elif role == "anonymous":
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    elif role == "ward councillor without MFA":
        assert response.status_code == 302  # to set up two-factor authentication first
    else:
        assert response.status_code == 404


def test_a_resident_who_is_not_a_lead_cannot_tell_a_case_exists(client: Client, town: Town) -> None:
    case = town.case()
    client.force_login(town.person("resident"))
    assert client.get(reverse("support:case", kwargs={"pk": case.pk})).status_code == 404
    assert client.get(reverse("support:case", kwargs={"pk": case.pk + 999})).status_code == 404


def test_internal_notes_are_seen_only_by_the_departments_officers(
    client: Client, town: Town
) -> None:
    Notification.objects.all().delete()  # what the town's people were told while it was built
    case = town.case()
    services.case_message_post(
        actor=town.person("officer"), case=case, text="Secret budget note", internal=True
    )
    services.case_message_post(
        actor=town.person("officer"), case=case, text="We are looking into it"
    )
    url = reverse("support:case", kwargs={"pk": case.pk})
    for role in CASE_PARTIES:
        viewer = Client()
        viewer.force_login(town.person(role))
        body = viewer.get(url).content.decode()
        assert "We are looking into it" in body
        assert ("Secret budget note" in body) is (role == "officer"), role
    # Nobody but officers is told about an internal note.
    told = set(
        Notification.objects.filter(text__contains="New message").values_list(
            "recipient", flat=True
        )
    )
    assert town.lead.pk in told  # from the public message
    internal_told = Notification.objects.filter(recipient=town.lead).count()
    assert internal_told == 1


@pytest.mark.usefixtures("page_cache_on")
def test_the_blank_forms_are_kept_and_a_message_with_a_mistake_is_drawn(town: Town) -> None:
    case = town.case()
    url = reverse("support:case", kwargs={"pk": case.pk})
    browsers = {}
    for role in ("officer", "ward councillor"):
        browsers[role] = Client()
        browsers[role].force_login(town.person(role))
    internal_box = 'name="internal"'
    first = browsers["officer"].get(url)
    assert "includes/field.html" in [t.name for t in first.templates]
    assert internal_box in first.content.decode()
    # The councillor's blank form has no internal box: kept apart from the officers' one.
    assert internal_box not in browsers["ward councillor"].get(url).content.decode()
    again = browsers["officer"].get(url)
    assert "includes/field.html" not in [t.name for t in again.templates]
    assert internal_box in again.content.decode()
    sent = browsers["officer"].post(url, {"text": ""}).content.decode()
    assert "Enter a message" in sent
    assert "govuk-textarea--error" in sent  # the field itself says so, not only the summary
    assert "govuk-textarea--error" not in browsers["officer"].get(url).content.decode()
    assert not CaseMessage.objects.filter(case=case).exists()


def test_a_councillor_cannot_post_an_internal_note_by_adding_the_field(
    client: Client, town: Town
) -> None:
    case = town.case()
    client.force_login(town.person("ward councillor"))
    client.post(reverse("support:case", kwargs={"pk": case.pk}), {"text": "Hi", "internal": "on"})
    message = CaseMessage.objects.get()
    assert message.internal is False


def test_the_life_of_a_case(client: Client, town: Town) -> None:
    support = town.support(status=SupportStatus.PLANNED, kind=SupportKind.ADVOCATE)
    councillor = Client()
    councillor.force_login(town.person("ward councillor"))
    response = councillor.post(
        reverse("support:case_open", kwargs={"pk": support.pk}),
        {
            "department": town.department.pk,
            "ask": "Repair the gate",
            "evidence": "Photos",
            "outcome_wanted": "A gate that shuts",
            **WANTED,
        },
    )
    case = AdvocacyCase.objects.get()
    assert response["Location"] == reverse("support:case", kwargs={"pk": case.pk})
    assert Notification.objects.filter(
        recipient=town.person("officer"), kind=Kind.CASE_UPDATE
    ).exists()
    officer = Client()
    officer.force_login(town.person("officer"))
    for status in ("acknowledged", "under_consideration"):
        officer.post(reverse("support:case_move", kwargs={"pk": case.pk}), {"status": status})
    officer.post(
        reverse("support:case_decide", kwargs={"pk": case.pk}),
        {"decision": "partly_agreed", "reasons": "We can repair it but not replace it"},
    )
    officer.post(reverse("support:case_move", kwargs={"pk": case.pk}), {"status": "closed"})
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert case.decision == "partly_agreed"
    steps = list(
        AuditEntry.objects.filter(object_id=str(case.pk), action="case.status")
        .order_by("pk")
        .values_list("data__to", flat=True)
    )
    assert steps == ["acknowledged", "under_consideration", "decided", "closed"]
    assert AuditEntry.objects.filter(action="case.opened").exists()
    assert Notification.objects.filter(recipient=town.lead, kind=Kind.CASE_UPDATE).count() >= 4

    # The public summary shows on the initiative's support section, to anybody.
    page = Client().get(reverse("support:initiative", kwargs={"slug": town.initiative.slug}))
    body = page.content.decode()
    assert "Partly agreed" in body
    assert "We can repair it but not replace it" in body
    assert "Parks" in body


def test_the_summary_of_a_safeguarded_initiatives_case_is_hidden_from_outsiders(
    client: Client, town: Town
) -> None:
    town.initiative.visibility = Visibility.SAFEGUARDED
    town.initiative.save(update_fields=["visibility"])
    town.case(decision="agreed", decision_reasons="Secret reasons", status="decided")
    assert (
        client.get(reverse("support:initiative", kwargs={"slug": town.initiative.slug})).status_code
        == 404
    )
    client.force_login(town.lead)
    assert (
        "Secret reasons"
        in client.get(
            reverse("support:initiative", kwargs={"slug": town.initiative.slug})
        ).content.decode()
    )


def test_a_case_moves_one_step_at_a_time(client: Client, town: Town) -> None:
    case = town.case()
    client.force_login(town.person("officer"))
    response = client.post(
        reverse("support:case_move", kwargs={"pk": case.pk}), {"status": "closed"}
    )
    assert "A case that is raised cannot move to that status" in error_summary(
        response.content.decode()
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.RAISED


def test_a_decided_case_cannot_be_decided_again(client: Client, town: Town) -> None:
    case = town.case(status="decided", decision="declined", decision_reasons="No money")
    client.force_login(town.person("officer"))
    response = client.post(
        reverse("support:case_decide", kwargs={"pk": case.pk}),
        {"decision": "agreed", "reasons": "Changed our mind"},
    )
    assert "This case has already been decided" in response.content.decode()
    case.refresh_from_db()
    assert case.decision == "declined"


def test_only_accepted_advocate_support_can_open_a_case(town: Town) -> None:
    councillor = town.person("ward councillor")
    assert not councillor.has_perm("support.open_case", town.support(kind=SupportKind.ADVOCATE))
    assert not councillor.has_perm(
        "support.open_case", town.support(status=SupportStatus.PLANNED, kind=SupportKind.CONNECT)
    )


def test_a_second_case_for_the_same_support_is_refused(client: Client, town: Town) -> None:
    case = town.case()
    client.force_login(town.person("ward councillor"))
    response = client.post(
        reverse("support:case_open", kwargs={"pk": case.support.pk}),
        {
            "department": town.department.pk,
            "ask": "Again",
            "evidence": "Photos",
            "outcome_wanted": "Gate",
            **WANTED,
        },
    )
    assert "A case has already been opened for this support" in response.content.decode()
    assert AdvocacyCase.objects.count() == 1


YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)
GOOD_CASE = {
    "ask": "Repair the gate",
    "evidence": "Photos",
    "outcome_wanted": "A gate that shuts",
    **WANTED,
}
CASE_BAD_INPUT = [
    pytest.param({}, "department", "Select the council department", id="nothing"),
    pytest.param(
        {"department": "99999"},
        "department",
        "Select the council department",
        id="unknown department",
    ),
    pytest.param(
        {"department": "x"}, "department", "Select the council department", id="not a number"
    ),
    pytest.param({"ask": ""}, "ask", "Enter what you are asking for", id="no ask"),
    pytest.param({"evidence": " "}, "evidence", "Enter the evidence", id="no evidence"),
    pytest.param(
        {"outcome_wanted": ""}, "outcome_wanted", "Enter the outcome wanted", id="no outcome"
    ),
    pytest.param(
        {"ask": "x" * 4001},
        "ask",
        "What you are asking for must be 4000 characters or fewer",
        id="ask too long",
    ),
    pytest.param(
        _wanted_by("", "", ""),
        "wanted_by",
        "Enter the date the outcome is wanted by",
        id="no date",
    ),
    pytest.param(
        _wanted_by("", "3", "2030"),
        "wanted_by",
        "Date wanted by must include a day",
        id="no day",
    ),
    pytest.param(
        _wanted_by("12", "", ""),
        "wanted_by",
        "Date wanted by must include a month and year",
        id="no month or year",
    ),
    pytest.param(
        _wanted_by("31", "2", "2030"),
        "wanted_by",
        "Date wanted by must be a real date",
        id="31 February",
    ),
    pytest.param(
        _wanted_by("1", "Feb", "next year"),
        "wanted_by",
        "Date wanted by must be a real date",
        id="letters",
    ),
    pytest.param(
        _wanted_by("1", "2", "30"),
        "wanted_by",
        "Year must include 4 numbers",
        id="two-digit year",
    ),
    pytest.param(
        _wanted_by(YESTERDAY.day, YESTERDAY.month, YESTERDAY.year),
        "wanted_by",
        "Date wanted by must be today or in the future",
        id="past",
    ),
]


@pytest.mark.parametrize(("override", "field", "message"), CASE_BAD_INPUT)
def test_bad_cases_are_explained_and_nothing_is_saved(
    client: Client, town: Town, override: dict[str, Any], field: str, message: str
) -> None:
    support = town.support(status=SupportStatus.PLANNED, kind=SupportKind.ADVOCATE)
    data: dict[str, Any] = {"department": town.department.pk, **GOOD_CASE, **override}
    if "department" in override or not override:
        data = {**GOOD_CASE, **override} if override else {}
    client.force_login(town.person("ward councillor"))
    response = client.post(reverse("support:case_open", kwargs={"pk": support.pk}), data)
    assert response.status_code == 200
    summary = error_summary(response.content.decode())
    assert message in summary
    # A group links to its first option; a date to its first box with the problem.
    assert re.search(rf'href="#id_{field}(_[0-2])?"', summary)
    assert not AdvocacyCase.objects.exists()


DECIDE_BAD_INPUT = [
    pytest.param({"reasons": "x"}, "decision", "Select the decision", id="no decision"),
    pytest.param(
        {"decision": "maybe", "reasons": "x"}, "decision", "Select the decision", id="bad decision"
    ),
    pytest.param(
        {"decision": "declined", "reasons": ""},
        "reasons",
        "Enter the reasons for the decision",
        id="no reasons",
    ),
    pytest.param(
        {"decision": "declined", "reasons": "   "},
        "reasons",
        "Enter the reasons for the decision",
        id="blank reasons",
    ),
    pytest.param(
        {"decision": "declined", "reasons": "x" * 4001},
        "reasons",
        "Reasons must be 4000 characters or fewer",
        id="too long",
    ),
]


@pytest.mark.parametrize(("data", "field", "message"), DECIDE_BAD_INPUT)
def test_bad_decisions_are_explained_and_nothing_changes(
    client: Client, town: Town, data: dict[str, Any], field: str, message: str
) -> None:
    case = town.case()
    client.force_login(town.person("officer"))
    response = client.post(reverse("support:case_decide", kwargs={"pk": case.pk}), data)
    assert response.status_code == 200
    summary = error_summary(response.content.decode())
    assert message in summary
    assert re.search(rf'href="#id_{field}(_0)?"', summary)  # a group links to its first option
    case.refresh_from_db()
    assert case.status == CaseStatus.RAISED
    assert case.decision == ""


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": ""}, "Enter a message"),
        ({"text": "x" * 4001}, "Message must be 4000 characters or fewer"),
        ({"text": "a\u0000b"}, "Null characters are not allowed"),
    ],
)
def test_bad_messages_are_explained_and_nothing_is_saved(
    client: Client, town: Town, data: dict[str, Any], message: str
) -> None:
    case = town.case()
    client.force_login(town.lead)
    response = client.post(reverse("support:case", kwargs={"pk": case.pk}), data)
    assert response.status_code == 200
    assert message in error_summary(response.content.decode())
    assert not CaseMessage.objects.exists()


def test_bad_case_status_is_explained(client: Client, town: Town) -> None:
    case = town.case()
    client.force_login(town.person("officer"))
    for data in ({}, {"status": "decided"}, {"status": "raised"}):
        response = client.post(reverse("support:case_move", kwargs={"pk": case.pk}), data)
        assert "Select the new status" in error_summary(response.content.decode())
    case.refresh_from_db()
    assert case.status == CaseStatus.RAISED


def test_overdue_cases_are_flagged_once_to_the_department_and_the_councillor(
    town: Town, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    overdue = town.case()
    AdvocacyCase.objects.filter(pk=overdue.pk).update(
        wanted_by=timezone.localdate() - datetime.timedelta(days=1)
    )
    decided = town.case(
        wanted_by=timezone.localdate() - datetime.timedelta(days=3),
        status="decided",
        decision="agreed",
        decision_reasons="Done",
    )
    on_time = town.case()
    with open("/dev/null", "w") as sink, django_capture_on_commit_callbacks(execute=True):
        call_command("flag_overdue_cases", stdout=sink)
    tasks.flag_overdue_cases.enqueue()  # as a task, the same day: nothing new
    for case in (overdue, decided, on_time):
        case.refresh_from_db()
    assert overdue.overdue_flagged_at is not None
    assert decided.overdue_flagged_at is None
    assert on_time.overdue_flagged_at is None
    to_department = [m for m in mailoutbox if "parks@council.example" in m.to]
    assert len(to_department) == 1
    assert f"case {overdue.pk}" in to_department[0].subject.lower()
    for role in ("officer", "ward councillor"):
        assert (
            Notification.objects.filter(
                recipient=town.person(role), kind=Kind.CASE_UPDATE, text__contains="overdue"
            ).count()
            == 1
        ), role
    assert not Notification.objects.filter(recipient=town.person("other officer")).exists()
    assert AuditEntry.objects.filter(action="case.overdue").count() == 1
    assert services.cases_flag_overdue() == 0


def test_the_case_page_costs_a_bounded_number_of_queries(
    client: Client, town: Town, django_assert_max_num_queries: Any
) -> None:
    case = town.case()
    for n in range(30):
        author = town.person(["officer", "lead", "ward councillor"][n % 3])
        CaseMessage.objects.create(
            case=case,
            author=author,
            text=f"Message {n}",
            internal=n % 5 == 0,
            department=case.department if n % 5 == 0 else None,
        )
    client.force_login(town.person("officer"))
    url = reverse("support:case", kwargs={"pk": case.pk})
    client.get(url)
    # The case query also says whether the officer holds a post in its department and whether
    # it was ever passed on: a case with no history costs no query for it.
    with django_assert_max_num_queries(9):
        response = client.get(url)
    assert response.content.decode().count("Message ") >= 30
    CaseTransfer.objects.create(
        case=case,
        from_department=town.other_department,
        to_department=case.department,
        reason="Parks look after the gate",
        by=town.person("officer"),
    )
    with django_assert_max_num_queries(10):
        response = client.get(url)
    assert "Parks look after the gate" in response.content.decode()
