"""Demo conversations in the Brookmere demo borough (a step of `grassroots.demo.seed.STEPS`).

Runs after the initiatives and groups steps. It shows a conversation hosted by each kind of
community: a ward (residents of the area only, with the ward's councillor and a council officer
replying under their labels), an initiative (nested replies, quotes, agrees, a pinned summary
and agreed actions, one of them done), a group, a closed one, and one in the safeguarded demo
initiative that only its members can see.

The demo's conversations are rebuilt on each run from the same seed, so re-running gives the
same content. Everything is made by the services people's actions use
(`conversation_start`, `post_create`, `reaction_toggle`, `summary_pin`, agreed actions,
`conversation_close`); times are then moved into the past, as the demo's story needs.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone

from grassroots.accounts.models import User
from grassroots.conversations import services
from grassroots.conversations.models import (
    AgreedAction,
    Audience,
    Conversation,
    Post,
)
from grassroots.demo.borough import Borough
from grassroots.demo.groups import demo_groups
from grassroots.demo.initiatives import demo_initiatives
from grassroots.groups.models import Group, GroupMembership, GroupMembershipStatus, GroupRole
from grassroots.initiatives.models import (
    Initiative,
    MemberRole,
    MembershipStatus,
    Visibility,
)
from grassroots.places.models import CouncillorTerm, Ward

# A reply: (who, text, index of the reply it answers or None, index of a quoted reply or None).
# "who" is a role in the conversation's cast: "host", "councillor", "officer", or "r0", "r1"…
Reply = tuple[str, str, int | None, int | None]


@dataclass(frozen=True)
class ConversationSpec:
    key: str
    question: str
    description: str
    audience: Audience
    replies: tuple[Reply, ...]
    summary: str = ""
    actions: tuple[tuple[str, str, int, bool], ...] = ()  # what, who, due in days, done
    closed: bool = False


WARD = ConversationSpec(
    "ward",
    "What would make the high street feel safer after dark?",
    "Several neighbours have said they avoid the high street in the evening. What would help: "
    "lighting, opening hours, something else?",
    Audience.AREA,
    (
        ("r0", "The lights by the bus stop have been out since the summer.", None, None),
        ("r1", "Same by the chemist. It is very dark between the two crossings.", 0, None),
        ("councillor", "Thank you both. I have reported both lights today.", 1, None),
        (
            "officer",
            "The repairs are booked for the next fortnight; we will check the rest "
            "of the street at the same time.",
            2,
            None,
        ),
        (
            "r2",
            "Could the café stay open a little later on Fridays? It makes a difference.",
            None,
            None,
        ),
        ("r0", "I would go if it did.", 4, 4),
        ("host", "Let's ask the café together at the next market day.", 4, None),
    ),
    summary="Two street lights are out (reported, repairs booked) and people would like the "
    "café to open later on Fridays.",
    actions=(
        ("Report the broken lights by the bus stop and chemist", "councillor", -3, True),
        ("Ask the café about opening later on Fridays", "host", 10, False),
    ),
)

INITIATIVE = ConversationSpec(
    "initiative",
    "How should we share the first harvest?",
    "The trees are giving fruit for the first time. How should the harvest be shared fairly?",
    Audience.EVERYONE,
    (
        (
            "host",
            "We think a harvest day on a Saturday, open to everyone, would be fairest.",
            None,
            None,
        ),
        ("r0", "Yes, and the school could have the first pick.", 0, None),
        ("r1", "Please save some for people who cannot come on the day.", 0, None),
        ("r2", "I could drop bags round to neighbours who are housebound.", 2, None),
        ("r3", "Happy to help carry.", 3, None),
        ("r4", "Me too, I have a trolley.", 4, None),
        ("councillor", "The ward budget can cover bags and a stall if you would like.", None, 0),
        ("r1", "That would be lovely.", 6, None),
    ),
    summary="A Saturday harvest day open to everyone; the school picks first and volunteers "
    "deliver to housebound neighbours.",
    actions=(
        ("Book the school for the first pick", "host", 14, False),
        ("Ask the ward budget for bags and a stall", "councillor", 21, False),
        (
            "Make a list of housebound neighbours who want fruit",
            "Fennick tenants' association",
            7,
            False,
        ),
    ),
)

GROUP = ConversationSpec(
    "group",
    "What should happen to the old bandstand?",
    "The council has asked the group for ideas before it decides whether to repair it.",
    Audience.EVERYONE,
    (
        ("host", "Repairing it for summer concerts gets the most support so far.", None, None),
        ("r0", "A covered space for the Sunday market would be useful in winter too.", 0, None),
        ("officer", "Parks can share the survey of its condition with the group.", None, None),
        ("r1", "Please do, then we know what is realistic.", 2, None),
        ("r2", "Music in the summer please!", 0, 0),
        # A busy thread (more answers than the conversation page shows under a reply).
        ("r3", "Could it do both? Concerts in summer, cover for the market in winter.", 0, None),
        ("r4", "For the market the roof would have to keep the rain out.", 5, None),
        ("host", "The survey should tell us whether the roof can be saved.", 6, None),
        ("r0", "Winter evenings would need some lighting too.", 5, None),
        ("r1", "Who would look after it between events?", 0, None),
        ("r2", "The school band has offered to play the first concert.", 0, None),
        ("r3", "A few benches nearby would help older neighbours enjoy it.", 0, None),
        ("r4", "The council has a fund for benches; it is worth asking.", 11, None),
        ("officer", "Parks can look at benches once the survey is back.", 11, None),
        ("host", "Let's put the repair, the roof and the benches in one proposal.", 0, None),
    ),
    actions=(("Share the bandstand survey with the group", "officer", 14, False),),
)

CLOSED = ConversationSpec(
    "closed",
    "Which day suits a litter pick?",
    "",
    Audience.EVERYONE,
    (
        ("r0", "Saturday mornings.", None, None),
        ("r1", "Saturday works for me.", 0, None),
        ("host", "Saturday it is. Thank you all.", None, None),
    ),
    summary="The litter pick is on Saturday mornings.",
    closed=True,
)

SAFEGUARDED = ConversationSpec(
    "safeguarded",
    "Where could we meet safely?",
    "Only the members of this group can see this conversation.",
    Audience.MEMBERS,
    (
        (
            "host",
            "We need somewhere private, with a back entrance and no sign outside.",
            None,
            None,
        ),
        ("r0", "The community centre has a quiet room upstairs.", 0, None),
        ("r1", "A daytime meeting would be easier for those of us with children.", None, None),
    ),
    summary="Looking for a private room, daytime, with a discreet entrance.",
)


def _demo_conversations(borough: Borough) -> Any:
    council = borough.council
    return Conversation.objects.filter(
        Q(ward__council=council)
        | Q(group__council=council)
        | Q(initiative__in=demo_initiatives(council))
    )


def seed_conversations(borough: Borough) -> None:
    """Conversations on a ward, initiatives and groups, with labelled councillor replies."""
    rng = borough.rng("conversations")
    now = timezone.now()
    _demo_conversations(borough).delete()
    resident = borough.accounts.get("resident")
    councillor = borough.accounts.get("councillor")
    officer = borough.accounts.get("officer")
    residents = list(borough.residents)
    initiatives = list(demo_initiatives(borough.council).order_by("created_at", "pk"))
    public = [i for i in initiatives if i.visibility == Visibility.PUBLIC]
    private = [i for i in initiatives if i.visibility == Visibility.SAFEGUARDED]
    groups = list(demo_groups(borough.council).order_by("slug"))
    made: list[Conversation] = []

    # A ward the demo councillor represents, started by one of its residents.
    ward = _councillor_ward(councillor) or next(iter(borough.wards.values()), None)
    if ward is not None:
        locals_ = [r for r in residents if r.ward_id == ward.pk] or residents
        host = resident if resident is not None and resident.ward_id == ward.pk else locals_[0]
        cast = _cast(host, rng.sample(locals_, min(4, len(locals_))), councillor, officer)
        made.append(_build(WARD, cast, now - datetime.timedelta(days=12), ward=ward))
        if len(locals_) > 5:
            cast = _cast(locals_[5], locals_[:3], councillor, officer)
            made.append(_build(CLOSED, cast, now - datetime.timedelta(days=60), ward=ward))

    if public:
        initiative = public[0]
        lead = _leads(initiative)[0] if _leads(initiative) else initiative.created_by
        people = [r for r in residents if r.pk != getattr(lead, "pk", None)]
        cast = _cast(lead, rng.sample(people, 5), councillor, officer)
        made.append(
            _build(INITIATIVE, cast, now - datetime.timedelta(days=20), initiative=initiative)
        )

    if groups:
        group = next((g for g in groups if g.name == "Friends of Brookmere Park"), groups[0])
        organisers, members = _group_people(group)
        if organisers:
            cast = _cast(organisers[0], (members or residents)[:3], councillor, officer)
            made.append(_build(GROUP, cast, now - datetime.timedelta(days=8), group=group))

    if private:
        initiative = private[0]
        leads = _leads(initiative)
        members = list(
            User.objects.filter(
                memberships__initiative=initiative,
                memberships__status=MembershipStatus.APPROVED,
                memberships__role=MemberRole.MEMBER,
            ).order_by("pk")
        )
        if leads and len(members) >= 2:
            cast = _cast(leads[0], members[:2], None, None)
            made.append(
                _build(
                    SAFEGUARDED,
                    cast,
                    now - datetime.timedelta(days=5),
                    initiative=initiative,
                    safeguarded=True,
                )
            )
    borough.counts["conversations"] = len(made)
    borough.counts["conversation replies"] = Post.objects.filter(conversation__in=made).count()


def _councillor_ward(user: User | None) -> Ward | None:
    if user is None:
        return None
    term = (
        CouncillorTerm.objects.current(timezone.localdate())
        .filter(councillor__user=user)
        .select_related("ward", "ward__council")
        .order_by("ward__name")
        .first()
    )
    return term.ward if term is not None else None


def _leads(initiative: Initiative) -> list[User]:
    return list(
        User.objects.filter(
            memberships__initiative=initiative,
            memberships__role=MemberRole.LEAD,
            memberships__status=MembershipStatus.APPROVED,
        ).order_by("pk")
    )


def _group_people(group: Group) -> tuple[list[User], list[User]]:
    rows = (
        GroupMembership.objects.filter(group=group, status=GroupMembershipStatus.ACTIVE)
        .select_related("user")
        .order_by("pk")
    )
    organisers = [m.user for m in rows if m.role == GroupRole.ORGANISER]
    members = [m.user for m in rows if m.role == GroupRole.MEMBER]
    return organisers, members


def _cast(
    host: User, residents: list[User], councillor: User | None, officer: User | None
) -> dict[str, User | None]:
    cast: dict[str, User | None] = {"host": host, "councillor": councillor, "officer": officer}
    for n, person in enumerate(residents):
        cast[f"r{n}"] = person
    return cast


def _build(
    spec: ConversationSpec,
    cast: dict[str, User | None],
    started: datetime.datetime,
    *,
    ward: Ward | None = None,
    initiative: Initiative | None = None,
    group: Group | None = None,
    safeguarded: bool = False,
) -> Conversation:
    """The conversation as its people would make it, through the services, then dated back."""
    host = cast["host"]
    if host is None:
        raise ValueError("A demo conversation needs somebody to start it")
    conversation = services.conversation_start(
        actor=host,
        ward=ward,
        initiative=initiative,
        group=group,
        question=spec.question,
        description=spec.description,
        audience=spec.audience,
        is_safeguarded=safeguarded,
    )
    posts: list[Post] = []
    for index, (who, text, answers, quotes) in enumerate(spec.replies):
        author = cast.get(who) or cast.get(f"r{index % 3}") or host
        posts.append(
            services.post_create(
                actor=author,
                conversation=conversation,
                body=text,
                parent=posts[answers] if answers is not None else None,
                quoted=posts[quotes] if quotes is not None else None,
            )
        )
    for index, post in enumerate(posts):
        post.created_at = started + datetime.timedelta(hours=5 * (index + 1))
        Post.objects.filter(pk=post.pk).update(created_at=post.created_at)
    # Agrees: the host and the first residents agree with every other reply they did not write.
    voters = [u for key, u in cast.items() if u is not None and (key == "host" or key[:1] == "r")]
    for n, post in enumerate(posts):
        for voter in voters[: 1 + n % 3] if n % 2 == 0 else []:
            if voter.pk != post.author_id:
                services.reaction_toggle(actor=voter, post=post)
    if spec.summary:
        services.summary_pin(actor=host, conversation=conversation, summary=spec.summary)
    today = timezone.localdate()
    for what, who, days, done in spec.actions:
        owner = cast.get(who)
        action = services.agreed_action_create(
            actor=host,
            conversation=conversation,
            what=what,
            owner=owner,
            owner_name="" if owner is not None else who,
            due_on=today,
        )
        if done:
            services.agreed_action_complete(actor=owner or host, action=action)
        # Agreed on the day; due when the demo says (already past for one that is done).
        AgreedAction.objects.filter(pk=action.pk).update(
            due_on=today + datetime.timedelta(days=days),
            done_at=timezone.now() - datetime.timedelta(days=1) if done else None,
        )
    if spec.closed:
        services.conversation_close(actor=host, conversation=conversation)
    Conversation.objects.filter(pk=conversation.pk).update(
        created_at=started,
        last_reply_at=posts[-1].created_at if posts else None,
        summary_updated_at=started + datetime.timedelta(days=4) if spec.summary else None,
        closed_at=started + datetime.timedelta(days=20) if spec.closed else None,
    )
    conversation.refresh_from_db()
    return conversation
