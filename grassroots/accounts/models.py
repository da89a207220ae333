"""Users and the roles site admins grant them (resident is the only self-declared role)."""

from __future__ import annotations

import datetime
from typing import Any, ClassVar

import rules
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grassroots.places.models import Council, Ward


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create(email, password, **extra)


class User(AbstractUser):
    """A person with an account. Signs in with email; the postcode stays private."""

    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(
        _("display name"),
        max_length=80,
        blank=True,
        help_text=_("The name other people see next to what you write."),
    )
    postcode = models.CharField(_("postcode"), max_length=8, blank=True)
    ward = models.ForeignKey(
        Ward,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="residents",
        verbose_name=_("ward"),
    )
    is_moderator = models.BooleanField(
        _("moderator"), default=False, help_text=_("Handles reports and safeguarding concerns.")
    )
    is_editor = models.BooleanField(
        _("editor"),
        default=False,
        # Set in the database too: data migrations of other apps write users through historical
        # models that predate the flag.
        db_default=False,
        help_text=_("Writes and publishes the councillors' guide and residents' courses."),
    )
    anonymised_at = models.DateTimeField(_("account deleted"), null=True, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.public_name

    @property
    def public_name(self) -> str:
        if self.anonymised_at:
            return str(_("Former member"))
        return self.display_name or str(_("Resident"))

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        """Permissions declared with `rules` (each app's rules.py) decide for everybody.

        Django lets an active superuser through every permission check. For our own rules that
        would let a site admin use role powers without two-factor authentication, or act on
        somebody else's account, so the rules alone decide. Django's model permissions (which
        the admin site checks) keep their usual meaning.
        """
        if rules.perm_exists(perm):
            return self.is_active and bool(rules.has_perm(perm, self, obj))
        return super().has_perm(perm, obj)

    def get_full_name(self) -> str:
        return self.public_name

    def get_short_name(self) -> str:
        return self.public_name


class Department(models.Model):
    """A council department that can receive advocacy cases (managed by site admins)."""

    council = models.ForeignKey(
        Council, on_delete=models.PROTECT, related_name="departments", verbose_name=_("council")
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("team email"), blank=True)

    class Meta:
        ordering = ["council__name", "name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        constraints = [
            models.UniqueConstraint(fields=["council", "name"], name="department_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.council})"


class OfficerPostQuerySet(models.QuerySet["OfficerPost"]):
    def current(self, on: datetime.date | None = None) -> OfficerPostQuerySet:
        day = on or timezone.localdate()
        return self.filter(starts_on__lte=day).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))


class OfficerPost(models.Model):
    """The "council officer in department Y" role, granted by a site admin."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="officer_posts", verbose_name=_("user")
    )
    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="officers", verbose_name=_("department")
    )
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    starts_on = models.DateField(_("starts"), default=timezone.localdate)
    ends_on = models.DateField(_("ends"), null=True, blank=True)

    objects = OfficerPostQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("officer post")
        verbose_name_plural = _("officer posts")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="officer_post_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.department}"
