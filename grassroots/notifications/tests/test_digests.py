"""Daily and weekly digests: grouped by place, never empty, never about what the person can no
longer see, sent once however often the job runs, in batches of bounded cost."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from grassroots.accounts.tests.factories import UserFactory
from grassroots.conversations.models import ConversationAccess
from grassroots.conversations.tests.factories import ConversationFactory
from grassroots.groups.models import GroupMembership
from grassroots.groups.tests.factories import GroupFactory, GroupMembershipFactory
from grassroots.initiatives.models import Initiative, Membership, Visibility
from grassroots.initiatives.tests.factories import InitiativeFactory, MembershipFactory
from grassroots.notifications import tasks
from grassroots.notifications.digests import digests_send
from grassroots.notifications.models import Kind, Notification
from grassroots.notifications.services import notify, preferences_save
from grassroots.places.tests.factories import WardFactory

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def daily_person(**kwargs: Any) -> Any:
    person = UserFactory(**kwargs)
    preferences_save(user=person, deliveries={"following": "daily", "event": "weekly"})
    return person


def send(frequency: str = "daily", **kwargs: Any) -> Any:
    return digests_send(frequency=frequency, **kwargs)


def test_a_digest_groups_notifications_by_place(
    django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.SITE_URL = "https://grassroots.example.gov.uk"
    person = daily_person(email="daily@example.org")
    ward = WardFactory(name="Riverside")
    initiative = InitiativeFactory(title="Riverside garden")
    group = GroupFactory(name="Friends of the park")
    conversation = ConversationFactory(question="Where should the bench go?")
    places: list[tuple[str, dict[str, Any]]] = [
        ("A new initiative in Riverside", {"ward": ward}),
        ("The garden is in action", {"initiative": initiative}),
        ("Planting day on Saturday", {"group": group}),
        ("Three new replies", {"conversation": conversation}),
        ("Something general", {}),
        ("The garden needs spades", {"initiative": initiative}),
    ]
    for text, place in places:
        notify(recipients=[person], kind=Kind.FOLLOWING, text=text, url="/somewhere/", **place)
    assert mail.outbox == []  # daily: nothing straight away
    with django_capture_on_commit_callbacks(execute=True):
        result = send()
    assert (result.emails, result.notifications) == (1, 6)
    [message] = mail.outbox
    assert message.to == ["daily@example.org"]
    assert message.subject == "[Grassroots] Your daily digest: 6 notifications"
    body = message.body
    headings = [
        "Conversation: Where should the bench go?",
        "Group: Friends of the park",
        "Initiative: Riverside garden",
        "Riverside ward",
        "Elsewhere",
    ]
    positions = [body.index(h) for h in headings]
    assert positions == sorted(positions)
    garden = body.index("Initiative: Riverside garden")
    assert garden < body.index("- The garden is in action") < body.index("- The garden needs")
    assert body.index("- The garden needs") < body.index("Riverside ward")
    assert "https://grassroots.example.gov.uk/somewhere/" in body
    leave = message.extra_headers["List-Unsubscribe"]
    assert leave.startswith("<https://grassroots.example.gov.uk/notifications/unsubscribe/")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert leave.strip("<>") in body
    assert not Notification.objects.filter(awaiting_digest=True).exists()
    assert Notification.objects.filter(emailed_at__isnull=False).count() == 6


def test_running_twice_sends_nothing_twice(django_capture_on_commit_callbacks: Any) -> None:
    person = daily_person()
    notify(recipients=[person], kind=Kind.FOLLOWING, text="News", url="/")
    with django_capture_on_commit_callbacks(execute=True):
        assert send().emails == 1
        assert send().emails == 0
    assert len(mail.outbox) == 1
    notify(recipients=[person], kind=Kind.FOLLOWING, text="Later news", url="/")
    with django_capture_on_commit_callbacks(execute=True):
        assert send().emails == 1
    assert "Later news" in mail.outbox[1].body
    assert "- News" not in mail.outbox[1].body


def test_daily_and_weekly_digests_are_separate(django_capture_on_commit_callbacks: Any) -> None:
    person = daily_person()
    notify(recipients=[person], kind=Kind.FOLLOWING, text="Daily thing", url="/")
    notify(recipients=[person], kind=Kind.EVENT, text="Weekly thing", url="/")
    with django_capture_on_commit_callbacks(execute=True):
        send("daily")
    assert "Daily thing" in mail.outbox[0].body
    assert "Weekly thing" not in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        send("weekly")
    assert mail.outbox[1].subject.endswith("Your weekly digest: 1 notification")
    assert "Weekly thing" in mail.outbox[1].body


def test_a_change_of_mind_takes_effect_at_once(django_capture_on_commit_callbacks: Any) -> None:
    moved, stopped = daily_person(), daily_person()
    for person in (moved, stopped):
        notify(recipients=[person], kind=Kind.FOLLOWING, text="News", url="/")
    preferences_save(user=moved, deliveries={"following": "weekly"})
    preferences_save(user=stopped, deliveries={"following": "off"})
    with django_capture_on_commit_callbacks(execute=True):
        assert send("daily").emails == 0
        assert send("weekly").emails == 1
    assert [m.to for m in mail.outbox] == [[moved.email]]


def test_nothing_about_a_safeguarded_initiative_after_leaving_it_and_never_an_empty_digest(
    django_capture_on_commit_callbacks: Any,
) -> None:
    initiative = InitiativeFactory(visibility=Visibility.SAFEGUARDED, title="Quiet circle")
    leaver = MembershipFactory(initiative=initiative).user
    stayer = MembershipFactory(initiative=initiative).user
    both = daily_person()
    MembershipFactory(initiative=initiative, user=both)
    for person in (leaver, stayer):
        preferences_save(user=person, deliveries={"following": "daily"})
    notify(
        recipients=[leaver, stayer, both],
        kind=Kind.FOLLOWING,
        text="Quiet circle meets on Tuesday",
        url=initiative.get_absolute_url(),
        initiative=initiative,
    )
    notify(recipients=[both], kind=Kind.FOLLOWING, text="Public news", url="/")
    Membership.objects.filter(user__in=[leaver, both]).update(status="left")
    with django_capture_on_commit_callbacks(execute=True):
        result = send()
    assert result.emails == 2
    assert result.skipped == 2
    by_person = {m.to[0]: m.body for m in mail.outbox}
    assert leaver.email not in by_person  # only the hidden one: no digest at all
    # Safeguarded: listed discreetly, never by name (test_discreet has the details).
    assert "There is news in a private group you are part of" in by_person[stayer.email]
    assert "Quiet circle" not in by_person[stayer.email]
    assert "Public news" in by_person[both.email]
    assert "Quiet circle" not in by_person[both.email]
    # Dropped for good: rejoining later does not bring an old digest back.
    assert not Notification.objects.filter(awaiting_digest=True).exists()


def test_a_safeguarded_group_conversation_is_left_out_for_those_who_left() -> None:
    group = GroupFactory()
    conversation = ConversationFactory(ward=None, group=group, is_safeguarded=True)
    member = daily_person()
    GroupMembershipFactory(group=group, user=member)
    ConversationAccess.objects.create(conversation=conversation, user=member)
    notify(
        recipients=[member],
        kind=Kind.FOLLOWING,
        text="A private reply",
        url="/",
        conversation=conversation,
    )
    GroupMembership.objects.filter(user=member).update(status="left")
    result = send()
    assert (result.emails, result.skipped) == (0, 1)


def test_people_in_many_batches_all_get_theirs(django_capture_on_commit_callbacks: Any) -> None:
    people = [daily_person() for _ in range(7)]
    notify(recipients=people, kind=Kind.FOLLOWING, text="News", url="/")
    with django_capture_on_commit_callbacks(execute=True):
        result = send(batch_size=3)
    assert result.emails == 7
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)


def _queries_for(count: int) -> int:
    people = [daily_person() for _ in range(count)]
    initiative = InitiativeFactory()
    notify(recipients=people, kind=Kind.FOLLOWING, text="One", url="/", initiative=initiative)
    notify(recipients=people, kind=Kind.FOLLOWING, text="Two", url="/", ward=WardFactory())
    with CaptureQueriesContext(connection) as context:
        assert send().emails == count
    Notification.objects.all().delete()
    return len(context.captured_queries)


def test_a_batch_costs_the_same_queries_whatever_its_size() -> None:
    assert _queries_for(3) == _queries_for(20)


def _queries_for_a_mixed_batch(count: int) -> int:
    """People with news about every kind of place, public, safeguarded and hidden."""

    people = [daily_person() for _ in range(count)]
    public = InitiativeFactory()
    private = InitiativeFactory(visibility=Visibility.SAFEGUARDED)
    outside = InitiativeFactory(visibility=Visibility.SAFEGUARDED)
    hidden = InitiativeFactory()
    group = GroupFactory()
    group_talk = ConversationFactory(ward=None, group=group, is_safeguarded=True)
    hosted = ConversationFactory(ward=None, initiative=hidden)
    for n, person in enumerate(people):
        MembershipFactory(initiative=private, user=person)
        MembershipFactory(initiative=hidden, user=person)
        if n % 2:
            GroupMembershipFactory(group=group, user=person)
            ConversationAccess.objects.create(conversation=group_talk, user=person)
    places: list[dict[str, Any]] = [
        {"ward": WardFactory()},
        {"initiative": public},
        {"initiative": private},
        {"initiative": hidden},
        {"conversation": group_talk},
        {"conversation": hosted},
        {"group": group},
    ]
    for place in places:
        notify(recipients=people, kind=Kind.FOLLOWING, text="News", url="/", **place)
    # Told while they could see it; since then one is hidden, and the outside one never was.
    Notification.objects.bulk_create(
        Notification(
            recipient=p,
            kind=Kind.FOLLOWING,
            text="x",
            url="/",
            initiative=outside,
            awaiting_digest=True,
        )
        for p in people
    )
    Initiative.objects.filter(pk=hidden.pk).update(hidden_at=timezone.now())
    with CaptureQueriesContext(connection) as context:
        result = send()
    assert result.emails == count
    assert result.skipped == count * 3  # the outside one, the hidden one and its conversation
    Notification.objects.all().delete()
    return len(context.captured_queries)


def test_a_batch_with_private_and_hidden_places_costs_the_same_queries_whatever_its_size() -> None:
    """Visibility, places and people are read once for the batch, never once per person."""
    assert _queries_for_a_mixed_batch(3) == _queries_for_a_mixed_batch(20)


def test_the_command_needs_daily_or_weekly(django_capture_on_commit_callbacks: Any) -> None:
    with pytest.raises(CommandError):
        call_command("send_digests")
    with pytest.raises(CommandError):
        call_command("send_digests", "--daily", "--weekly")
    notify(recipients=[daily_person()], kind=Kind.FOLLOWING, text="News", url="/")
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_digests", "--daily", stdout=out)
    assert "Sent 1 daily digest(s) with 1 notification(s)" in out.getvalue()
    assert len(mail.outbox) == 1


def test_the_tasks_send_digests(django_capture_on_commit_callbacks: Any) -> None:
    person = daily_person()
    notify(recipients=[person], kind=Kind.EVENT, text="Weekly news", url="/")
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_daily_digests.enqueue().return_value == 0
        assert tasks.send_weekly_digests.enqueue().return_value == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_with_the_real_database_task_backend_each_digest_is_queued_once() -> None:
    people = [daily_person() for _ in range(3)]
    notify(recipients=people, kind=Kind.FOLLOWING, text="News", url="/")
    with override_settings(TASKS=DATABASE_TASKS):
        call_command("send_digests", "--daily", stdout=StringIO())
        call_command("send_digests", "--daily", stdout=StringIO())
        # The three digests travel in one task (mailing.EMAILS_PER_TASK to a task).
        [queued] = DBTaskResult.objects.filter(status="READY")
        assert len(queued.args_kwargs["kwargs"]["messages"]) == 3
        call_command("db_worker", batch=True, no_startup_delay=True, interval=0.1)
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
    assert all("List-Unsubscribe" in m.extra_headers for m in mail.outbox)
