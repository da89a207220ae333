"""Emails about a safeguarded initiative or conversation name nothing: the subject, the body and
the headers say only that there is news in a private group, with a link to the notification
itself; the notification in the site keeps the full text. Read from the emails really sent
(Django's mail outbox, through the task queue)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.test import Client

from grassroots.accounts.tests.factories import UserFactory
from grassroots.conversations.models import ConversationAccess
from grassroots.conversations.tests.factories import ConversationFactory
from grassroots.groups.tests.factories import GroupFactory, GroupMembershipFactory
from grassroots.initiatives.models import MembershipStatus, Visibility
from grassroots.initiatives.services.people import membership_decide
from grassroots.initiatives.tests.factories import InitiativeFactory, MembershipFactory
from grassroots.notifications.digests import digests_send
from grassroots.notifications.models import Kind, Notification
from grassroots.notifications.services import notify, preferences_save

pytestmark = pytest.mark.django_db

DISCREET = "There is news in a private group you are part of. Sign in to read it."
SITE = "https://grassroots.example.gov.uk"


@pytest.fixture(autouse=True)
def _site(settings: Any) -> None:
    settings.SITE_URL = SITE


def everything(message: EmailMessage) -> str:
    """Every part of an email a person (or somebody looking over their shoulder) could read."""
    headers = "\n".join(f"{k}: {v}" for k, v in message.extra_headers.items())
    parts = [str(message.subject), str(message.body), headers, message.message().as_string()]
    return "\n".join(parts)


def assert_names_nothing(message: EmailMessage, *secrets: str) -> None:
    seen = everything(message)
    for secret in secrets:
        assert secret.lower() not in seen.lower(), secret


def test_a_safeguarded_initiative_is_never_named_in_an_email(
    django_capture_on_commit_callbacks: Any,
) -> None:
    initiative = InitiativeFactory(
        title="Refuge circle", slug="refuge-circle", visibility=Visibility.SAFEGUARDED
    )
    member = MembershipFactory(initiative=initiative).user
    with django_capture_on_commit_callbacks(execute=True):
        [note] = notify(
            recipients=[member],
            kind=Kind.STAGE_CHANGE,
            text="Refuge circle is now in action",
            url=initiative.get_absolute_url(),
            initiative=initiative,
        )
    [message] = mail.outbox
    assert_names_nothing(message, "Refuge", "circle", "in action", "refuge-circle")
    assert message.subject == "[Grassroots] News in a private group you are part of"
    assert DISCREET in message.body
    link = f"{SITE}/notifications/{note.pk}/"
    assert link in message.body
    # In the site, signed in, the notification says it all.
    assert note.text == "Refuge circle is now in action"
    # The link asks for sign-in, then marks it read and goes on to the initiative.
    client = Client()
    assert client.get(link.removeprefix(SITE)).status_code == 302
    client.force_login(member)
    response = client.get(link.removeprefix(SITE))
    assert response["Location"] == initiative.get_absolute_url()
    note.refresh_from_db()
    assert note.read_at is not None
    # Anybody else's sign-in gets nothing from it.
    stranger = Client()
    stranger.force_login(UserFactory())
    assert stranger.get(link.removeprefix(SITE)).status_code == 404


def test_a_public_initiative_is_named_as_before(django_capture_on_commit_callbacks: Any) -> None:
    initiative = InitiativeFactory(title="Riverside garden", slug="riverside-garden")
    member = MembershipFactory(initiative=initiative).user
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            recipients=[member],
            kind=Kind.STAGE_CHANGE,
            text="Riverside garden is now in action",
            url=initiative.get_absolute_url(),
            initiative=initiative,
        )
    [message] = mail.outbox
    assert message.subject == "[Grassroots] Riverside garden is now in action"
    assert "Riverside garden is now in action" in message.body
    assert f"{SITE}/initiatives/riverside-garden/" in message.body
    assert DISCREET not in message.body


def test_a_join_decision_about_a_safeguarded_initiative_is_discreet(
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Through the initiatives service, as a lead approves a request to join."""
    initiative = InitiativeFactory(
        title="Refuge circle", slug="refuge-circle", visibility=Visibility.SAFEGUARDED
    )
    asked = MembershipFactory(initiative=initiative, status=MembershipStatus.REQUESTED)
    with django_capture_on_commit_callbacks(execute=True):
        membership_decide(membership=asked, actor=initiative.created_by, approve=True)
    [message] = mail.outbox
    assert message.to == [asked.user.email]
    assert_names_nothing(message, "Refuge", "refuge-circle", initiative.created_by.public_name)
    assert DISCREET in message.body
    note = Notification.objects.get(recipient=asked.user)
    assert "Refuge circle" in note.text
    assert f"/notifications/{note.pk}/" in message.body


@pytest.mark.parametrize("host", ["group", "initiative"])
def test_a_reply_in_a_safeguarded_conversation_is_discreet(
    host: str, django_capture_on_commit_callbacks: Any
) -> None:
    if host == "group":
        group = GroupFactory(name="Carers together")
        conversation = ConversationFactory(
            ward=None, group=group, is_safeguarded=True, question="How are you coping?"
        )
        member = GroupMembershipFactory(group=group).user
        ConversationAccess.objects.create(conversation=conversation, user=member)
        secrets = ["Carers", "coping"]
    else:
        initiative = InitiativeFactory(
            title="Refuge circle", slug="refuge-circle", visibility=Visibility.SAFEGUARDED
        )
        conversation = ConversationFactory(
            ward=None, initiative=initiative, is_safeguarded=True, question="How are you coping?"
        )
        member = MembershipFactory(initiative=initiative).user
        secrets = ["Refuge", "refuge-circle", "coping"]
    with django_capture_on_commit_callbacks(execute=True):
        [note] = notify(
            recipients=[member],
            kind=Kind.CONVERSATION,
            text="Kim replied in “How are you coping?”: the night shelter has room",
            url=conversation.get_absolute_url(),
            conversation=conversation,
        )
    [message] = mail.outbox
    assert_names_nothing(message, *secrets, "Kim", "night shelter")
    assert DISCREET in message.body
    assert f"{SITE}/notifications/{note.pk}/" in message.body
    assert "night shelter" in note.text


def test_a_digest_lists_safeguarded_news_discreetly(
    django_capture_on_commit_callbacks: Any,
) -> None:
    private = InitiativeFactory(
        title="Refuge circle", slug="refuge-circle", visibility=Visibility.SAFEGUARDED
    )
    group = GroupFactory(name="Carers together")
    conversation = ConversationFactory(
        ward=None, group=group, is_safeguarded=True, question="How are you coping?"
    )
    public = InitiativeFactory(title="Riverside garden", slug="riverside-garden")
    person = UserFactory()
    MembershipFactory(initiative=private, user=person)
    GroupMembershipFactory(group=group, user=person)
    ConversationAccess.objects.create(conversation=conversation, user=person)
    preferences_save(user=person, deliveries={"following": "daily"})
    notes = [
        notify(recipients=[person], kind=Kind.FOLLOWING, text=text, url=url, **place)[0]
        for text, url, place in (
            ("Refuge circle meets on Tuesday", private.get_absolute_url(), {"initiative": private}),
            ("Kim replied: the night shelter has room", "/c/", {"conversation": conversation}),
            ("Riverside garden needs spades", public.get_absolute_url(), {"initiative": public}),
        )
    ]
    with django_capture_on_commit_callbacks(execute=True):
        assert digests_send(frequency="daily").emails == 1
    [message] = mail.outbox
    assert_names_nothing(
        message, "Refuge", "refuge-circle", "Tuesday", "Carers", "coping", "night shelter"
    )
    assert message.body.count(DISCREET) == 2
    for note in notes[:2]:
        assert f"{SITE}/notifications/{note.pk}/" in message.body
    # Public news is listed in full, under its initiative.
    assert "Initiative: Riverside garden" in message.body
    assert "- Riverside garden needs spades" in message.body
    assert f"{SITE}/initiatives/riverside-garden/" in message.body
    assert message.subject == "[Grassroots] Your daily digest: 3 notifications"
