"""Initiatives' slugs: addresses the URL patterns accept, and none that gives away a
safeguarded initiative."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from grassroots.accounts.tests.factories import UserFactory
from grassroots.initiatives.models import Initiative, Theme, Visibility
from grassroots.initiatives.services import lifecycle
from grassroots.notifications.models import Kind, Notification
from grassroots.places.models import Ward
from grassroots.places.tests.factories import WardFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ward() -> Ward:
    return WardFactory()


def _start(ward: Ward, title: str, visibility: str = Visibility.PUBLIC) -> Initiative:
    return lifecycle.initiative_create(
        creator=UserFactory(ward=ward),
        title=title,
        problem="A problem.",
        change_wanted="A change.",
        who_for="Neighbours.",
        theme=Theme.OTHER,
        wards=[ward],
        visibility=visibility,
    )


def test_an_accented_title_gives_an_ascii_slug_whose_pages_open(ward: Ward) -> None:
    initiative = _start(ward, "Alderwick repair café")
    assert initiative.slug == "alderwick-repair-cafe"
    client = Client()
    assert client.get(initiative.get_absolute_url()).status_code == 200
    assert client.get("/initiatives/").status_code == 200
    assert client.get(f"/following/feeds/initiative/{initiative.slug}.atom").status_code == 200


def test_a_safeguarded_slug_is_random_and_says_nothing_of_its_title(ward: Ward) -> None:
    first = _start(ward, "Safe space for survivors", Visibility.SAFEGUARDED)
    second = _start(ward, "Safe space for survivors", Visibility.SAFEGUARDED)
    for initiative in (first, second):
        assert re.fullmatch(r"private-[a-z2-9]{12}", initiative.slug)
    assert first.slug != second.slug


def test_a_public_initiative_titled_like_a_safeguarded_one_gets_the_plain_slug(
    ward: Ward,
) -> None:
    hidden = _start(ward, "Safe space for survivors", Visibility.SAFEGUARDED)
    public = _start(ward, "Safe space for survivors")
    assert public.slug == "safe-space-for-survivors"
    # An outsider finds nothing at either address that tells them the other exists.
    outsider = Client()
    outsider.force_login(UserFactory())
    assert outsider.get(hidden.get_absolute_url()).status_code == 404
    assert outsider.get("/initiatives/safe-space-for-survivors-2/").status_code == 404


def test_public_slugs_are_still_numbered_against_each_other(ward: Ward) -> None:
    assert _start(ward, "Street party").slug == "street-party"
    assert _start(ward, "Street party").slug == "street-party-2"


def test_safeguarding_a_public_initiative_frees_its_public_address(ward: Ward) -> None:
    initiative = _start(ward, "Peer support")
    member = UserFactory()
    told = Notification.objects.create(
        recipient=member, kind=Kind.INVITATION, text="t", url="/initiatives/peer-support/#x"
    )
    lifecycle.initiative_update(
        initiative=initiative,
        actor=initiative.created_by,
        version=initiative.version,
        wards=[ward],
        visibility=Visibility.SAFEGUARDED,
    )
    assert re.fullmatch(r"private-[a-z2-9]{12}", initiative.slug)
    # Links already given to people follow it; the old address is a 404 like any missing one.
    told.refresh_from_db()
    assert told.url == f"/initiatives/{initiative.slug}/#x"
    assert Client().get("/initiatives/peer-support/").status_code == 404
    # A new public initiative with that title takes the plain address: no "-2" gives it away.
    assert _start(ward, "Peer support").slug == "peer-support"


def test_making_a_safeguarded_initiative_public_keeps_its_address(ward: Ward) -> None:
    initiative = _start(ward, "Peer support", Visibility.SAFEGUARDED)
    slug = initiative.slug
    lifecycle.initiative_update(
        initiative=initiative,
        actor=initiative.created_by,
        version=initiative.version,
        wards=[ward],
        visibility=Visibility.PUBLIC,
    )
    assert initiative.slug == slug
    assert Client().get(f"/initiatives/{slug}/").status_code == 200


def test_an_edit_that_keeps_it_safeguarded_keeps_its_address(ward: Ward) -> None:
    initiative = _start(ward, "Peer support", Visibility.SAFEGUARDED)
    slug = initiative.slug
    lifecycle.initiative_update(
        initiative=initiative,
        actor=initiative.created_by,
        version=initiative.version,
        wards=[ward],
        title="Peer support group",
        visibility=Visibility.SAFEGUARDED,
    )
    assert initiative.slug == slug
