"""Every page that changes a group, asked by every role: who gets through, who is refused.

Anonymous visitors are sent to sign in; signed-in people without the permission get a 403 and
nothing changes; people with it are sent back to the group and the change is in the audit log.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from grassroots.accounts.tests.factories import UserFactory
from grassroots.core.models import AuditEntry
from grassroots.groups.models import Group, GroupMembership, Joining
from grassroots.groups.tests.factories import GroupFactory
from grassroots.testing.cast import (
    GROUP_CAST,
    GROUP_MEMBERS,
    GROUP_SIGNED_IN,
    ORGANISERS,
    invite_to_group,
    make_group_member,
)

pytestmark = pytest.mark.django_db


@dataclass
class Action:
    joining: str
    allowed: set[str]
    # (group) -> (url, data)
    request: Callable[[Group], tuple[str, dict[str, Any]]]
    # Roles that pass the permission check but whom a rule of groups then refuses (message).
    refused: frozenset[str] = frozenset()
    # Ask it of a group that has been archived.
    archived: bool = False


def _url(group: Group, tail: str) -> str:
    return f"/groups/{group.slug}/{tail}"


def _member_row(group: Group) -> GroupMembership:
    return GroupMembership.objects.get(group=group, user=make_group_member(group))


ACTIONS: dict[str, Action] = {
    "create": Action(
        Joining.OPEN,
        GROUP_SIGNED_IN,
        lambda g: (
            f"/groups/create/?council={g.council.slug}",
            {"name": "Brook Street litter pickers", "description": "We tidy.", "joining": "open"},
        ),
    ),
    "edit": Action(
        Joining.OPEN,
        ORGANISERS | {"site admin"},
        lambda g: (
            _url(g, "edit/"),
            {"name": "Renamed group", "description": "New words.", "joining": "invite"},
        ),
    ),
    "join an open group": Action(
        Joining.OPEN,
        GROUP_SIGNED_IN - GROUP_MEMBERS - {"removed"},
        lambda g: (_url(g, "join/"), {}),
    ),
    "join an invite-only group": Action(Joining.INVITE, set(), lambda g: (_url(g, "join/"), {})),
    "leave": Action(
        Joining.OPEN,
        GROUP_MEMBERS,
        lambda g: (_url(g, "leave/"), {}),
        # The creator is the only organiser: they must hand over first.
        refused=frozenset({"organiser"}),
    ),
    "step down": Action(
        Joining.OPEN,
        ORGANISERS,
        lambda g: (_url(g, "step-down/"), {}),
        refused=frozenset({"organiser"}),
    ),
    "invite": Action(
        Joining.INVITE,
        ORGANISERS,
        lambda g: (_url(g, "invite/"), {"email": UserFactory().email, "message": "Come along"}),
    ),
    "remove a member": Action(
        Joining.OPEN,
        ORGANISERS,
        lambda g: (_url(g, f"members/{_member_row(g).pk}/remove/"), {}),
    ),
    "make a member an organiser": Action(
        Joining.OPEN,
        ORGANISERS | {"site admin"},
        lambda g: (_url(g, f"members/{_member_row(g).pk}/make-organiser/"), {}),
    ),
    "archive": Action(
        Joining.OPEN, ORGANISERS | {"site admin"}, lambda g: (_url(g, "archive/"), {})
    ),
    "unarchive": Action(
        Joining.OPEN,
        ORGANISERS | {"site admin"},
        lambda g: (_url(g, "unarchive/"), {}),
        archived=True,
    ),
    "archive an archived group": Action(
        Joining.OPEN, set(), lambda g: (_url(g, "archive/"), {}), archived=True
    ),
    "unarchive a group in use": Action(Joining.OPEN, set(), lambda g: (_url(g, "unarchive/"), {})),
    "join an archived group": Action(
        Joining.OPEN, set(), lambda g: (_url(g, "join/"), {}), archived=True
    ),
    "invite to an archived group": Action(
        Joining.INVITE,
        set(),
        lambda g: (_url(g, "invite/"), {"email": UserFactory().email, "message": "Come along"}),
        archived=True,
    ),
    "make an organiser in an archived group": Action(
        Joining.OPEN,
        ORGANISERS | {"site admin"},
        lambda g: (_url(g, f"members/{_member_row(g).pk}/make-organiser/"), {}),
        archived=True,
    ),
    "withdraw an invitation": Action(
        Joining.INVITE,
        ORGANISERS,
        lambda g: (_url(g, f"invitations/{invite_to_group(g).pk}/withdraw/"), {}),
    ),
    # Somebody else's invitation: nobody but its invitee may answer it.
    "accept another person's invitation": Action(
        Joining.INVITE,
        set(),
        lambda g: (_url(g, f"invitations/{invite_to_group(g).pk}/accept/"), {}),
    ),
    "decline another person's invitation": Action(
        Joining.INVITE,
        set(),
        lambda g: (_url(g, f"invitations/{invite_to_group(g).pk}/decline/"), {}),
    ),
}


@pytest.mark.parametrize(
    ("action", "role"),
    [pytest.param(a, r, id=f"{a}-{r}") for a in ACTIONS for r in GROUP_CAST],
)
def test_who_may_change_a_group(client: Client, action: str, role: str) -> None:
    spec = ACTIONS[action]
    group = GroupFactory(joining=spec.joining)
    actor = GROUP_CAST[role](group)
    url, data = spec.request(group)
    if spec.archived:
        Group.objects.filter(pk=group.pk).update(archived_at=timezone.now())
    if actor.is_authenticated:
        client.force_login(actor)
    before = AuditEntry.objects.count()
    response = client.post(url, data)
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
        assert AuditEntry.objects.count() == before
    elif role in spec.allowed:
        assert response.status_code == 302, response.content.decode()[:2000]
        changed = AuditEntry.objects.count() > before
        assert changed is (role not in spec.refused)
    else:
        assert response.status_code == 403
        assert AuditEntry.objects.count() == before


@pytest.mark.parametrize(
    "url",
    [
        "/groups/no-such-group/edit/",
        "/groups/no-such-group/join/",
        "/groups/no-such-group/leave/",
        "/groups/no-such-group/invite/",
        "/groups/no-such-group/members/1/remove/",
        "/groups/no-such-group/members/1/make-organiser/",
        "/groups/no-such-group/archive/",
        "/groups/no-such-group/unarchive/",
    ],
)
def test_a_missing_group_is_404(client: Client, url: str) -> None:
    client.force_login(UserFactory())
    assert client.post(url).status_code == 404


def test_pages_that_change_things_refuse_get(client: Client) -> None:
    group = GroupFactory()
    client.force_login(group.created_by)
    for tail in ("join/", "leave/", "step-down/"):
        assert client.get(_url(group, tail)).status_code == 405
