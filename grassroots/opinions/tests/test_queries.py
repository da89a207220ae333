"""The voting page and the list cost the same number of queries however many statements,
votes and participants there are."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from grassroots.opinions.models import OpinionMap, Participant, Statement, StatementStatus, Vote
from grassroots.opinions.tests.factories import Place, start_map
from grassroots.testing.people import make_resident

pytestmark = pytest.mark.django_db

VOTING_PAGE_QUERIES = 12  # +2: the restricted initiative and conversation ids
LIST_QUERIES = 3


def _grow(place: Place, opinion_map: OpinionMap, n_statements: int, n_people: int) -> None:
    Statement.objects.bulk_create(
        Statement(map=opinion_map, text=f"Extra {n}", status=StatementStatus.PUBLISHED)
        for n in range(n_statements)
    )
    Statement.objects.bulk_create(
        Statement(map=opinion_map, text=f"Waiting {n}") for n in range(n_statements // 3)
    )
    published = list(Statement.objects.filter(map=opinion_map, status=StatementStatus.PUBLISHED))
    people = [make_resident(ward=place.ward_a) for _ in range(n_people)] + [place.resident]
    for person in people:
        participant = Participant.objects.create(map=opinion_map, user=person)
        Vote.objects.bulk_create(
            Vote(participant=participant, statement=s, map=opinion_map, choice=1)
            for s in published[: len(published) // 2]
        )


@pytest.mark.parametrize(("n_statements", "n_people"), [(2, 1), (60, 12)])
def test_voting_page_queries_do_not_grow(
    place: Place,
    django_assert_max_num_queries: Callable[..., Any],
    n_statements: int,
    n_people: int,
) -> None:
    opinion_map = start_map(place)
    _grow(place, opinion_map, n_statements, n_people)
    client = Client()
    client.force_login(place.resident)
    url = opinion_map.get_absolute_url()
    with django_assert_max_num_queries(VOTING_PAGE_QUERIES):
        page = client.get(url)
    assert page.status_code == 200
    assert page.context["ballot"].statement is not None
    host = Client()
    host.force_login(place.organiser)
    with django_assert_max_num_queries(VOTING_PAGE_QUERIES):
        assert host.get(url).status_code == 200
    with django_assert_max_num_queries(VOTING_PAGE_QUERIES):
        assert Client().get(url).status_code == 200


@pytest.mark.parametrize("n_maps", [1, 12])
def test_list_queries_do_not_grow(
    place: Place, django_assert_max_num_queries: Callable[..., Any], n_maps: int
) -> None:
    for _n in range(n_maps):
        _grow(place, start_map(place, on_ward=_n % 2 == 0), 3, 1)
    with django_assert_max_num_queries(LIST_QUERIES):
        page = Client().get(reverse("opinions:list"))
    assert len(page.context["maps"]) == n_maps
