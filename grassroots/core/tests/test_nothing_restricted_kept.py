"""Signed-in pages share their blocks through the cache (`pagecache.shared`, decision 18), but
nothing restricted is ever put there: after an insider has read every page that shows a
safeguarded initiative and a safeguarded conversation, no value in the cache holds a word of
either, and what insiders see is drawn for each of their requests."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from grassroots.accounts.models import User
from grassroots.accounts.tests.factories import UserFactory
from grassroots.conversations.tests.factories import ConversationFactory
from grassroots.core.request_cache import scope
from grassroots.initiatives import visibility
from grassroots.initiatives.models import Visibility
from grassroots.initiatives.tests.factories import InitiativeFactory, MembershipFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("page_cache_on")]

SECRETS = ("Refuge garden", "Who holds the keys?")


def kept_bytes() -> list[bytes]:
    """Every value the test cache holds, as stored (pickled)."""
    backend = caches["default"]
    assert isinstance(backend, LocMemCache), "the tests' cache is this process's memory"
    stored: dict[str, bytes] = getattr(backend, "_cache")  # noqa: B009 - as stored (pickled)
    return list(stored.values())


def read_everything(user: User | None, paths: list[str]) -> list[str]:
    client = Client()
    if user is not None:
        client.force_login(user)
    pages = []
    for path in paths:
        response = client.get(path)
        assert response.status_code in (200, 404)
        pages.append(response.content.decode())
    return pages


def test_an_insider_s_pages_leave_nothing_safeguarded_in_the_cache() -> None:
    refuge = InitiativeFactory(title="Refuge garden", visibility=Visibility.SAFEGUARDED)
    ward = refuge.wards.get()
    public = InitiativeFactory(title="Canal clean-up")
    public.wards.set([ward])
    ConversationFactory(
        ward=None, initiative=public, question="Who holds the keys?", is_safeguarded=True
    )
    member = MembershipFactory(initiative=refuge).user
    MembershipFactory(initiative=public, user=member)
    paths = [
        refuge.get_absolute_url(),
        public.get_absolute_url(),
        ward.get_absolute_url(),
        reverse("initiatives:list"),
        reverse("initiatives:list") + "?q=garden",
        reverse("home"),
    ]
    for _round in range(2):
        pages = read_everything(member, paths)
    assert all(secret in "".join(pages) for secret in SECRETS)  # the insider saw both
    read_everything(UserFactory(), paths)  # an outsider's blocks are kept, and hold neither
    read_everything(None, paths)
    kept = kept_bytes()
    assert kept, "the pages kept their shared blocks"
    for value in kept:
        for secret in SECRETS:
            assert secret.encode() not in value


def test_an_insider_s_answer_is_drawn_each_request_an_outsider_s_is_kept() -> None:
    refuge = InitiativeFactory(visibility=Visibility.SAFEGUARDED)
    member = MembershipFactory(initiative=refuge).user
    outsider = UserFactory()
    for viewer, expected in ((member, (refuge.pk,)), (outsider, ())):
        with scope():
            assert visibility.restricted_visible_ids(viewer) == expected
        with scope(), CaptureQueriesContext(connection) as again:
            assert visibility.restricted_visible_ids(viewer) == expected
        # The roles are asked each request; the answer itself only when it is not kept.
        answer_queries = [q for q in again.captured_queries if "initiatives_initiative" in q["sql"]]
        assert len(answer_queries) == (1 if viewer == member else 0)
