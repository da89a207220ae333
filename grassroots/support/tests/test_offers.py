"""Support offers: offer, withdraw, accept, decline, move on, feedback, invite."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from grassroots.core.models import AuditEntry
from grassroots.initiatives.models import Visibility
from grassroots.notifications.models import Kind, Notification
from grassroots.places.tests.factories import CouncillorFactory
from grassroots.support.models import Invitation, Support, SupportKind, SupportStatus
from grassroots.support.tests.conftest import (
    SUPPORT_CAST,
    build_support_town,
    error_summary,
    post_as,
)
from grassroots.testing.worlds import Town

pytestmark = pytest.mark.django_db


def _offer(w: Town) -> tuple[str, dict[str, Any], Callable[[], bool]]:
    url = reverse("support:offer", kwargs={"slug": w.initiative.slug})
    data = {"kind": "facilitate", "description": "I will host a meeting"}
    return url, data, lambda: Support.objects.filter(initiative=w.initiative).exists()


def _on_support(
    name: str, status: str, data: dict[str, Any], after: str, field: str = "status"
) -> Callable[[Town], tuple[str, dict[str, Any], Callable[[], bool]]]:
    def setup(w: Town) -> tuple[str, dict[str, Any], Callable[[], bool]]:
        support = w.support(status=status)
        url = reverse(f"support:{name}", kwargs={"pk": support.pk})

        def changed() -> bool:
            support.refresh_from_db()
            return bool(getattr(support, field) == after)

        return url, data, changed

    return setup


def _invite(w: Town) -> tuple[str, dict[str, Any], Callable[[], bool]]:
    target = CouncillorFactory(name="Jo Bloggs", user=w.user("resident"))
    url = reverse("support:invite", kwargs={"slug": w.initiative.slug})
    return (
        url,
        {"councillor": "jo bloggs", "message": "Please help"},
        lambda: Invitation.objects.filter(councillor=target).exists(),
    )


ACTIONS: dict[str, tuple[Callable[[Town], Any], set[str]]] = {
    "offer": (_offer, {"ward councillor", "invited councillor"}),
    "withdraw": (
        _on_support("withdraw", SupportStatus.OFFERED, {}, SupportStatus.WITHDRAWN),
        {"ward councillor"},
    ),
    "accept": (
        _on_support("accept", SupportStatus.OFFERED, {}, SupportStatus.PLANNED),
        {"lead"},
    ),
    "decline": (
        _on_support("decline", SupportStatus.OFFERED, {}, SupportStatus.DECLINED),
        {"lead"},
    ),
    "move status": (
        _on_support(
            "status", SupportStatus.PLANNED, {"status": "in_progress"}, SupportStatus.IN_PROGRESS
        ),
        {"ward councillor", "lead"},
    ),
    "give feedback": (
        _on_support(
            "feedback", SupportStatus.DONE, {"helped": "yes", "comment": "Great"}, "yes", "helped"
        ),
        {"lead"},
    ),
    "invite": (_invite, {"lead"}),
}


@pytest.mark.parametrize(
    ("action", "role"),
    [pytest.param(a, r, id=f"{a}-{r}") for a in ACTIONS for r in SUPPORT_CAST],
)
def test_only_the_right_people_can_act_on_support(client: Client, action: str, role: str) -> None:
    town = build_support_town()
    setup, allowed = ACTIONS[action]
    url, data, changed = setup(town)
    response = post_as(client, town, role, url, data)
    assert changed() is (role in allowed), response.status_code
    if role in allowed:
        assert response.status_code == 302
    elif town.user(role).is_authenticated and role != "ward councillor without MFA":
        # Signed in but not allowed: refused outright (the initiative is public, so no 404).
        assert response.status_code == 403


def test_an_offer_reaches_the_leads_and_is_audited(client: Client, town: Town) -> None:
    Notification.objects.all().delete()  # what the town's people were told while it was built
    client.force_login(town.person("ward councillor"))
    response = client.post(
        reverse("support:offer", kwargs={"slug": town.initiative.slug}),
        {"kind": "connect", "description": "Introduce you to the parks team"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "support:initiative", kwargs={"slug": town.initiative.slug}
    )
    support = Support.objects.get()
    assert support.kind == SupportKind.CONNECT
    assert support.councillor == town.councillor()
    note = Notification.objects.get(recipient=town.lead)
    assert note.kind == Kind.SUPPORT_OFFER
    assert AuditEntry.objects.filter(action="support.offered", object_id=str(support.pk)).exists()
    body = client.get(response["Location"]).content.decode()
    assert "Your offer has been sent to the leads" in body
    assert "Introduce you to the parks team" in body


def test_the_whole_life_of_an_offer(client: Client, town: Town) -> None:
    councillor = Client()
    councillor.force_login(town.person("ward councillor"))
    councillor.post(
        reverse("support:offer", kwargs={"slug": town.initiative.slug}),
        {"kind": "facilitate", "description": "Host a residents' meeting"},
    )
    support = Support.objects.get()
    client.force_login(town.lead)
    client.post(reverse("support:accept", kwargs={"pk": support.pk}))
    assert Notification.objects.filter(
        recipient=town.person("ward councillor"), kind=Kind.SUPPORT_UPDATE
    ).exists()
    councillor.post(reverse("support:status", kwargs={"pk": support.pk}), {"status": "in_progress"})
    client.post(reverse("support:status", kwargs={"pk": support.pk}), {"status": "done"})
    client.post(
        reverse("support:feedback", kwargs={"pk": support.pk}),
        {"helped": "partly", "comment": "The meeting was useful"},
    )
    support.refresh_from_db()
    assert support.status == SupportStatus.DONE
    assert support.helped == "partly"
    assert support.feedback_by == town.lead
    actions = set(
        AuditEntry.objects.filter(object_id=str(support.pk)).values_list("action", flat=True)
    )
    assert actions >= {"support.offered", "support.accepted", "support.moved", "support.feedback"}
    page = client.get(reverse("support:initiative", kwargs={"slug": town.initiative.slug}))
    assert "The meeting was useful" in page.content.decode()


def test_answered_offers_cannot_be_answered_again(client: Client, town: Town) -> None:
    support = town.support(status=SupportStatus.DECLINED)
    client.force_login(town.lead)
    response = client.post(reverse("support:accept", kwargs={"pk": support.pk}))
    assert response.status_code == 200
    assert "This offer has already been answered or withdrawn" in error_summary(
        response.content.decode()
    )
    support.refresh_from_db()
    assert support.status == SupportStatus.DECLINED


def test_support_only_moves_forward(client: Client, town: Town) -> None:
    support = town.support(status=SupportStatus.DONE)
    client.force_login(town.lead)
    response = client.post(
        reverse("support:status", kwargs={"pk": support.pk}), {"status": "in_progress"}
    )
    assert response.status_code == 200
    assert "Support can only move from planned to in progress to done" in response.content.decode()
    support.refresh_from_db()
    assert support.status == SupportStatus.DONE


def test_feedback_waits_until_the_support_is_done(client: Client, town: Town) -> None:
    support = town.support(status=SupportStatus.IN_PROGRESS)
    client.force_login(town.lead)
    response = client.post(
        reverse("support:feedback", kwargs={"pk": support.pk}), {"helped": "yes", "comment": "x"}
    )
    assert "You can give feedback once the support is done" in response.content.decode()
    support.refresh_from_db()
    assert support.helped == ""


def test_a_safeguarded_initiative_is_not_found_by_a_councillor_who_cannot_see_it(
    client: Client, town: Town
) -> None:
    town.initiative.visibility = Visibility.SAFEGUARDED
    town.initiative.save(update_fields=["visibility"])
    client.force_login(town.person("ward councillor"))
    for url in (
        reverse("support:initiative", kwargs={"slug": town.initiative.slug}),
        reverse("support:offer", kwargs={"slug": town.initiative.slug}),
    ):
        assert client.get(url).status_code == 404
    missing = reverse("support:offer", kwargs={"slug": "no-such-initiative"})
    assert client.get(missing).status_code == 404
    assert not Support.objects.exists()


OFFER_BAD_INPUT = [
    pytest.param({}, "kind", "Select how you will support it", id="nothing"),
    pytest.param(
        {"kind": "bribe", "description": "x"},
        "kind",
        "Select how you will support it",
        id="bad kind",
    ),
    pytest.param(
        {"kind": "connect", "description": "   "},
        "description",
        "Enter what you will do",
        id="blank",
    ),
    pytest.param(
        {"kind": "connect", "description": "x" * 2001},
        "description",
        "What you will do must be 2000 characters or fewer",
        id="too long",
    ),
    pytest.param(
        {"kind": "connect", "description": "a\u0000b"},
        "description",
        "Null characters are not allowed",
        id="null",
    ),
]


@pytest.mark.parametrize(("data", "field", "message"), OFFER_BAD_INPUT)
def test_bad_offers_are_explained_and_nothing_is_saved(
    client: Client, town: Town, data: dict[str, Any], field: str, message: str
) -> None:
    client.force_login(town.person("ward councillor"))
    response = client.post(reverse("support:offer", kwargs={"slug": town.initiative.slug}), data)
    assert response.status_code == 200
    summary = error_summary(response.content.decode())
    assert message in summary
    assert re.search(rf'href="#id_{field}(_0)?"', summary)  # a group links to its first option
    assert not Support.objects.exists()


def test_offering_the_same_kind_twice_is_refused(client: Client, town: Town) -> None:
    town.support(kind=SupportKind.CONNECT)
    client.force_login(town.person("ward councillor"))
    response = client.post(
        reverse("support:offer", kwargs={"slug": town.initiative.slug}),
        {"kind": "connect", "description": "Again"},
    )
    assert "You have already offered this kind of support here" in response.content.decode()
    assert Support.objects.count() == 1


FEEDBACK_BAD_INPUT = [
    pytest.param({"comment": "ok"}, "helped", "Select whether the support helped", id="no answer"),
    pytest.param(
        {"helped": "maybe", "comment": "ok"},
        "helped",
        "Select whether the support helped",
        id="bad answer",
    ),
    pytest.param(
        {"helped": "yes", "comment": ""}, "comment", "Enter your feedback", id="no comment"
    ),
    pytest.param(
        {"helped": "yes", "comment": "x" * 2001},
        "comment",
        "Your feedback must be 2000 characters or fewer",
        id="too long",
    ),
]


@pytest.mark.parametrize(("data", "field", "message"), FEEDBACK_BAD_INPUT)
def test_bad_feedback_is_explained_and_nothing_is_saved(
    client: Client, town: Town, data: dict[str, Any], field: str, message: str
) -> None:
    support = town.support(status=SupportStatus.DONE)
    client.force_login(town.lead)
    response = client.post(reverse("support:feedback", kwargs={"pk": support.pk}), data)
    assert response.status_code == 200
    summary = error_summary(response.content.decode())
    assert message in summary
    assert re.search(rf'href="#id_{field}(_0)?"', summary)  # a group links to its first option
    support.refresh_from_db()
    assert support.helped == ""
    assert support.feedback == ""


def test_bad_status_is_explained(client: Client, town: Town) -> None:
    support = town.support(status=SupportStatus.PLANNED)
    client.force_login(town.lead)
    for data in ({}, {"status": "offered"}, {"status": "<b>"}):
        response = client.post(reverse("support:status", kwargs={"pk": support.pk}), data)
        assert "Select the new status" in error_summary(response.content.decode())
    support.refresh_from_db()
    assert support.status == SupportStatus.PLANNED


INVITE_BAD_INPUT = [
    pytest.param({"councillor": ""}, "Enter the councillor&#x27;s name", id="empty"),
    pytest.param(
        {"councillor": "Nobody Atall"},
        "We could not find a councillor called Nobody Atall",
        id="unknown",
    ),
    pytest.param(
        {"councillor": "Sam Twin"}, "More than one councillor is called Sam Twin", id="ambiguous"
    ),
    pytest.param(
        {"councillor": "Off Line"}, "Off Line does not use this site yet", id="no account"
    ),
    pytest.param({"councillor": "x" * 201}, "must be 200 characters or fewer", id="too long"),
]


@pytest.mark.parametrize(("data", "message"), INVITE_BAD_INPUT)
def test_bad_invitations_are_explained_and_nothing_is_saved(
    client: Client, town: Town, data: dict[str, Any], message: str
) -> None:
    CouncillorFactory(name="Sam Twin")
    CouncillorFactory(name="Sam Twin")
    CouncillorFactory(name="Off Line")
    client.force_login(town.lead)
    before = Invitation.objects.count()
    response = client.post(reverse("support:invite", kwargs={"slug": town.initiative.slug}), data)
    assert response.status_code == 200
    assert message in error_summary(response.content.decode())
    assert Invitation.objects.count() == before


def test_inviting_the_same_councillor_twice_is_explained(client: Client, town: Town) -> None:
    name = town.councillor("invited councillor").name
    client.force_login(town.lead)
    response = client.post(
        reverse("support:invite", kwargs={"slug": town.initiative.slug}), {"councillor": name}
    )
    assert f"{name} has already been invited" in response.content.decode()
    assert Invitation.objects.count() == 1


def test_an_invited_councillor_is_told(client: Client, town: Town) -> None:
    target_user = town.person("other councillor")
    client.force_login(town.lead)
    client.post(
        reverse("support:invite", kwargs={"slug": town.initiative.slug}),
        {"councillor": town.councillor("other councillor").name},
    )
    assert Notification.objects.filter(recipient=target_user, kind=Kind.SUPPORT_UPDATE).exists()
    assert target_user.has_perm("support.offer_support", town.initiative)
