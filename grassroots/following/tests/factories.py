"""Factories for following. For state with rules prefer services.follow_start."""

from __future__ import annotations

import factory

from grassroots.accounts.tests.factories import UserFactory
from grassroots.following.models import Follow
from grassroots.places.tests.factories import WardFactory


class FollowFactory(factory.django.DjangoModelFactory):
    """A ward follow by default; pass initiative=/group=/conversation= with ward=None."""

    class Meta:
        model = Follow

    user = factory.SubFactory(UserFactory)
    ward = factory.SubFactory(WardFactory)
