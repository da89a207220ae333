"""Starting an initiative, editing it, and moving it through its stages."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.accounts.types import Actor
from grassroots.core import links
from grassroots.core.audit import audit_record
from grassroots.core.notices import Kind, followers_notify, notify
from grassroots.core.services import ServiceError, require
from grassroots.core.slugs import random_slug, unique_slug
from grassroots.initiatives.models import (
    Backing,
    Initiative,
    InitiativeWard,
    MemberRole,
    Membership,
    MembershipStatus,
    Stage,
    StageChange,
    Visibility,
)
from grassroots.initiatives.services._common import refuse_councillor_leads
from grassroots.places.models import Ward


class EditConflict(ServiceError):
    """Somebody saved the initiative after the version this edit started from."""

    def __init__(self, current: Initiative) -> None:
        super().__init__(_("Somebody else changed this initiative while you were editing it."))
        self.current = current


# --- Stages ------------------------------------------------------------------------------------
#
# The way forward is idea → gathering support → planning → in action → achieved. Leads may move
# forward by any number of steps, except that "achieved" can only follow "in action" (something
# must have been done before it can be said to have worked). Any active stage may be paused;
# a paused initiative resumes to the stage it was paused from. Anything not yet closed may be
# closed, and closed is final.

FORWARD = [Stage.IDEA, Stage.GATHERING_SUPPORT, Stage.PLANNING, Stage.IN_ACTION, Stage.ACHIEVED]
ACTIVE = FORWARD[:-1]


def paused_from(initiative: Initiative) -> str:
    """The stage a paused initiative resumes to."""
    last = (
        StageChange.objects.filter(initiative=initiative, to_stage=Stage.PAUSED)
        .order_by("-changed_at", "-id")
        .values_list("from_stage", flat=True)
        .first()
    )
    return last or Stage.IDEA


def allowed_stages(initiative: Initiative, *, resume_to: str | None = None) -> list[str]:
    """The stages a lead may move `initiative` to from where it is now."""
    stage = initiative.stage
    if stage in ACTIVE:
        index = FORWARD.index(Stage(stage))
        onward: list[str] = [s for s in FORWARD[index + 1 :] if s != Stage.ACHIEVED]
        if stage == Stage.IN_ACTION:
            onward.append(Stage.ACHIEVED)
        return [*onward, Stage.PAUSED, Stage.CLOSED]
    if stage == Stage.PAUSED:
        return [resume_to or paused_from(initiative), Stage.CLOSED]
    if stage == Stage.ACHIEVED:
        return [Stage.CLOSED]
    return []


# --- Creating and editing ----------------------------------------------------------------------


# Paths under /initiatives/ that are pages, not initiatives.
RESERVED_SLUGS = frozenset({"create", "map", "feed", "search", "export", "api", "invitations"})


SLUG_LENGTH = 170  # Initiative.slug's max_length
# A safeguarded initiative's slug is this and a random token: nothing of its title (which an
# address bar, a history or a shared screen would show), and nothing a public initiative's
# slug could collide with. So a public initiative's slug, "-2" and all, depends only on other
# slugs that are themselves public or random, and reveals no safeguarded initiative.
SAFEGUARDED_SLUG_PREFIX = "private"


def initiative_slug(*, title: str, visibility: str) -> str:
    """A new slug: from the title for a public initiative, a random one for a safeguarded one."""
    if visibility == Visibility.SAFEGUARDED:
        return random_slug(prefix=SAFEGUARDED_SLUG_PREFIX, max_length=SLUG_LENGTH)
    return unique_slug(
        title,
        max_length=SLUG_LENGTH,
        fallback="initiative",
        taken=lambda slug: Initiative.objects.filter(slug=slug).exists(),
        reserved=RESERVED_SLUGS,
    )


def _repoint_links(*, old_slug: str, new_slug: str) -> None:
    """Stored links (notifications, concerns) to the initiative's old address follow it."""
    links.moved(old=f"/initiatives/{old_slug}/", new=f"/initiatives/{new_slug}/")


def initiative_create(
    *,
    creator: Actor,
    title: str,
    problem: str,
    change_wanted: str,
    who_for: str,
    theme: str,
    wards: list[Ward],
    area_description: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    location_text: str = "",
    visibility: str = Visibility.PUBLIC,
) -> Initiative:
    """Start an initiative; its creator becomes its first lead."""
    require(creator, "initiatives.create_initiative")
    if not wards:
        raise ServiceError(_("Choose at least one ward"))
    refuse_councillor_leads([creator], wards)
    for attempt in range(5):
        try:
            with transaction.atomic():
                initiative = Initiative.objects.create(
                    title=title,
                    slug=initiative_slug(title=title, visibility=visibility),
                    problem=problem,
                    change_wanted=change_wanted,
                    who_for=who_for,
                    theme=theme,
                    area_description=area_description,
                    latitude=latitude,
                    longitude=longitude,
                    location_text=location_text,
                    visibility=visibility,
                    created_by=creator,
                )
                InitiativeWard.objects.bulk_create(
                    [InitiativeWard(initiative=initiative, ward=w) for w in wards]
                )
                Membership.objects.create(
                    initiative=initiative,
                    user=creator,
                    role=MemberRole.LEAD,
                    status=MembershipStatus.APPROVED,
                    decided_at=timezone.now(),
                )
                StageChange.objects.create(
                    initiative=initiative, from_stage="", to_stage=Stage.IDEA, changed_by=creator
                )
                audit_record(
                    actor=creator,
                    action="initiative.create",
                    obj=initiative,
                    summary=f"Started initiative {title!r}",
                    data={"wards": [w.pk for w in wards], "visibility": visibility},
                )
                return initiative
        except IntegrityError:
            # Two initiatives with the same title at the same moment: take the next slug.
            if attempt == 4:
                raise
    raise AssertionError("unreachable")


EDITABLE = (
    "title",
    "problem",
    "change_wanted",
    "who_for",
    "theme",
    "area_description",
    "latitude",
    "longitude",
    "location_text",
    "visibility",
)


def initiative_update(
    *, initiative: Initiative, actor: Actor, version: int, wards: list[Ward], **fields: Any
) -> Initiative:
    """Save a lead's edit, only if nobody saved since `version` (else EditConflict)."""
    require(actor, "initiatives.edit_initiative", initiative)
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    if not wards:
        raise ServiceError(_("Choose at least one ward"))
    with transaction.atomic():
        leads = [
            m.user
            for m in Membership.objects.filter(
                initiative=initiative, role=MemberRole.LEAD, status=MembershipStatus.APPROVED
            ).select_related("user")
        ]
        refuse_councillor_leads(leads, wards)
        old_slug, was = Initiative.objects.values_list("slug", "visibility").get(pk=initiative.pk)
        if fields.get("visibility") == Visibility.SAFEGUARDED and was != Visibility.SAFEGUARDED:
            # Its title-made slug was public: a new random one, so the old address is free
            # (a public initiative with the same title takes it, as if this one had gone).
            fields["slug"] = initiative_slug(title="", visibility=Visibility.SAFEGUARDED)
        changed = Initiative.objects.filter(pk=initiative.pk, version=version).update(
            **fields, version=F("version") + 1, updated_at=timezone.now()
        )
        if not changed:
            raise EditConflict(Initiative.objects.get(pk=initiative.pk))
        if "slug" in fields:
            _repoint_links(old_slug=old_slug, new_slug=fields["slug"])
        current = set(initiative.wards.values_list("pk", flat=True))
        wanted = {w.pk for w in wards}
        InitiativeWard.objects.filter(initiative=initiative, ward_id__in=current - wanted).delete()
        InitiativeWard.objects.bulk_create(
            [InitiativeWard(initiative=initiative, ward_id=pk) for pk in wanted - current]
        )
        audit_record(
            actor=actor,
            action="initiative.update",
            obj=initiative,
            summary=f"Edited initiative {fields.get('title', initiative.title)!r}",
            data={
                "from_version": version,
                "fields": sorted(set(fields) - {"slug"}),
                "wards": sorted(wanted),
            },
        )
    initiative.refresh_from_db()
    return initiative


def _people_to_tell(initiative: Initiative) -> list[Actor]:
    members = [
        m.user
        for m in Membership.objects.filter(
            initiative=initiative, status=MembershipStatus.APPROVED
        ).select_related("user")
    ]
    backers = [b.user for b in Backing.objects.filter(initiative=initiative).select_related("user")]
    return members + backers


def initiative_change_stage(
    *, initiative: Initiative, actor: Actor, to_stage: str, note: str = ""
) -> StageChange:
    """Move the initiative to another stage; tells its members and backers."""
    require(actor, "initiatives.change_stage", initiative)
    with transaction.atomic():
        locked = Initiative.objects.select_for_update().get(pk=initiative.pk)
        if to_stage not in allowed_stages(locked):
            raise ServiceError(
                _("An initiative cannot move from “%(from)s” to “%(to)s”.")
                % {
                    "from": locked.get_stage_display(),
                    "to": Stage(to_stage).label if to_stage in Stage.values else to_stage,
                }
            )
        now = timezone.now()
        change = StageChange.objects.create(
            initiative=locked,
            from_stage=locked.stage,
            to_stage=to_stage,
            note=note,
            changed_by=actor,
            changed_at=now,
        )
        locked.stage, locked.stage_changed_at = to_stage, now
        locked.save(update_fields=["stage", "stage_changed_at", "updated_at"])
        audit_record(
            actor=actor,
            action="initiative.change_stage",
            obj=locked,
            summary=f"Stage {change.from_stage} → {to_stage}",
            data={"from": change.from_stage, "to": to_stage, "note": note},
        )
        told = _people_to_tell(locked)
        notify(
            recipients=told,
            kind=Kind.STAGE_CHANGE,
            text=_("%(title)s is now at the stage: %(stage)s")
            % {"title": locked.title, "stage": Stage(to_stage).label},
            url=locked.get_absolute_url(),
            initiative=locked,
            exclude=actor,
        )
        # Followers of it or its wards who were not told above hear as followers.
        followers_notify(
            initiative=locked,
            text=_("%(title)s is now at the stage: %(stage)s")
            % {"title": locked.title, "stage": Stage(to_stage).label},
            url=locked.get_absolute_url(),
            exclude=told,
            actor=actor,
        )
    initiative.stage, initiative.stage_changed_at = locked.stage, locked.stage_changed_at
    return change
