"""Conversations hosted by a community (an initiative, a ward or a group), with threaded replies."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from grassroots.core.models import Hideable
from grassroots.groups.models import Group
from grassroots.initiatives.models import Initiative
from grassroots.places.models import Ward

# Replies nest this deep at most; a reply to the deepest level joins that level's thread.
MAX_DEPTH = 4


# Segments of Post.path: the zero-padded id, wide enough for any id a database will hand out.
PATH_DIGITS = 12


class Audience(models.TextChoices):
    EVERYONE = "everyone", _("Anyone with an account")
    AREA = "area", _("Residents of the area")
    MEMBERS = "members", _("Members only")


class Conversation(Hideable):
    # Exactly one host (a check constraint below keeps it so).
    initiative = models.ForeignKey(
        Initiative,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="conversations",
        verbose_name=_("initiative"),
    )
    ward = models.ForeignKey(
        Ward,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="conversations",
        verbose_name=_("ward"),
    )
    group = models.ForeignKey(
        Group,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="conversations",
        verbose_name=_("group"),
    )
    question = models.CharField(_("question"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    audience = models.CharField(
        _("who can take part"), max_length=10, choices=Audience.choices, default=Audience.EVERYONE
    )
    # Safeguarded: only the host community's members (and an initiative's supporting
    # councillors) can see it; everyone else gets a 404, as for a safeguarded initiative.
    is_safeguarded = models.BooleanField(_("safeguarded"), default=False)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="conversations_started",
        verbose_name=_("started by"),
    )
    summary = models.TextField(_("pinned summary"), blank=True)
    summary_updated_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(_("closed to new replies"), null=True, blank=True)
    created_at = models.DateTimeField(_("started"), auto_now_add=True, db_index=True)
    last_reply_at = models.DateTimeField(_("last reply"), null=True, blank=True)
    reply_count = models.PositiveIntegerField(_("replies"), default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        indexes = [
            # The lists' order, latest activity first (selectors._listed), for the listed ones:
            # a page is read from the index instead of sorting every conversation.
            models.Index(
                Coalesce("last_reply_at", "created_at").desc(),
                F("id").desc(),
                condition=Q(hidden_at__isnull=True),
                name="conversation_activity_idx",
            ),
            # The few safeguarded conversations: the visibility rule reads them alone to find
            # the ones a signed-in viewer sees (`visibility.restricted_visible_ids`).
            models.Index(
                fields=["id"], condition=Q(is_safeguarded=True), name="conversation_safeguarded_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(initiative__isnull=False, ward__isnull=True, group__isnull=True)
                    | Q(initiative__isnull=True, ward__isnull=False, group__isnull=True)
                    | Q(initiative__isnull=True, ward__isnull=True, group__isnull=False)
                ),
                name="conversation_has_one_host",
            ),
            # A ward is everybody's: only an initiative or a group can keep a conversation private.
            models.CheckConstraint(
                condition=Q(is_safeguarded=False) | Q(ward__isnull=True),
                name="conversation_safeguarded_needs_private_host",
            ),
        ]

    def __str__(self) -> str:
        return self.question

    def get_absolute_url(self) -> str:
        return reverse("conversations:detail", kwargs={"pk": self.pk})

    @property
    def host(self) -> Initiative | Ward | Group:
        """The community hosting the conversation (exactly one is set)."""
        host = self.initiative or self.ward or self.group
        assert host is not None
        return host

    @property
    def host_name(self) -> str:
        if self.ward is not None:
            return str(_("%(ward)s ward") % {"ward": self.ward.name})
        return str(self.host)

    @property
    def host_url(self) -> str:
        """The host's page ("" while that page does not exist yet)."""
        try:
            return str(self.host.get_absolute_url())
        except NoReverseMatch:
            return ""

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class Post(Hideable):
    """A reply in a conversation; `parent` is the reply it answers (None for a top-level one)."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="posts")
    # Replies are never deleted one by one (an author's removal keeps the row), so a cascade
    # only happens when the whole conversation or its host goes, and takes the thread with it.
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    # Sort key of the thread: the parent's path plus this post's zero-padded id, so one ORDER BY
    # gives every reply in context, whatever the depth.
    path = models.CharField(max_length=255, db_index=True, blank=True)
    depth = models.PositiveSmallIntegerField(default=0)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="conversation_posts",
    )
    # The label the author spoke under when posting ("Councillor for Riverside ward"), kept as
    # written so the record stays true after roles change.
    speaker_label = models.CharField(max_length=200, blank=True)
    body = models.TextField(_("reply"))
    quoted = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    removed_by_author_at = models.DateTimeField(null=True, blank=True)
    # New accounts' first posts can be held until a moderator lets them through.
    held_for_review = models.BooleanField(default=False)

    class Meta:
        ordering = ["path"]
        indexes = [models.Index(fields=["conversation", "path"], name="post_thread_idx")]

    def __str__(self) -> str:
        return f"Reply {self.pk} in {self.conversation_id}"


class Reaction(models.Model):
    """An "agree" on a reply: one per person per reply."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "user"], name="reaction_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} agrees with {self.post_id}"


class ConversationAccess(models.Model):
    """A person let into a safeguarded conversation hosted by a group.

    Joining an open group must not open its safeguarded conversations: besides the group's
    organisers and the person who started it, only the members its organisers name here may
    see one (and only while they stay active members of the group)."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="access")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("access to a safeguarded conversation")
        verbose_name_plural = _("access to safeguarded conversations")
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "user"], name="conversation_access_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} may see {self.conversation_id}"
