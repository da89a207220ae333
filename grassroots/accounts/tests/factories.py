"""Factories for users and roles."""

from __future__ import annotations

import datetime
from typing import Any

import factory
from allauth.account.models import EmailAddress

from grassroots.accounts.models import Department, OfficerPost, User
from grassroots.places.tests.factories import CouncilFactory, CouncillorTermFactory

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        """A verified primary email, as after sign-up; pass verified=False to skip."""
        if create:
            self.save()
            if extracted is not False:
                EmailAddress.objects.create(
                    user=self, email=self.email, verified=True, primary=True
                )


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    council = factory.SubFactory(CouncilFactory)
    name = factory.Sequence(lambda n: f"Department {n}")


class OfficerPostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OfficerPost

    user = factory.SubFactory(UserFactory)
    department = factory.SubFactory(DepartmentFactory)
    job_title = "Officer"
    starts_on = datetime.date(2024, 1, 1)


# --- Role holders, as a site admin would set them up. Each returns the user.


def make_councillor(
    user: User | None = None,
    *,
    starts_on: datetime.date = datetime.date(2024, 5, 2),
    ends_on: datetime.date | None = None,
    **term: Any,
) -> User:
    """A user linked to a councillor with one term of office (current unless `ends_on` passed)."""
    user = user or UserFactory()
    CouncillorTermFactory(councillor__user=user, starts_on=starts_on, ends_on=ends_on, **term)
    return user


def make_officer(
    user: User | None = None,
    *,
    starts_on: datetime.date = datetime.date(2024, 1, 1),
    ends_on: datetime.date | None = None,
) -> User:
    """A user with an officer post in a council department."""
    user = user or UserFactory()
    OfficerPostFactory(user=user, starts_on=starts_on, ends_on=ends_on)
    return user


def make_site_admin(user: User | None = None) -> User:
    user = user or UserFactory()
    user.is_staff = True
    user.is_superuser = True
    user.save(update_fields=["is_staff", "is_superuser"])
    return user


def make_moderator(user: User | None = None) -> User:
    user = user or UserFactory()
    user.is_moderator = True
    user.save(update_fields=["is_moderator"])
    return user


def make_editor(user: User | None = None) -> User:
    """A user with the editor flag (the guide and courses); add TOTP for the role to count."""
    user = user or UserFactory()
    user.is_editor = True
    user.save(update_fields=["is_editor"])
    return user
