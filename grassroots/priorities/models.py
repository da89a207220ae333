"""Priority setting ("what matters most"): an exercise asks the residents of an area a
question, gathers their suggestions, lets them vote (dots or approval) and shows the results.

The phase is never stored: it follows from the three dates (`Exercise.phase`). Moving a phase
on early moves the date to now, so the dates always tell the truth about what happened.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grassroots.groups.models import Group
from grassroots.initiatives.models import Initiative
from grassroots.places.models import Council, Ward


class Phase(models.TextChoices):
    DRAFT = "draft", _("Not open yet")
    SUGGEST = "suggest", _("Suggesting priorities")
    VOTE = "vote", _("Voting")
    RESULTS = "results", _("Results")


class Method(models.TextChoices):
    DOTS = "dots", _("Dot voting: share out a number of dots")
    APPROVAL = "approval", _("Approval: tick every priority you support")


class Participation(models.TextChoices):
    ANYONE = "anyone", _("Anyone signed in")
    RESIDENTS = "residents", _("Residents of the area only")


class Exercise(models.Model):
    council = models.ForeignKey(
        Council, on_delete=models.PROTECT, related_name="priority_exercises"
    )
    wards = models.ManyToManyField(Ward, related_name="priority_exercises", verbose_name=_("area"))
    question = models.CharField(_("question"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # Who runs it: exactly one of a group (its organisers) or a councillor for their ward.
    # Partnerships (issue 12) will be a third kind: another nullable key and a third arm of the
    # check constraint below.
    group = models.ForeignKey(
        Group, null=True, blank=True, on_delete=models.PROTECT, related_name="priority_exercises"
    )
    # The councillor who opened it for `organiser_ward` (kept empty if they erase their
    # account: the exercise stays, and site admins can still run it).
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="priority_exercises_organised",
    )
    organiser_ward = models.ForeignKey(
        Ward, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    suggest_opens = models.DateTimeField(_("suggestions open"))
    suggest_closes = models.DateTimeField(_("suggestions close and voting opens"))
    vote_closes = models.DateTimeField(_("voting closes"))
    method = models.CharField(_("voting method"), max_length=10, choices=Method.choices)
    dots = models.PositiveSmallIntegerField(_("dots for each voter"), default=5)
    participation = models.CharField(
        _("who may take part"),
        max_length=10,
        choices=Participation.choices,
        default=Participation.RESIDENTS,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-suggest_opens", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(group__isnull=False, organiser__isnull=True, organiser_ward__isnull=True)
                    | Q(group__isnull=True, organiser_ward__isnull=False)
                ),
                name="priority_exercise_one_organiser",
            ),
            models.CheckConstraint(
                condition=Q(suggest_closes__gte=F("suggest_opens"))
                & Q(vote_closes__gte=F("suggest_closes")),
                name="priority_exercise_dates_in_order",
            ),
            models.CheckConstraint(
                condition=Q(dots__gte=1) & Q(dots__lte=20), name="priority_exercise_dots_range"
            ),
        ]

    def __str__(self) -> str:
        return self.question

    def get_absolute_url(self) -> str:
        return reverse("priorities:detail", kwargs={"pk": self.pk})

    def phase_at(self, when: datetime.datetime) -> Phase:
        if when < self.suggest_opens:
            return Phase.DRAFT
        if when < self.suggest_closes:
            return Phase.SUGGEST
        if when < self.vote_closes:
            return Phase.VOTE
        return Phase.RESULTS

    @property
    def phase(self) -> Phase:
        return self.phase_at(timezone.now())

    @property
    def is_dots(self) -> bool:
        return self.method == Method.DOTS


class Status(models.TextChoices):
    PENDING = "pending", _("Waiting for the organisers")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Not published")


class Priority(models.Model):
    """A suggestion; once published (and not merged into another) it is on the ballot."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="priorities")
    title = models.CharField(_("priority"), max_length=120)
    detail = models.TextField(_("more detail"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.RESTRICT, related_name="merged"
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    # Set when somebody starts an initiative from this priority (from the results page).
    initiative = models.ForeignKey(
        Initiative, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name_plural = "priorities"
        indexes = [models.Index(fields=["exercise", "status"], name="priority_exercise_status")]

    def __str__(self) -> str:
        return self.title

    @property
    def on_ballot(self) -> bool:
        return self.status == Status.PUBLISHED and self.merged_into_id is None


class Support(models.Model):
    """Somebody who backs a suggestion: its author, and everyone who said "me too"."""

    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["priority", "user"], name="priority_support_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} supports {self.priority_id}"


class AgeBand(models.TextChoices):
    UNDER_18 = "under18", _("Under 18")
    FROM_18 = "18-34", _("18 to 34")
    FROM_35 = "35-54", _("35 to 54")
    FROM_55 = "55-74", _("55 to 74")
    FROM_75 = "75+", _("75 or over")


class Ballot(models.Model):
    """One person's vote: online (their own, changeable until voting closes) or on paper
    (entered by an organiser, recorded as such)."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="ballots")
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="priority_ballots",
    )
    is_paper = models.BooleanField(default=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    # For results by ward: the voter's home ward, or the one written on a paper ballot.
    ward = models.ForeignKey(
        Ward, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Optional, never required: only ever shown for groups of at least ten voters.
    age_band = models.CharField(_("age"), max_length=10, choices=AgeBand.choices, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["exercise", "voter"],
                condition=Q(voter__isnull=False),
                name="priority_ballot_one_per_voter",
            ),
            # An online ballot has its voter; a paper one never names anybody. (An online
            # voter who erased their account leaves a ballot with neither, still online.)
            models.CheckConstraint(
                condition=Q(is_paper=False) | Q(voter__isnull=True),
                name="priority_ballot_paper_is_anonymous",
            ),
        ]

    def __str__(self) -> str:
        return f"Ballot {self.pk} in {self.exercise_id}"


class BallotChoice(models.Model):
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="choices")
    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="choices")
    dots = models.PositiveSmallIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ballot", "priority"], name="priority_choice_once"),
            models.CheckConstraint(condition=Q(dots__gte=1), name="priority_choice_dots_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.dots} on {self.priority_id}"
