"""Archiving a group that has finished: readable, but nothing new happens in it until unarchived."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from grassroots.accounts.tests.factories import UserFactory, make_site_admin
from grassroots.conversations.models import Conversation
from grassroots.core.models import AuditEntry
from grassroots.core.services import ServiceError
from grassroots.events.models import Event
from grassroots.groups import selectors, services
from grassroots.groups.models import Group, GroupMembership, GroupMembershipStatus, Joining
from grassroots.groups.tests.factories import GroupFactory
from grassroots.places.tests.factories import WardFactory
from grassroots.testing.cast import invite_to_group, make_group_member, organiser_of
from grassroots.testing.people import with_totp

pytestmark = pytest.mark.django_db


def _archived(**kwargs: Any) -> Group:
    group = GroupFactory(**kwargs)
    services.group_archive(group=group, actor=group.created_by)
    return Group.objects.get(pk=group.pk)


def test_the_confirmation_page_asks_first_and_changes_nothing(client: Client) -> None:
    group = GroupFactory(name="Brook choir")
    client.force_login(group.created_by)
    response = client.get(f"/groups/{group.slug}/archive/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Are you sure you want to archive Brook choir?" in body
    assert '<form method="post"' in body
    assert "Yes, archive the group" in body
    # What happens to what it already has, said before it happens.
    assert "Organisers can still change or cancel them" in body
    assert "close to new replies" in body
    group.refresh_from_db()
    assert group.archived_at is None
    assert not AuditEntry.objects.filter(action="group.archive").exists()


def test_an_organiser_archives_then_unarchives_and_both_are_audited(client: Client) -> None:
    group = GroupFactory(name="Brook choir")
    client.force_login(group.created_by)
    response = client.post(f"/groups/{group.slug}/archive/", follow=True)
    body = response.content.decode()
    assert "Brook choir has been archived" in body
    assert "This group is archived" in body
    group.refresh_from_db()
    assert group.archived_at is not None
    entry = AuditEntry.objects.get(action="group.archive")
    assert entry.actor_id == group.created_by.pk

    page = client.get(f"/groups/{group.slug}/unarchive/").content.decode()
    assert "Unarchive Brook choir?" in page
    body = client.post(f"/groups/{group.slug}/unarchive/", follow=True).content.decode()
    assert "Brook choir is no longer archived" in body
    assert "This group is archived" not in body
    group.refresh_from_db()
    assert group.archived_at is None
    assert AuditEntry.objects.filter(action="group.unarchive", actor=group.created_by).exists()


def test_a_site_admin_may_archive_any_group(client: Client) -> None:
    group = GroupFactory()
    admin = with_totp(make_site_admin())
    client.force_login(admin)
    assert "Archive the group" in client.get(group.get_absolute_url()).content.decode()
    assert client.post(f"/groups/{group.slug}/archive/").status_code == 302
    assert AuditEntry.objects.filter(action="group.archive", actor=admin).exists()


@pytest.mark.parametrize("who", ["member", "outsider"])
def test_members_and_outsiders_get_no_confirmation_page(client: Client, who: str) -> None:
    group = GroupFactory()
    user = make_group_member(group) if who == "member" else UserFactory()
    client.force_login(user)
    assert "Archive the group" not in client.get(group.get_absolute_url()).content.decode()
    assert client.get(f"/groups/{group.slug}/archive/").status_code == 403
    assert client.get(f"/groups/{group.slug}/archive/", {"x": 1}).status_code == 403


def test_an_archived_group_stays_readable_with_a_banner(client: Client) -> None:
    group = GroupFactory(name="Brook choir")
    Conversation.objects.create(group=group, question="Where next?", started_by=group.created_by)
    starts = timezone.now() + datetime.timedelta(days=3)
    Event.objects.create(
        group=group,
        title="Last sing-song",
        description="",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=1),
        online_url="https://meet.example.org/choir",
    )
    services.group_archive(group=group, actor=group.created_by)
    response = client.get(group.get_absolute_url())
    assert response.status_code == 200
    body = response.content.decode()
    assert "This group is archived" in body
    assert "Where next?" in body
    assert "Last sing-song" in body
    assert "Sign in to join" not in body
    assert "Nobody can join while the group is archived." in body
    assert "Anyone with an account can join." not in body


def test_nobody_joins_is_invited_or_hosts_anything_new(client: Client) -> None:
    group = _archived()
    organiser = organiser_of(group)
    resident = UserFactory()
    for perm in ("host_conversation", "host_event", "manage_venues", "invite"):
        assert not organiser.has_perm(f"groups.{perm}", group), perm
    assert not resident.has_perm("groups.join", group)
    # The other apps ask the groups rules, so they refuse too.
    assert not organiser.has_perm("conversations.start", group)
    assert not organiser.has_perm("events.host_event", group)
    assert not organiser.has_perm("events.add_venue", group)
    # Its existing events can still be looked after (the events app may ask this).
    assert organiser.has_perm("groups.manage_events", group)
    assert not resident.has_perm("groups.manage_events", group)
    with pytest.raises(ServiceError, match="archived"):
        services.group_join(group=group, user=resident)
    with pytest.raises(ServiceError, match="archived"):
        services.invitation_create(group=group, actor=organiser, email=resident.email)

    client.force_login(organiser)
    body = client.get(group.get_absolute_url()).content.decode()
    assert "/conversations/start/" not in body
    assert "/events/new" not in body
    assert f"/groups/{group.slug}/invite/" not in body
    assert "Unarchive the group" in body
    assert client.get(f"/conversations/start/group/{group.slug}/").status_code == 403
    assert client.get(f"/groups/{group.slug}/invite/").status_code == 403


def test_an_organiser_can_still_choose_the_group_to_host_once_it_is_unarchived() -> None:
    group = _archived()
    assert list(selectors.organised_by(organiser_of(group))) == []
    services.group_unarchive(group=group, actor=organiser_of(group))
    group = Group.objects.get(pk=group.pk)
    assert list(selectors.organised_by(organiser_of(group))) == [group]
    assert organiser_of(group).has_perm("groups.host_event", group)
    assert UserFactory().has_perm("groups.join", group)


def test_archiving_withdraws_waiting_invitations_which_cannot_be_accepted() -> None:
    group = GroupFactory(joining=Joining.INVITE)
    waiting = invite_to_group(group)
    services.group_archive(group=group, actor=group.created_by)
    waiting.refresh_from_db()
    assert waiting.status == GroupMembershipStatus.WITHDRAWN
    entry = AuditEntry.objects.get(action="group.archive")
    assert entry.data["withdrawn_invitations"] == [waiting.user_id]
    with pytest.raises(ServiceError):
        services.invitation_accept(membership=waiting, user=waiting.user)


def test_an_invitation_cannot_be_accepted_once_the_group_is_archived() -> None:
    group = GroupFactory(joining=Joining.INVITE)
    waiting = invite_to_group(group)
    # Archived by some other way than the service (say a race): the rule and the service refuse.
    Group.objects.filter(pk=group.pk).update(archived_at=timezone.now())
    row = GroupMembership.objects.select_related("group").get(pk=waiting.pk)
    assert not waiting.user.has_perm("groups.accept_invitation", row)
    assert waiting.user.has_perm("groups.decline_invitation", row)
    with pytest.raises(ServiceError, match="archived"):
        services.invitation_accept(membership=row, user=waiting.user)


def test_members_can_still_leave_an_archived_group() -> None:
    group = GroupFactory()
    member = make_group_member(group)
    services.group_archive(group=group, actor=group.created_by)
    services.group_leave(group=group, user=member)
    assert not selectors.is_member(member, Group.objects.get(pk=group.pk))


def test_archiving_twice_or_unarchiving_a_group_in_use_is_refused() -> None:
    group = _archived()
    with pytest.raises(ServiceError, match="already archived"):
        services.group_archive(group=group, actor=organiser_of(group))
    other = GroupFactory()
    with pytest.raises(ServiceError, match="not archived"):
        services.group_unarchive(group=other, actor=organiser_of(other))


def test_the_list_leaves_archived_groups_out_unless_asked(client: Client) -> None:
    GroupFactory(name="Brook choir")
    _archived(name="Old allotment society")
    body = client.get("/groups/").content.decode()
    assert "Brook choir" in body
    assert "Old allotment society" not in body
    assert 'href="/groups/?archived=on"' in body
    archived = client.get("/groups/", {"archived": "on"}).content.decode()
    assert "Old allotment society" in archived
    assert "Brook choir" not in archived
    assert "1 archived group" in archived
    assert "Archived on" in archived
    assert "Anyone can join" not in archived


def test_the_ward_page_leaves_archived_groups_out(client: Client) -> None:
    ward = WardFactory()
    live = GroupFactory(council=ward.council, name="Riverside rowers")
    old = _archived(council=ward.council, name="Riverside knitters")
    live.wards.set([ward])
    old.wards.set([ward])
    body = client.get(ward.get_absolute_url()).content.decode()
    assert "Riverside rowers" in body
    assert "Riverside knitters" not in body


def test_your_groups_marks_an_archived_one(client: Client) -> None:
    group = _archived(name="Old allotment society")
    client.force_login(organiser_of(group))
    body = client.get("/groups/").content.decode()
    mine = body[body.index("data-my-groups") :]
    assert "Old allotment society" in mine[: mine.index("</ul>")]
    assert "Archived" in mine[: mine.index("</ul>")]
