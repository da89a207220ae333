"""The slug migrations: rows made before them get slugs the URL patterns accept."""

from __future__ import annotations

from typing import Any

import pytest

from grassroots.core.slugs import is_slug
from grassroots.core.tests.migrations import migrate, migrate_to_latest

# It migrates the test database back and forward: make test runs it once, on PostgreSQL
# (docs/decisions/0019-slow-tests-once.md).
pytestmark = pytest.mark.data_migration

BEFORE = [
    ("places", "0001_initial"),
    ("groups", "0003_group_archived_at"),
    ("initiatives", "0006_initiative_newest_index_covers_hidden"),
    ("notifications", "0006_preference_remove_email"),
]
LATEST = [
    ("places", "0003_places_slug_is_url_slug"),
    ("groups", "0005_group_slug_is_url_slug"),
    ("initiatives", "0008_initiative_slug_is_url_slug"),
]


def _initiative(apps: Any, *, slug: str, visibility: str, by: Any) -> Any:
    return apps.get_model("initiatives", "Initiative").objects.create(
        title=slug,
        slug=slug,
        problem="p",
        change_wanted="c",
        who_for="w",
        theme="other",
        visibility=visibility,
        created_by=by,
    )


@pytest.mark.django_db(transaction=True)
def test_old_slugs_are_spelt_in_ascii_and_safeguarded_ones_made_random() -> None:
    try:
        apps = migrate(BEFORE)
        Council = apps.get_model("places", "Council")
        Ward = apps.get_model("places", "Ward")
        Councillor = apps.get_model("places", "Councillor")
        Group = apps.get_model("groups", "Group")
        Notification = apps.get_model("notifications", "Notification")
        person = apps.get_model("accounts", "User").objects.create(email="old@example.org")
        council = Council.objects.create(gss_code="E06999990", name="Ynys Môn", slug="ynys-môn")
        Council.objects.create(gss_code="E06999991", name="Ynys Mon", slug="ynys-mon")
        ward = Ward.objects.create(gss_code="E05999990", name="Llŷn", slug="llŷn", council=council)
        Councillor.objects.create(name="Łucja Nowak", slug="łucja-nowak")
        Group.objects.create(council=council, name="Café", slug="café", description="d")
        cafe = _initiative(apps, slug="repair-café", visibility="public", by=person)
        fine = _initiative(apps, slug="orchard", visibility="public", by=person)
        hidden = _initiative(apps, slug="safe-space", visibility="safeguarded", by=person)
        tidy = _initiative(apps, slug="private-abcdefghjkmn", visibility="safeguarded", by=person)
        told = Notification.objects.create(
            recipient=person, kind="invitation", text="t", url="/initiatives/safe-space/#invitation"
        )
        other = Notification.objects.create(
            recipient=person, kind="invitation", text="t", url="/initiatives/orchard/"
        )

        apps = migrate(LATEST)
        Council = apps.get_model("places", "Council")
        Initiative = apps.get_model("initiatives", "Initiative")
        Notification = apps.get_model("notifications", "Notification")
        # Spelt in ASCII, numbered where that is taken already.
        assert Council.objects.get(gss_code="E06999990").slug == "ynys-mon-2"
        assert Council.objects.get(gss_code="E06999991").slug == "ynys-mon"
        assert apps.get_model("places", "Ward").objects.get(pk=ward.pk).slug == "llyn"
        assert apps.get_model("places", "Councillor").objects.get().slug == "lucja-nowak"
        assert apps.get_model("groups", "Group").objects.get().slug == "cafe"
        assert Initiative.objects.get(pk=cafe.pk).slug == "repair-cafe"
        assert Initiative.objects.get(pk=fine.pk).slug == "orchard"
        # A safeguarded initiative's title-made slug becomes random; its links follow it.
        new = Initiative.objects.get(pk=hidden.pk).slug
        assert new.startswith("private-")
        assert "safe" not in new
        assert Notification.objects.get(pk=told.pk).url == f"/initiatives/{new}/#invitation"
        assert Notification.objects.get(pk=other.pk).url == "/initiatives/orchard/"
        assert Initiative.objects.get(pk=tidy.pk).slug == "private-abcdefghjkmn"
        assert all(is_slug(s) for s in Initiative.objects.values_list("slug", flat=True))
    finally:
        migrate_to_latest()
