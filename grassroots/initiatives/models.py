"""Resident-led initiatives: the people in them, what they need, and what they achieve."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grassroots.core.images import PrivateImageField
from grassroots.core.models import EmailInvitation, Hideable
from grassroots.core.slugs import slug_constraints
from grassroots.places.models import Ward


class Theme(models.TextChoices):
    GREEN_SPACES = "green_spaces", _("Green spaces")
    HEALTH = "health", _("Health and wellbeing")
    SAFETY = "safety", _("Community safety, including domestic abuse")
    TOURISM = "tourism", _("Tourism and local economy")
    VOLUNTEERING = "volunteering", _("Volunteering")
    YOUNG_PEOPLE = "young_people", _("Young people")
    OLDER_PEOPLE = "older_people", _("Older people")
    HOUSING = "housing", _("Housing")
    TRANSPORT = "transport", _("Transport")
    ARTS = "arts", _("Arts and culture")
    OTHER = "other", _("Other")


class Stage(models.TextChoices):
    IDEA = "idea", _("Idea")
    GATHERING_SUPPORT = "gathering_support", _("Gathering support")
    PLANNING = "planning", _("Planning")
    IN_ACTION = "in_action", _("In action")
    ACHIEVED = "achieved", _("Achieved")
    PAUSED = "paused", _("Paused")
    CLOSED = "closed", _("Closed")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    # Safeguarded initiatives (for example on domestic abuse or mental health) are invisible to
    # everybody except their members and supporting councillors, on every surface.
    SAFEGUARDED = "safeguarded", _("Safeguarded")


class Initiative(Hideable):
    # Hideable: a moderator can hide it with a reason; visibility.py keeps it from everyone but
    # its leads and moderators while hidden.
    title = models.CharField(_("title"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=170, unique=True)
    problem = models.TextField(_("the problem"))
    change_wanted = models.TextField(_("what you want to change"))
    who_for = models.TextField(_("who it is for"))
    theme = models.CharField(_("theme"), max_length=20, choices=Theme.choices)
    wards: models.ManyToManyField[Ward, InitiativeWard] = models.ManyToManyField(
        Ward, through="InitiativeWard", related_name="initiatives", verbose_name=_("wards")
    )
    area_description = models.CharField(
        _("area"),
        max_length=200,
        blank=True,
        help_text=_("For example, the streets around the park."),
    )
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    location_text = models.CharField(_("place or address"), max_length=200, blank=True)
    visibility = models.CharField(
        _("who can see it"), max_length=12, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.IDEA)
    stage_changed_at = models.DateTimeField(_("stage changed"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="initiatives_started",
        verbose_name=_("started by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Optimistic concurrency: every edit bumps the version; an edit made from an older version
    # is refused with both versions shown, so two leads never silently overwrite each other.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        indexes = [
            models.Index(fields=["visibility", "stage"], name="initiative_vis_stage_idx"),
            models.Index(fields=["visibility", "theme"], name="initiative_vis_theme_idx"),
            # The list's order, covering the visibility rule's columns (PostgreSQL): a deep
            # page's offset is skipped in the index alone (browse.initiative_page).
            models.Index(
                fields=["-created_at", "-id"],
                include=["visibility", "hidden_at"],
                name="initiative_newest_cover_idx",
            ),
            # The list filtered by theme and stage, newest first, as everybody sees it: the
            # page and its capped count read the index alone (national scale).
            models.Index(
                fields=["theme", "stage", "-created_at", "-id"],
                condition=Q(visibility=Visibility.PUBLIC, hidden_at__isnull=True),
                name="initiative_public_theme_idx",
            ),
            # The few initiatives that are not public (safeguarded or hidden): the visibility
            # rule reads them alone for a signed-in viewer (`visibility.of_visible`).
            models.Index(
                fields=["id"],
                condition=~Q(visibility=Visibility.PUBLIC, hidden_at__isnull=True),
                name="initiative_restricted_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(latitude__isnull=True) & Q(longitude__isnull=True))
                | (
                    Q(latitude__gte=49)
                    & Q(latitude__lte=61)
                    & Q(longitude__gte=-9)
                    & Q(longitude__lte=2.5)
                ),
                name="initiative_point_in_britain",
            ),
            *slug_constraints(model="initiative"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("initiatives:detail", kwargs={"slug": self.slug})

    @property
    def is_safeguarded(self) -> bool:
        return self.visibility == Visibility.SAFEGUARDED


class InitiativeWard(models.Model):
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE)
    ward = models.ForeignKey(Ward, on_delete=models.PROTECT)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["initiative", "ward"], name="initiative_ward_unique")
        ]

    def __str__(self) -> str:
        return f"{self.initiative_id} in {self.ward_id}"


class MemberRole(models.TextChoices):
    LEAD = "lead", _("Lead")
    MEMBER = "member", _("Member")


class MembershipStatus(models.TextChoices):
    REQUESTED = "requested", _("Asked to join")
    APPROVED = "approved", _("Member")
    DECLINED = "declined", _("Declined")
    LEFT = "left", _("Left")
    # Leads invite a person by the email address of their account. While the invitation waits
    # the person may see the initiative (even a safeguarded one) so that they can decide.
    INVITED = "invited", _("Invited")
    INVITATION_DECLINED = "refused", _("Turned down an invitation")
    WITHDRAWN = "withdrawn", _("Invitation withdrawn")


# Statuses that let a person see a safeguarded initiative (visibility.py and the bulk rule in
# notifications/selectors.py both use this).
INSIDER_STATUSES = (MembershipStatus.APPROVED, MembershipStatus.INVITED)
# Statuses from which a person may ask to join (again): nothing waiting, not a member, and the
# leads have not already said no to them.
ASK_AGAIN_STATUSES = (
    MembershipStatus.LEFT,
    MembershipStatus.INVITATION_DECLINED,
    MembershipStatus.WITHDRAWN,
)


class Membership(models.Model):
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(
        _("role"), max_length=10, choices=MemberRole.choices, default=MemberRole.MEMBER
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=MembershipStatus.choices,
        default=MembershipStatus.REQUESTED,
    )
    message = models.TextField(_("message to the leads"), blank=True)
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Set when a lead invited the person (kept after they accept, so "joined by invitation"
    # stays on record).
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("invited by"),
    )
    invited_at = models.DateTimeField(_("invited"), null=True, blank=True)
    invitation_message = models.TextField(_("message from the leads"), blank=True)

    class Meta:
        ordering = ["requested_at"]
        constraints = [
            models.UniqueConstraint(fields=["initiative", "user"], name="membership_unique"),
            # Only approved members can be leads.
            models.CheckConstraint(
                condition=~Q(role="lead") | Q(status="approved"), name="lead_is_approved"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.initiative} ({self.role}, {self.status})"


class Backing(models.Model):
    """ "I back this": one per person per initiative."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="backings")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="backings"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["initiative", "user"], name="backing_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} backs {self.initiative_id}"


class NeedKind(models.TextChoices):
    VOLUNTEERS = "volunteers", _("Volunteers")
    SKILLS = "skills", _("Skills")
    VENUE = "venue", _("A venue")
    EQUIPMENT = "equipment", _("Equipment")
    MONEY = "money", _("Money")
    PERMISSION = "permission", _("Permission or a licence from the council")
    ADVICE = "advice", _("Expert advice")
    PUBLICITY = "publicity", _("Publicity")


class NeedStatus(models.TextChoices):
    OPEN = "open", _("Open")
    MET = "met", _("Met")


class Need(models.Model):
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="needs")
    kind = models.CharField(_("what you need"), max_length=12, choices=NeedKind.choices)
    description = models.TextField(_("details"))
    status = models.CharField(
        _("status"), max_length=6, choices=NeedStatus.choices, default=NeedStatus.OPEN
    )
    volunteers_wanted = models.PositiveIntegerField(_("how many volunteers"), null=True, blank=True)
    when = models.CharField(_("when"), max_length=200, blank=True)
    amount_pence = models.PositiveBigIntegerField(_("amount (pence)"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    met_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["status", "created_at"]
        indexes = [models.Index(fields=["status", "kind"], name="need_status_kind_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="money", amount_pence__isnull=False) | ~Q(kind="money"),
                name="money_need_has_amount",
            ),
            models.CheckConstraint(
                condition=Q(kind="volunteers", volunteers_wanted__gte=1) | ~Q(kind="volunteers"),
                name="volunteer_need_has_count",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.description[:40]}"


def update_photo_path(instance: Update, filename: str) -> str:
    """Where an update's photo is stored: `filename` is already random (core.images)."""
    return f"updates/{filename}"


class Update(models.Model):
    """A progress update posted by a member."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="initiative_updates"
    )
    text = models.TextField(_("update"))
    # Cleaned on save (random name, no metadata, scaled) and served by the `update_photo` view.
    photo = PrivateImageField(
        _("photo"),
        upload_to=update_photo_path,
        blank=True,
        width_field="photo_width",
        height_field="photo_height",
    )
    photo_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    photo_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    photo_alt = models.CharField(_("describe the photo"), max_length=250, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(photo="") | ~Q(photo_alt=""), name="update_photo_has_alt"
            )
        ]

    def __str__(self) -> str:
        return self.text[:60]

    def get_photo_url(self) -> str:
        """The photo's only address: its view applies the initiative's visibility rule."""
        return reverse(
            "initiatives:update_photo", kwargs={"slug": self.initiative.slug, "pk": self.pk}
        )


class Milestone(models.Model):
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=200)
    due_on = models.DateField(_("date"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.title


class Outcome(models.Model):
    """What an achieved initiative changed, for whom, and the evidence."""

    initiative = models.OneToOneField(Initiative, on_delete=models.CASCADE, related_name="outcome")
    what_changed = models.TextField(_("what changed"))
    for_whom = models.TextField(_("for whom"))
    evidence = models.TextField(_("evidence"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Outcome of {self.initiative}"


class StageChange(models.Model):
    """One step on an initiative's timeline (also written to the audit log)."""

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="stage_changes"
    )
    from_stage = models.CharField(max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(max_length=20, choices=Stage.choices)
    note = models.TextField(_("note"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.initiative}: {self.from_stage} → {self.to_stage}"


class InitiativeEmailInvitation(EmailInvitation):
    """A lead's invitation to join, sent to an address no account has (yet)."""

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="email_invitations"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "email"], name="initiative_email_invitation_once"
            )
        ]

    def __str__(self) -> str:
        return f"Invitation to {self.initiative_id} by email"
