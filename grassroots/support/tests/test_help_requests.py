"""Help requests: leads ask their ward councillors; one takes it; unanswered ones are flagged."""

from __future__ import annotations

import datetime
import importlib
import re
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from grassroots.accounts.models import User
from grassroots.core.models import AuditEntry
from grassroots.core.services import ServiceError
from grassroots.initiatives.models import Visibility
from grassroots.notifications.models import Kind, Notification
from grassroots.places.models import CouncillorTerm
from grassroots.places.tests.factories import CouncillorTermFactory
from grassroots.support import services, tasks
from grassroots.support.models import HelpRequest, HelpRequestStatus, Support, SupportStatus
from grassroots.support.tests.conftest import (
    SUPPORT_CAST,
    build_support_town,
    error_summary,
    post_as,
)
from grassroots.testing.people import make_councillor
from grassroots.testing.worlds import Town

pytestmark = pytest.mark.django_db


def _ask(w: Town) -> tuple[str, dict[str, Any], Callable[[], bool]]:
    url = reverse("support:ask", kwargs={"slug": w.initiative.slug})
    data = {"kind": "advocate", "message": "Please ask about the gate"}
    return url, data, lambda: HelpRequest.objects.filter(initiative=w.initiative).exists()


def _take(w: Town) -> tuple[str, dict[str, Any], Callable[[], bool]]:
    request = w.help_request()
    url = reverse("support:take", kwargs={"pk": request.pk})
    return url, {}, lambda: HelpRequest.objects.get(pk=request.pk).status == "taken"


def _withdraw(w: Town) -> tuple[str, dict[str, Any], Callable[[], bool]]:
    request = w.help_request()
    url = reverse("support:help_withdraw", kwargs={"pk": request.pk})
    return url, {}, lambda: HelpRequest.objects.get(pk=request.pk).status == "withdrawn"


ACTIONS: dict[str, tuple[Callable[[Town], Any], set[str]]] = {
    "ask for help": (_ask, {"lead"}),
    "take": (_take, {"ward councillor"}),
    "withdraw request": (_withdraw, {"lead"}),
}


@pytest.mark.parametrize(
    ("action", "role"),
    [pytest.param(a, r, id=f"{a}-{r}") for a in ACTIONS for r in SUPPORT_CAST],
)
def test_only_the_right_people_can_act_on_help_requests(
    client: Client, action: str, role: str, town: Town
) -> None:
    setup, allowed = ACTIONS[action]
    url, data, changed = setup(town)
    post_as(client, town, role, url, data)
    assert changed() is (role in allowed)


def test_every_ward_councillor_is_asked_and_the_wait_is_shown(client: Client, town: Town) -> None:
    second = make_councillor(town.ward)
    client.force_login(town.lead)
    client.post(
        reverse("support:ask", kwargs={"slug": town.initiative.slug}),
        {"kind": "connect", "message": "Who runs the community hall?"},
    )
    told = set(
        Notification.objects.filter(kind=Kind.HELP_REQUEST).values_list("recipient", flat=True)
    )
    assert told == {
        town.person("ward councillor").pk,
        town.person("ward councillor without MFA").pk,
        second.pk,
    }
    request = HelpRequest.objects.get()
    assert AuditEntry.objects.filter(
        action="help_request.created", object_id=str(request.pk)
    ).exists()
    body = client.get(reverse("support:initiative", kwargs={"slug": town.initiative.slug})).content
    assert b"Asked today" in body
    assert b"0 working days" not in body


def test_taking_a_request_makes_it_planned_support(client: Client, town: Town) -> None:
    request = town.help_request()
    client.force_login(town.person("ward councillor"))
    response = client.post(
        reverse("support:take", kwargs={"pk": request.pk}), {"description": "I'll find out"}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == HelpRequestStatus.TAKEN
    assert request.taken_by == town.councillor()
    support = Support.objects.get()
    assert support.help_request == request
    assert support.status == SupportStatus.PLANNED
    assert support.description == "I'll find out"
    assert Notification.objects.filter(recipient=town.lead, kind=Kind.SUPPORT_UPDATE).exists()
    body = client.get(response["Location"]).content.decode()
    assert f"Taken by {town.councillor().name} after" in body


def test_a_taken_request_cannot_be_taken_again(client: Client, town: Town) -> None:
    other = make_councillor(town.ward, name="Second Councillor")
    request = town.help_request()
    first = town.person("ward councillor")
    # Both councillors loaded the request while it was waiting; the first takes it.
    stale = HelpRequest.objects.get(pk=request.pk)
    services.help_request_take(actor=first, help_request=request)
    with pytest.raises(ServiceError) as error:
        services.help_request_take(actor=other, help_request=stale)
    assert error.value.message == f"{town.councillor().name} has already taken this request"
    assert Support.objects.count() == 1
    client.force_login(other)
    response = client.post(reverse("support:take", kwargs={"pk": request.pk}))
    assert f"{town.councillor().name} has already taken this request" in error_summary(
        response.content.decode()
    )
    assert Support.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_councillors_taking_at_once_get_one_winner() -> None:
    if connection.vendor != "postgresql":
        # The SQLite test database lives in shared-cache memory, which reports "table is
        # locked" instead of waiting; the stale-read test above covers SQLite.
        pytest.skip("two real threads writing at once need the PostgreSQL test database")
    town = build_support_town()
    other = make_councillor(town.ward, name="Second Councillor")
    request = town.help_request()
    users = [town.person("ward councillor"), other]
    barrier = threading.Barrier(2)
    outcomes: list[Any] = []

    def take(user: User) -> None:
        try:
            barrier.wait()
            outcomes.append(services.help_request_take(actor=user, help_request=request))
        except ServiceError as error:
            outcomes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=take, args=(u,)) for u in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [o for o in outcomes if isinstance(o, Support)]
    losers = [o for o in outcomes if isinstance(o, ServiceError)]
    assert len(winners) == 1
    assert len(losers) == 1
    assert "has already taken this request" in losers[0].message
    assert Support.objects.count() == 1


def test_a_withdrawn_request_cannot_be_taken(client: Client, town: Town) -> None:
    request = town.help_request(status=HelpRequestStatus.WITHDRAWN)
    client.force_login(town.person("ward councillor"))
    response = client.post(reverse("support:take", kwargs={"pk": request.pk}))
    assert "This request has been withdrawn" in error_summary(response.content.decode())
    assert not Support.objects.exists()


def test_a_taken_request_cannot_be_withdrawn(client: Client, town: Town) -> None:
    request = town.help_request()
    services.help_request_take(actor=town.person("ward councillor"), help_request=request)
    client.force_login(town.lead)
    response = client.post(reverse("support:help_withdraw", kwargs={"pk": request.pk}))
    assert "Only a request nobody has taken can be withdrawn" in response.content.decode()
    request.refresh_from_db()
    assert request.status == HelpRequestStatus.TAKEN


ASK_BAD_INPUT = [
    pytest.param({}, "kind", "Select the kind of help you need", id="nothing"),
    pytest.param(
        {"kind": "money", "message": "x"}, "kind", "Select the kind of help you need", id="bad kind"
    ),
    pytest.param(
        {"kind": "connect", "message": ""},
        "message",
        "Enter what you need help with",
        id="no message",
    ),
    pytest.param(
        {"kind": "connect", "message": "x" * 2001},
        "message",
        "What you need help with must be 2000 characters or fewer",
        id="too long",
    ),
]


@pytest.mark.parametrize(("data", "field", "message"), ASK_BAD_INPUT)
def test_bad_requests_are_explained_and_nothing_is_saved(
    client: Client, town: Town, data: dict[str, Any], field: str, message: str
) -> None:
    client.force_login(town.lead)
    response = client.post(reverse("support:ask", kwargs={"slug": town.initiative.slug}), data)
    assert response.status_code == 200
    summary = error_summary(response.content.decode())
    assert message in summary
    assert re.search(rf'href="#id_{field}(_0)?"', summary)  # a group links to its first option
    assert not HelpRequest.objects.exists()


def test_take_with_a_too_long_description_is_explained(client: Client, town: Town) -> None:
    request = town.help_request()
    client.force_login(town.person("ward councillor"))
    response = client.post(
        reverse("support:take", kwargs={"pk": request.pk}), {"description": "x" * 2001}
    )
    assert "What you will do must be 2000 characters or fewer" in error_summary(
        response.content.decode()
    )
    request.refresh_from_db()
    assert request.status == HelpRequestStatus.WAITING


def _age(request: HelpRequest, days: int) -> None:
    HelpRequest.objects.filter(pk=request.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=days)
    )


def test_the_reminder_flags_old_requests_once_a_day(client: Client, town: Town) -> None:
    old = town.help_request()
    _age(old, 14)  # at least 7 working days, whatever the holidays
    fresh = town.help_request(message="Brand new")
    taken = town.help_request(message="Taken already")
    _age(taken, 14)
    services.help_request_take(actor=town.person("ward councillor"), help_request=taken)
    Notification.objects.all().delete()

    call_command("remind_help_requests", stdout=open("/dev/null", "w"))  # noqa: SIM115
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.overdue_since is not None
    assert old.last_reminded_at is not None
    assert fresh.overdue_since is None
    reminders = Notification.objects.filter(
        recipient=town.person("ward councillor"), kind=Kind.HELP_REQUEST
    )
    assert reminders.count() == 1
    assert "Still waiting" in reminders.get().text

    # The same day again (as a task this time): nothing new.
    tasks.remind_help_requests.enqueue()
    assert reminders.count() == 1

    # The next day: reminded again, still flagged since the first time.
    first_flag = old.overdue_since
    assert services.help_requests_remind(now=timezone.now() + datetime.timedelta(days=1)) == 1
    assert reminders.count() == 2
    old.refresh_from_db()
    assert old.overdue_since == first_flag
    assert AuditEntry.objects.filter(action="help_request.reminded").count() == 2

    ward_page = client.get(town.ward.get_absolute_url()).content.decode()
    assert "Overdue" in ward_page
    assert "Riverside garden" in ward_page


def test_the_number_of_working_days_comes_from_settings(town: Town, settings: Any) -> None:
    request = town.help_request()
    _age(request, 14)
    settings.HELP_REQUEST_WORKING_DAYS = 30
    assert services.help_requests_remind() == 0
    settings.HELP_REQUEST_WORKING_DAYS = 1
    assert services.help_requests_remind() == 1


def test_reminders_about_safeguarded_initiatives_reach_only_ward_councillors(town: Town) -> None:
    Notification.objects.all().delete()  # what the town's people were told while it was built
    town.initiative.visibility = Visibility.SAFEGUARDED
    town.initiative.save(update_fields=["visibility"])
    request = town.help_request()
    _age(request, 14)
    services.help_requests_remind()
    recipients = set(Notification.objects.values_list("recipient", flat=True))
    # Not the one without two-factor authentication: no insider access until it is set up.
    assert recipients == {town.person("ward councillor").pk}
    assert not mail.outbox or all(
        town.person("other councillor").email not in m.to for m in mail.outbox
    )


def test_taking_without_saying_what_leaves_it_not_said_yet(client: Client, town: Town) -> None:
    request = town.help_request(message="Who looks after the park?")
    client.force_login(town.person("ward councillor"))
    page = client.get(reverse("support:take", kwargs={"pk": request.pk})).content.decode()
    # The question is shown for context, but the answer box starts empty.
    assert re.search(r'<textarea[^>]*name="description"[^>]*>\s*</textarea>', page)
    client.post(reverse("support:take", kwargs={"pk": request.pk}), {"description": "  "})
    support = Support.objects.get()
    assert support.description == ""
    client.force_login(town.lead)
    body = client.get(reverse("support:initiative", kwargs={"slug": town.initiative.slug}))
    section = body.content.decode()
    what = section[section.index("What they will do") :]
    what = what[: what.index("</dd>")]
    assert "Not said yet" in what
    assert "Who looks after the park?" not in what


def test_the_migration_empties_questions_copied_in_as_what_they_will_do(town: Town) -> None:

    migration = importlib.import_module(
        "grassroots.support.migrations.0002_support_description_may_wait"
    )
    copied = town.help_request(message="Who looks after the park?")
    answered = town.help_request(message="Who runs the hall?")
    first = services.help_request_take(actor=town.person("ward councillor"), help_request=copied)
    second = services.help_request_take(
        actor=town.person("ward councillor"), help_request=answered, description="I'll ask"
    )
    Support.objects.filter(pk=first.pk).update(description="Who looks after the park?")
    offer = town.support()  # an offer of support, not an answer to a request: left alone
    migration.clear_copied_questions(apps, None)
    first.refresh_from_db()
    second.refresh_from_db()
    offer.refresh_from_db()
    assert first.description == ""
    assert second.description == "I'll ask"
    assert offer.description == "Host a meeting at the library"


@pytest.mark.parametrize(
    ("asked", "seen", "label"),
    [
        ("2026-11-30 09:00", "2026-11-30 17:00", "Asked today"),  # a Monday
        ("2026-11-30 09:00", "2026-12-01 09:00", "Waiting 1 working day"),
        ("2026-11-30 09:00", "2026-12-03 09:00", "Waiting 3 working days"),
        ("2026-12-05 09:00", "2026-12-06 09:00", "Asked yesterday"),  # Saturday, seen Sunday
        ("2026-12-04 18:00", "2026-12-06 09:00", "Asked on Friday 4 December"),
    ],
)
def test_the_wait_is_said_in_plain_words(
    client: Client, town: Town, asked: str, seen: str, label: str
) -> None:
    with freeze_time(asked):
        town.help_request()
    with freeze_time(seen):
        client.force_login(town.lead)
        body = client.get(
            reverse("support:initiative", kwargs={"slug": town.initiative.slug})
        ).content.decode()
        ward = client.get(town.ward.get_absolute_url()).content.decode()
    assert label in body
    assert label in ward
    assert "0 working days" not in body + ward


def test_the_same_request_sent_twice_is_refused_with_a_link_to_the_first(
    client: Client, town: Town, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    url = reverse("support:ask", kwargs={"slug": town.initiative.slug})
    client.force_login(town.lead)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, {"kind": "connect", "message": "Who runs the community hall?"})
    assert first.status_code == 302
    request = HelpRequest.objects.get()
    emails = len(mailoutbox)
    notifications = Notification.objects.count()
    # A double click, or the same words sent again with different spacing and capitals.
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(url, {"kind": "connect", "message": "  who runs the community  HALL? "})
    assert again.status_code == 200
    summary = error_summary(again.content.decode())
    assert "You have already sent this request and it is still waiting for a councillor" in summary
    assert f'href="/support/initiatives/{town.initiative.slug}/#help-request-{request.pk}"' in (
        summary
    )
    assert HelpRequest.objects.count() == 1
    assert len(mailoutbox) == emails
    assert Notification.objects.count() == notifications
    page = client.get(reverse("support:initiative", kwargs={"slug": town.initiative.slug}))
    assert f'id="help-request-{request.pk}"' in page.content.decode()


def test_the_same_words_may_be_asked_again_once_the_first_is_answered(town: Town) -> None:
    first = services.help_request_create(
        actor=town.lead, initiative=town.initiative, kind="connect", message="Who cuts the grass?"
    )
    with pytest.raises(ServiceError):
        services.help_request_create(
            actor=town.lead,
            initiative=town.initiative,
            kind="advocate",
            message="who cuts the grass",
        )
    # A different question, or the same one from another lead, is a new request.
    services.help_request_create(
        actor=town.lead, initiative=town.initiative, kind="connect", message="Who cuts hedges?"
    )
    services.help_request_withdraw(actor=town.lead, help_request=first)
    services.help_request_create(
        actor=town.lead, initiative=town.initiative, kind="connect", message="Who cuts the grass?"
    )
    assert HelpRequest.objects.filter(status=HelpRequestStatus.WAITING).count() == 2


def test_the_database_refuses_a_second_waiting_copy(town: Town) -> None:
    town.help_request(message="Who looks after the park?")
    with pytest.raises(IntegrityError), transaction.atomic():
        town.help_request(message="Who looks after the park?")


def test_the_leads_are_told_who_the_request_reaches_and_who_not(client: Client, town: Town) -> None:
    CouncillorTermFactory(
        ward=town.ward,
        councillor__name="Cy Offline",
        councillor__email="cy.offline@council.example",
        councillor__phone="01632 960123",
    )
    CouncillorTermFactory(ward=town.ward, councillor__name="Di Unlisted", councillor__email="")
    on_site = sorted(
        (town.councillor(), town.councillor("ward councillor without MFA")),
        key=lambda c: c.name,
    )
    client.force_login(town.lead)
    for url in (
        reverse("support:ask", kwargs={"slug": town.initiative.slug}),
        reverse("support:initiative", kwargs={"slug": town.initiative.slug}),
    ):
        text = " ".join(re.sub(r"<[^>]+>", "", client.get(url).content.decode()).split())
        assert (
            f"Your request goes to {on_site[0].name} and {on_site[1].name}, who use Grassroots."
        ) in text, url
        assert (
            "Cy Offline does not use Grassroots yet: contact them by email at "
            "cy.offline@council.example or by phone on 01632 960123."
        ) in text
        assert ("Di Unlisted does not use Grassroots yet and has no public contact details") in text
    page = client.get(reverse("support:ask", kwargs={"slug": town.initiative.slug}))
    assert 'href="mailto:cy.offline@council.example"' in page.content.decode()


def test_without_councillors_here_the_leads_are_told_nobody_will_see_it(
    client: Client, town: Town
) -> None:
    CouncillorTerm.objects.filter(ward=town.ward).update(
        ends_on=timezone.localdate() - datetime.timedelta(days=1),
        starts_on=timezone.localdate() - datetime.timedelta(days=900),
    )
    client.force_login(town.lead)
    text = client.get(reverse("support:ask", kwargs={"slug": town.initiative.slug})).content
    assert b"We do not know who your ward councillors are yet" in text


@pytest.mark.parametrize("which", ["public", "safeguarded"])
def test_taking_a_help_request_costs_a_fixed_number_of_queries(
    client: Client, town: Town, which: str
) -> None:
    """The walk through the layers in docs/architecture.md ("How a request flows"): one
    visibility rule asked three ways, answered from the request cache, a bounded cost."""
    initiative = town.initiative if which == "public" else town.safeguarded
    request = town.help_request(initiative=initiative, requested_by=initiative.created_by)
    client.force_login(town.person("ward councillor"))
    url = reverse("support:take", kwargs={"pk": request.pk})
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, {})
    assert response.status_code == 302
    assert HelpRequest.objects.get(pk=request.pk).status == HelpRequestStatus.TAKEN
    # A safeguarded initiative costs two more: the councillors' grant needs the waiting request.
    # One of each is the initiatives' visibility answer (kept in the cache in production).
    assert len(queries) <= {"public": 18, "safeguarded": 19}[which]
