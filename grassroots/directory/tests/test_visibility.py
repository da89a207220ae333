"""Who may see directory listings: approved ones, to everybody; nothing else, to anybody."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from grassroots.directory import visibility
from grassroots.directory.models import ListingStatus, Location, Service
from grassroots.directory.tests.factories import OrganizationFactory, full_service

pytestmark = pytest.mark.django_db


def test_the_forms_of_the_rule_agree(django_user_model: Any) -> None:
    resident = django_user_model.objects.create_user("r@example.com", "x")
    inactive = django_user_model.objects.create_user("i@example.com", "x", is_active=False)
    public = full_service()
    hidden = [
        full_service(listing_status=ListingStatus.SUGGESTED),
        full_service(listing_status=ListingStatus.DRAFT),
        full_service(organization=OrganizationFactory(listing_status=ListingStatus.ARCHIVED)),
    ]
    for viewer in (None, AnonymousUser(), resident):
        assert list(visibility.visible_services(viewer)) == [public]
        assert list(visibility.visible_locations(viewer)) == [
            public.service_at_locations.get().location
        ]
        assert visibility.can_view(viewer, public)
        assert visibility.can_view(viewer, public.service_at_locations.get().location)
        for service in hidden:
            assert not visibility.can_view(viewer, service)
            assert not visibility.can_view(viewer, service.service_at_locations.get().location)
    ids = [resident.pk, inactive.pk]
    assert visibility.viewers(public, ids) == {resident.pk}
    assert all(visibility.viewers(service, ids) == set() for service in hidden)
    assert Service.objects.count() == 4
    assert Location.objects.count() == 4
