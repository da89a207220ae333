"""The roles query, asked on every signed-in request, also answers which councillor the person
is, so pages that ask it (support, events, learning) do not query again."""

from __future__ import annotations

from typing import Any

import pytest

from grassroots.accounts.selectors import user_roles
from grassroots.accounts.tests.factories import UserFactory
from grassroots.core import request_cache
from grassroots.places.selectors import councillor_id_for
from grassroots.places.tests.factories import CouncillorFactory

pytestmark = pytest.mark.django_db


def test_after_the_roles_the_councillor_is_known_without_a_query(
    django_assert_num_queries: Any,
) -> None:
    linked = CouncillorFactory(user=UserFactory())
    nobody = UserFactory()
    for user, expected in ((linked.user, linked.pk), (nobody, None)):
        with request_cache.scope():
            user_roles(user)
            with django_assert_num_queries(0):
                assert councillor_id_for(user) == expected
        with request_cache.scope(), django_assert_num_queries(1):
            assert councillor_id_for(user) == expected  # asked alone: its own query


def test_a_councillor_without_a_term_is_still_known() -> None:
    # The link, not a seat today: a councillor between terms still sees what they gave.
    retired = CouncillorFactory(user=UserFactory())
    with request_cache.scope():
        assert not user_roles(retired.user).councillor
        assert councillor_id_for(retired.user) == retired.pk
