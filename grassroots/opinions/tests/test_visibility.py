"""A hidden map is seen by its host side and the moderators only; the three forms agree."""

from __future__ import annotations

import pytest
from django.utils import timezone

from grassroots.opinions.models import OpinionMap
from grassroots.opinions.tests.factories import Place, start_map
from grassroots.opinions.visibility import can_view, viewers, visible_maps

pytestmark = pytest.mark.django_db

PEOPLE = [
    "organiser",
    "resident",
    "outsider",
    "councillor",
    "other_councillor",
    "officer",
    "other_officer",
    "moderator",
    "site_admin",
]


@pytest.mark.parametrize(
    ("on_ward", "hosts"),
    [
        (False, {"organiser", "moderator", "site_admin"}),
        (True, {"councillor", "officer", "moderator", "site_admin"}),
    ],
)
def test_hidden_maps(place: Place, on_ward: bool, hosts: set[str]) -> None:
    opinion_map = start_map(place, on_ward=on_ward)
    everybody = {name: getattr(place, name) for name in PEOPLE}
    ids = [user.pk for user in everybody.values()]
    assert viewers(opinion_map, ids) == set(ids)
    OpinionMap.objects.filter(pk=opinion_map.pk).update(hidden_at=timezone.now())
    opinion_map.refresh_from_db()
    assert not can_view(None, opinion_map)
    assert not visible_maps(None).exists()
    seen = viewers(opinion_map, ids)
    for name, user in everybody.items():
        expected = name in hosts
        assert can_view(user, opinion_map) is expected, name
        assert visible_maps(user).filter(pk=opinion_map.pk).exists() is expected, name
        assert (user.pk in seen) is expected, name
