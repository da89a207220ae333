"""Resident groups: a named community that can host conversations and events."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from grassroots.core.models import EmailInvitation
from grassroots.core.slugs import slug_constraints
from grassroots.places.models import Council, Ward


class Joining(models.TextChoices):
    OPEN = "open", _("Anyone can join")
    INVITE = "invite", _("By invitation from an organiser")


class Group(models.Model):
    council = models.ForeignKey(
        Council, on_delete=models.PROTECT, related_name="groups", verbose_name=_("council")
    )
    wards = models.ManyToManyField(
        Ward, blank=True, related_name="groups", verbose_name=_("wards it is active in")
    )
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=140, unique=True)
    description = models.TextField(_("what the group is for"))
    joining = models.CharField(
        _("who can join"), max_length=10, choices=Joining.choices, default=Joining.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="groups_started",
        verbose_name=_("started by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Set when an organiser or a site admin archives a group that has finished: it stays
    # readable, but nobody joins it or hosts anything new in it until it is unarchived.
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            # Two groups of one council with the same name would be told apart by nobody.
            models.UniqueConstraint("council", Lower("name"), name="group_name_unique_in_council"),
            *slug_constraints(model="group"),
        ]
        verbose_name = _("group")
        verbose_name_plural = _("groups")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("groups:detail", kwargs={"slug": self.slug})

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class GroupRole(models.TextChoices):
    ORGANISER = "organiser", _("Organiser")
    MEMBER = "member", _("Member")


class GroupMembershipStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    ACTIVE = "active", _("Member")
    DECLINED = "declined", _("Declined the invitation")
    LEFT = "left", _("Left")
    REMOVED = "removed", _("Removed by an organiser")
    WITHDRAWN = "withdrawn", _("Invitation withdrawn")


class GroupMembership(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="group_memberships"
    )
    role = models.CharField(max_length=10, choices=GroupRole.choices, default=GroupRole.MEMBER)
    status = models.CharField(
        max_length=10, choices=GroupMembershipStatus.choices, default=GroupMembershipStatus.ACTIVE
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    invited_at = models.DateTimeField(null=True, blank=True)
    # The organiser's note to the invitee, shown with the invitation.
    invitation_message = models.TextField(blank=True)
    # When the person last answered an invitation, joined, left or was removed.
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="group_membership_unique")
        ]
        indexes = [models.Index(fields=["user", "status"], name="group_membership_user_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.group_id} ({self.role}, {self.status})"


class GroupEmailInvitation(EmailInvitation):
    """An organiser's invitation to join, sent to an address no account has (yet)."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="email_invitations")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "email"], name="group_email_invitation_once")
        ]

    def __str__(self) -> str:
        return f"Invitation to {self.group_id} by email"
