"""Property: nobody outside a safeguarded initiative ever learns it exists, on any surface.

Hypothesis generates a safeguarded initiative (wards, members, backers, help requests, support,
invitations of councillors, invitations to join in every status, a map point) and a person
(anonymous, residents, backers, people whose request to join was declined or who left, people
invited to join whose invitation waits, was accepted, turned down or withdrawn, members, leads,
leads of other initiatives, councillors of this or another ward with or without support,
invitations or waiting help requests, councillors invited to join as members, past
councillors, officers, site admins, moderators). An independent oracle, written from the rule
in DESIGN.md rather than from visibility.py, says whether the person is inside. Then:

- outsiders: the detail page and the API answer 404 exactly like a missing initiative; it is
  absent from the list and its count, search, the map, the CSV export, the API list, and
  notify() drops them (and the bulk rule agrees with can_view);
- insiders: it shows in the list, search and API (so the property is not vacuous);
- everybody: feeds and the sitemap never carry it.

Then, for every kind with a visibility module (initiatives, conversations of initiatives and of
groups, events, groups), the per-object answer, the list filter and the fan-out to notify agree,
with the initiative public or safeguarded, hidden or not.
"""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from grassroots.accounts.models import User
from grassroots.accounts.tests.factories import UserFactory
from grassroots.accounts.types import Viewer
from grassroots.conversations import visibility as conversation_visibility
from grassroots.conversations.models import ConversationAccess
from grassroots.conversations.tests.factories import ConversationFactory
from grassroots.conversations.visibility import visible_conversations
from grassroots.events import visibility as event_visibility
from grassroots.events.tests.factories import EventFactory
from grassroots.events.visibility import visible_events
from grassroots.groups import visibility as group_visibility
from grassroots.groups.tests.factories import GroupFactory, GroupMembershipFactory
from grassroots.groups.visibility import visible_groups
from grassroots.initiatives import visibility as initiative_visibility
from grassroots.initiatives.models import Backing, MemberRole, Membership, Visibility
from grassroots.initiatives.tests.factories import InitiativeFactory
from grassroots.initiatives.visibility import can_view, viewers, visible_initiatives
from grassroots.notifications.models import Kind, Notification
from grassroots.notifications.services import notify
from grassroots.opinions import visibility as opinion_visibility
from grassroots.opinions.models import OpinionMap
from grassroots.opinions.visibility import visible_maps
from grassroots.places.models import Councillor, CouncillorTerm
from grassroots.places.tests.factories import CouncillorTermFactory, WardFactory, square
from grassroots.support.models import HelpRequest, Invitation, Support
from grassroots.testing.cast import INITIATIVE_CAST, pick
from grassroots.testing.people import make_councillor, make_moderator, make_officer

_counter = itertools.count()

# The viewers the cast around an initiative already makes as this property needs them: built by
# it, under its names (grassroots/testing/cast.py).
CAST_ROLES = tuple(
    pick(
        "anonymous",
        "asked to join",
        "member",
        "co-lead",
        "councillor of this ward",
        "councillor of another ward",
        "officer",
        "site admin",
    )
)
# Viewers only this property needs, made here: a state the cast has no role for (turned down,
# left, inactive, a term over, no two-factor authentication), or somebody placed closer to the
# initiative than the cast places them (living in, or leading another initiative in, its wards).
PAST_COUNCILLOR = "past councillor of this ward"
COUNCILLOR_WITHOUT_MFA = "councillor of this ward without MFA"
PAST_COUNCILLOR_MEMBER = "past councillor of this ward who is a member"
OFFICER_MEMBER_WITHOUT_MFA = "officer without MFA who is a member"
OWN_ROLES = (
    "resident of its ward",
    "backer",
    "turned down",
    "left",
    "inactive member",
    "invitee",
    "lead of another initiative in its wards",
    PAST_COUNCILLOR,
    COUNCILLOR_WITHOUT_MFA,
    PAST_COUNCILLOR_MEMBER,
    OFFICER_MEMBER_WITHOUT_MFA,
    "moderator",
)
ROLES = CAST_ROLES + OWN_ROLES
# Councillors, whose support, invitations and help requests may let them in.
COUNCILLOR_ROLES = (
    "councillor of this ward",
    "councillor of another ward",
    PAST_COUNCILLOR,
    COUNCILLOR_WITHOUT_MFA,
)
WITHOUT_MFA = (COUNCILLOR_WITHOUT_MFA, OFFICER_MEMBER_WITHOUT_MFA)
# The oracle for the cast's viewers (DESIGN.md): its members and leads are inside, nobody else.
CAST_INSIDERS = {"member", "co-lead"}
SUPPORT_STATUSES = ("none", "offered", "declined", "withdrawn", "planned", "in_progress", "done")
HELP_STATUSES = ("none", "waiting", "taken", "withdrawn")
# An invitation to join, in each state it can reach ("accepted" is an approved membership that
# began as an invitation).
INVITATION_STATUSES = ("none", "invited", "accepted", "refused", "withdrawn")
# No shrinking: every example is a handful of page loads, and a failing GeneratedWorld is small
# enough to read. Keeps the suite fast.
FAST_PHASES = (Phase.explicit, Phase.reuse, Phase.generate)


@dataclass(frozen=True)
class GeneratedWorld:
    """One safeguarded initiative and one viewer, as drawn by hypothesis (see `build`)."""

    role: str
    wards: int
    extra_members: int
    backers: int
    help_request: str
    support: str  # the viewer's own support, when the viewer is a councillor
    invited: bool  # the viewer is invited, when a councillor
    has_point: bool
    invitation: str  # the viewer's invitation to join, when an invitee or a councillor elsewhere
    others_invited: tuple[str, ...]  # invitations to join sent to other people


generated_worlds = st.builds(
    GeneratedWorld,
    role=st.sampled_from(ROLES),
    wards=st.integers(min_value=1, max_value=2),
    extra_members=st.integers(min_value=0, max_value=2),
    backers=st.integers(min_value=0, max_value=2),
    help_request=st.sampled_from(HELP_STATUSES),
    support=st.sampled_from(SUPPORT_STATUSES),
    invited=st.booleans(),
    has_point=st.booleans(),
    invitation=st.sampled_from(INVITATION_STATUSES),
    others_invited=st.lists(st.sampled_from(INVITATION_STATUSES[1:]), max_size=3).map(tuple),
)


def _invitation_examples(test: Any) -> Any:
    """Every invitation state, for a resident and for a councillor of another ward, is always
    among the examples (random draws alone would reach some only now and then)."""
    for role in ("invitee", "councillor of another ward"):
        for state in INVITATION_STATUSES:
            test = example(
                world=GeneratedWorld(
                    role=role,
                    wards=1,
                    extra_members=0,
                    backers=0,
                    help_request="none",
                    support="none",
                    invited=False,
                    has_point=False,
                    invitation=state,
                    others_invited=INVITATION_STATUSES[1:],
                )
            )(test)
    # Ended terms and missing two-factor authentication, with everything that would otherwise
    # let a councillor in.
    for role in (PAST_COUNCILLOR, *WITHOUT_MFA, PAST_COUNCILLOR_MEMBER):
        test = example(
            world=GeneratedWorld(
                role=role,
                wards=1,
                extra_members=0,
                backers=0,
                help_request="waiting",
                support="offered",
                invited=True,
                has_point=False,
                invitation="none",
                others_invited=(),
            )
        )(test)
    return test


def _membership(initiative: Any, user: User, status: str, role: str = MemberRole.MEMBER) -> None:
    Membership.objects.create(initiative=initiative, user=user, status=status, role=role)


def _invitation(initiative: Any, user: User, state: str) -> None:
    """An invitation to join from the initiative's lead, as the services leave it in `state`."""
    lead = initiative.created_by
    status = {"accepted": "approved"}.get(state, state)
    Membership.objects.create(
        initiative=initiative,
        user=user,
        status=status,
        invited_by=lead,
        invited_at=datetime.datetime.now(datetime.UTC),
        decided_by=None if state == "invited" else (lead if state == "withdrawn" else user),
    )


# DESIGN.md: inside while the invitation waits (to decide) and once accepted (a member); not
# after turning it down or once the leads withdrew it.
INVITATION_LETS_IN = {"invited", "accepted"}


def build(world: GeneratedWorld) -> tuple[Any, Any, bool]:
    """Create the initiative and the viewer; return them and whether the oracle says inside."""
    n = next(_counter)
    wards = [
        WardFactory(
            geometry=square(-2.0 + i * 0.02, 53.0),
            min_lon=-2.0 + i * 0.02,
            min_lat=53.0,
            max_lon=-1.99 + i * 0.02,
            max_lat=53.01,
        )
        for i in range(world.wards)
    ]
    initiative = InitiativeFactory(
        title=f"Hushmarker{n} circle",
        slug=f"hushmarker-{n}",
        problem=f"Hushmarker{n} needs care",
        visibility=Visibility.SAFEGUARDED,
        wards=wards,
        latitude=53.005 if world.has_point else None,
        longitude=-1.995 if world.has_point else None,
    )
    # A public initiative beside it: everybody sees this one, whoever they are.
    InitiativeFactory(title=f"Openmarker{n} club", slug=f"openmarker-{n}", wards=wards)
    for _ in range(world.extra_members):
        _membership(initiative, UserFactory(), "approved")
    for _ in range(world.backers):
        Backing.objects.create(initiative=initiative, user=UserFactory())
    for state in world.others_invited:  # other people's invitations let nobody else in
        _invitation(initiative, UserFactory(), state)
    if world.help_request != "none":
        request = HelpRequest(
            initiative=initiative,
            kind="connect",
            message="Who can help?",
            requested_by=initiative.created_by,
            status=world.help_request,
        )
        if world.help_request == "taken":
            request.taken_by = CouncillorTermFactory(ward=wards[0]).councillor
            request.taken_at = request.created_at or datetime.datetime.now(datetime.UTC)
        request.save()

    role = world.role
    inside = False
    viewer: Viewer
    if role in COUNCILLOR_ROLES:
        viewer = _councillor(world, initiative, wards[0])
        inside = _councillor_inside(world)
    elif role in CAST_ROLES:
        viewer = INITIATIVE_CAST[role](initiative)
        inside = role in CAST_INSIDERS
    elif role == "invitee":
        viewer = UserFactory()
        if world.invitation != "none":
            _invitation(initiative, viewer, world.invitation)
        inside = world.invitation in INVITATION_LETS_IN
    elif role in ("resident of its ward", "backer"):
        viewer = UserFactory(ward=wards[0])
        if role == "backer":
            Backing.objects.create(initiative=initiative, user=viewer)
    elif role in ("turned down", "left", "inactive member"):
        viewer = UserFactory()
        status = {"turned down": "declined", "left": "left"}.get(role, "approved")
        _membership(initiative, viewer, status)
        if role == "inactive member":
            viewer.is_active = False
            viewer.save(update_fields=["is_active"])
    elif role == "lead of another initiative in its wards":
        viewer = InitiativeFactory(wards=wards).created_by
    elif role == PAST_COUNCILLOR_MEMBER:
        # Term over: no role, so a password is enough; a member like any resident.
        viewer = UserFactory()
        CouncillorTermFactory(
            councillor__user=viewer,
            ward=wards[0],
            starts_on=datetime.date(2016, 5, 5),
            ends_on=datetime.date(2020, 5, 1),
        )
        _membership(initiative, viewer, "approved")
        inside = True
    elif role == OFFICER_MEMBER_WITHOUT_MFA:
        viewer = make_officer(totp=False)
        _membership(initiative, viewer, "approved")
    else:
        assert role == "moderator", role
        viewer = make_moderator()
    return initiative, viewer, inside


def _councillor(world: GeneratedWorld, initiative: Any, ward: Any) -> User:
    """The viewer when a councillor, with the support, invitations to support and to join
    that `world` gives them."""
    role = world.role
    viewer: User
    if role in CAST_ROLES:
        cast_viewer = INITIATIVE_CAST[role](initiative)  # a sitting councillor, with MFA
        assert isinstance(cast_viewer, User)
        viewer = cast_viewer
    else:
        viewer = make_councillor(ward, totp=role != COUNCILLOR_WITHOUT_MFA)
        if role == PAST_COUNCILLOR:
            CouncillorTerm.objects.filter(councillor__user=viewer).update(
                starts_on=datetime.date(2016, 5, 5), ends_on=datetime.date(2020, 5, 1)
            )
    councillor = Councillor.objects.get(user=viewer)
    if world.support != "none":
        Support.objects.create(
            initiative=initiative,
            councillor=councillor,
            kind="facilitate",
            description="Host a meeting",
            status=world.support,
        )
    if world.invited:
        Invitation.objects.create(
            initiative=initiative, councillor=councillor, invited_by=initiative.created_by
        )
    # A councillor may be invited to join as a member like anybody else.
    if role == "councillor of another ward" and world.invitation != "none":
        _invitation(initiative, viewer, world.invitation)
    return viewer


def _councillor_inside(world: GeneratedWorld) -> bool:
    """The rule (DESIGN.md, visibility.py docstring): supporting, invited, or a sitting
    councillor of one of its wards while a help request waits; all only while the term lasts,
    and only with two-factor authentication set up. Or invited to join, like anybody."""
    role = world.role
    if role == COUNCILLOR_WITHOUT_MFA:
        return False
    sitting = role != PAST_COUNCILLOR
    invited_to_join = role == "councillor of another ward" and world.invitation != "none"
    return (
        sitting
        and (
            world.support in ("offered", "planned", "in_progress", "done")
            or world.invited
            or (role == "councillor of this ward" and world.help_request == "waiting")
        )
    ) or (invited_to_join and world.invitation in INVITATION_LETS_IN)


class SafeguardedInitiativeTests(TestCase):
    def _get(self, path: str, **params: Any) -> Any:
        response = self.client.get(path, params)
        assert response.status_code != 302, f"{path} redirected: {response}"
        return response

    def _body(self, response: Any) -> str:
        if response.streaming:
            return b"".join(response.streaming_content).decode()
        return str(response.content.decode())

    @settings(
        max_examples=30,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
        phases=FAST_PHASES,
    )
    @given(world=generated_worlds)
    @_invitation_examples
    def test_no_outsider_ever_sees_a_safeguarded_initiative(self, world: GeneratedWorld) -> None:
        initiative, viewer, inside = build(world)
        assert can_view(viewer, initiative) == inside, world
        if viewer.is_authenticated and viewer.is_active:
            self.client.force_login(viewer)
        if world.role in WITHOUT_MFA:
            # A role holder without two-factor authentication is sent to set it up, and is
            # inside nothing meanwhile (no page, no notification).
            response = self.client.get(initiative.get_absolute_url())
            assert response.status_code == 302
            assert response["Location"] == reverse("mfa_activate_totp")
            assert viewers(initiative, [viewer.pk]) == set()
            return
        marker = initiative.title.split()[0]
        ward = initiative.wards.first()

        # Documents anybody may fetch never carry it, whoever asks.
        for path in (
            "/initiatives/feed.atom",
            f"/following/feeds/ward/{ward.council.slug}/{ward.slug}.atom",
            "/sitemap.xml",
            "/sitemap-initiatives.xml",
        ):
            assert marker.lower() not in self._body(self._get(path)).lower(), path

        # Place pages that list or count a ward's initiatives.
        for path in (ward.get_absolute_url(), ward.council.get_absolute_url()):
            body = self._body(self._get(path))
            if not inside:
                assert marker not in body, path

        listing = self._get("/initiatives/")
        searched = self._get("/initiatives/", q=marker)
        by_ward = self._get("/initiatives/", ward=ward.pk)
        mapped = self._get("/initiatives/map/")
        exported = self._body(self._get("/initiatives/export.csv"))
        api_list = self._get("/api/initiatives").json()
        api_search = self._get("/api/initiatives", q=marker).json()
        detail = self._get(initiative.get_absolute_url())

        # The public one beside it is found by everybody, on every surface.
        public_marker = marker.replace("Hushmarker", "Openmarker")
        assert public_marker in self._body(by_ward)
        assert public_marker in self._body(mapped)
        assert public_marker in exported
        assert public_marker in str(api_list)
        public_slug = initiative.slug.replace("hushmarker", "openmarker")
        assert self._get(f"/initiatives/{public_slug}/").status_code == 200
        api_detail = self._get(f"/api/initiatives/{initiative.slug}")

        if inside:
            assert initiative in listing.context["initiatives"]
            assert [i.pk for i in searched.context["initiatives"]] == [initiative.pk]
            assert detail.status_code == 200
            assert api_detail.status_code == 200
            assert api_search["count"] == 1
            return

        # Outsiders: indistinguishable from an initiative that does not exist.
        missing = self._get(f"/initiatives/no-such-{initiative.slug}/")
        assert detail.status_code == 404
        assert self._body(detail).replace(initiative.slug, "x") == self._body(missing).replace(
            f"no-such-{initiative.slug}", "x"
        )
        api_missing = self._get("/api/initiatives/no-such-thing")
        assert (api_detail.status_code, api_detail.json()) == (
            api_missing.status_code,
            api_missing.json(),
        )
        for response in (listing, searched, by_ward, mapped):
            if response is not searched:  # (the search page repeats the words searched for)
                assert marker not in self._body(response)
            assert initiative not in response.context["initiatives"]
            # Counts leave it out too: every initiative counted is one that is listed.
            assert initiative.pk not in [i.pk for i in response.context["page"].object_list]
        assert searched.context["page"].paginator.count == 0
        assert marker not in exported
        assert marker not in str(api_list)
        assert api_search["count"] == 0
        assert listing.context["page"].paginator.count == api_list["count"]

        # Notifications: notify() drops outsiders, and the bulk rule agrees with can_view.
        if viewer.is_authenticated:
            assert viewers(initiative, [viewer.pk]) == set()
        created = notify(
            recipients=[viewer] if viewer.is_authenticated else [],
            kind=Kind.STAGE_CHANGE,
            text=f"{marker} moved on",
            url=initiative.get_absolute_url(),
            initiative=initiative,
        )
        assert created == []
        assert not Notification.objects.filter(text__contains=marker).exists()

    @settings(
        max_examples=30,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
        phases=FAST_PHASES,
    )
    @given(world=generated_worlds)
    @_invitation_examples
    def test_the_bulk_notification_rule_agrees_with_can_view(self, world: GeneratedWorld) -> None:
        initiative, viewer, inside = build(world)
        if not viewer.is_authenticated:
            return
        expected = {viewer.pk} if can_view(viewer, initiative) else set()
        assert viewers(initiative, [viewer.pk]) == expected
        assert bool(expected) == inside


# --- Every kind: the per-object answer, the list filter and the fan-out agree ----------------
#
# Each kind of thing has one visibility module offering its rule in three forms (see
# core/visibility.py): can_view(viewer, thing), visible_<things>(viewer, queryset) and
# viewers(thing, user_ids). Whatever the world, the three must give the same answer.

# The viewer's standing in a group. Not GROUP_CAST's roles: those make a new person, whereas
# here the viewer drawn above joins, starts or is let into the group's conversation.
GROUP_ROLES = ("none", "member", "organiser", "starter", "let_in", "left", "starter_left")


@dataclass(frozen=True)
class Kinds:
    world: GeneratedWorld
    public: bool  # the initiative is public instead of safeguarded
    hidden: bool  # a moderator hid the initiative
    conversation_safeguarded: bool  # its conversation is marked safeguarded
    group_role: str  # the viewer's place in a group with a safeguarded conversation
    event_hidden: bool  # a moderator hid the initiative's event
    map_hidden: bool  # a moderator hid the opinion maps of the group and of a ward


kinds = st.builds(
    Kinds,
    world=generated_worlds,
    public=st.booleans(),
    hidden=st.booleans(),
    conversation_safeguarded=st.booleans(),
    group_role=st.sampled_from(GROUP_ROLES),
    event_hidden=st.booleans(),
    map_hidden=st.booleans(),
)


def _agree(viewer: Viewer, thing: Any, module: Any, visible: Any) -> None:
    """The three forms of `module`'s rule give one answer for `viewer` and `thing`."""
    one = module.can_view(viewer, thing)
    listed = visible(viewer, type(thing).objects.filter(pk=thing.pk)).exists()
    assert one == listed, (type(thing).__name__, one, listed)
    if viewer.is_authenticated:
        # Notifications go to active accounts only (anybody may see what is public).
        told = module.viewers(thing, [viewer.pk])
        expected = {viewer.pk} if one and viewer.is_active else set()
        assert told == expected, (type(thing).__name__, one, told)


def _group_conversation(viewer: Viewer, role: str) -> Any:
    group = GroupFactory()
    starter = group.created_by
    if viewer.is_authenticated and role != "none":
        status = "left" if role in ("left", "starter_left") else "active"
        GroupMembershipFactory(
            group=group,
            user=viewer,
            role="organiser" if role == "organiser" else "member",
            status=status,
        )
        if role in ("starter", "starter_left"):
            starter = viewer
    conversation = ConversationFactory(
        ward=None, group=group, is_safeguarded=True, started_by=starter
    )
    if viewer.is_authenticated and role == "let_in":
        ConversationAccess.objects.create(
            conversation=conversation, user=viewer, granted_by=group.created_by
        )
    return group, conversation


class EveryKindTests(TestCase):
    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
        phases=FAST_PHASES,
    )
    @given(case=kinds)
    def test_the_three_forms_of_each_rule_agree(self, case: Kinds) -> None:
        initiative, viewer, _inside = build(case.world)
        changed: dict[str, Any] = {}
        if case.public:
            changed["visibility"] = Visibility.PUBLIC
        if case.hidden:
            changed["hidden_at"] = datetime.datetime.now(datetime.UTC)
        if changed:
            type(initiative).objects.filter(pk=initiative.pk).update(**changed)
            initiative.refresh_from_db()
        _agree(viewer, initiative, initiative_visibility, visible_initiatives)

        conversation = ConversationFactory(
            ward=None,
            initiative=initiative,
            is_safeguarded=case.conversation_safeguarded or initiative.is_safeguarded,
            started_by=initiative.created_by,
        )
        _agree(viewer, conversation, conversation_visibility, visible_conversations)
        group, group_conversation = _group_conversation(viewer, case.group_role)
        _agree(viewer, group_conversation, conversation_visibility, visible_conversations)

        event = EventFactory(
            group=None,
            initiative=initiative,
            hidden_at=datetime.datetime.now(datetime.UTC) if case.event_hidden else None,
        )
        _agree(viewer, event, event_visibility, visible_events)
        _agree(viewer, EventFactory(group=group), event_visibility, visible_events)

        # Opinion maps: public, or (hidden) for their host side and the moderators. The ward
        # map is on one of the initiative's wards, whose councillors the world may include.
        map_hidden_at = datetime.datetime.now(datetime.UTC) if case.map_hidden else None
        ward = initiative.wards.first() or WardFactory()
        for host in ({"group": group}, {"ward": ward}):
            opinion_map = OpinionMap.objects.create(
                question="Where next?", hidden_at=map_hidden_at, **host
            )
            _agree(viewer, opinion_map, opinion_visibility, visible_maps)

        # Groups have no rule of their own yet: everybody sees every group.
        _agree(viewer, group, group_visibility, visible_groups)
        assert group_visibility.can_view(viewer, group)
