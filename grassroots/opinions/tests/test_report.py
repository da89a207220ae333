"""The report page: consensus first, groups, the picture and its table, bounded queries, 404s."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from grassroots.opinions.computing import compute_map
from grassroots.opinions.models import OpinionMap, Statement, StatementStatus
from grassroots.opinions.synthetic import planted_votes
from grassroots.opinions.tests.factories import Place
from grassroots.opinions.tests.test_computing import _stored_map

pytestmark = pytest.mark.django_db


def _computed(place: Place, n: int) -> OpinionMap:
    opinion_map, _people, _statements = _stored_map(
        planted_votes(n, 20, n_groups=3, density=0.5, seed=3)
    )
    OpinionMap.objects.filter(pk=opinion_map.pk).update(ward=place.ward_a)
    computed = compute_map(opinion_map.pk)
    assert computed is not None
    return computed


def _url(opinion_map: OpinionMap) -> str:
    return reverse("opinions:report", kwargs={"pk": opinion_map.pk})


def test_report_shows_consensus_first_then_groups_picture_and_numbers(
    client: Client, place: Place
) -> None:
    opinion_map = _computed(place, 60)
    assert opinion_map.result is not None
    body = client.get(_url(opinion_map)).content.decode()
    assert "Last worked out on" in body
    assert (
        body.index("What most people agree on") < body.index("The groups") < body.index("The map")
    )
    assert 'role="img"' in body
    assert "Group A" in body
    assert "The groups in numbers" in body
    assert "waiting for moderation" not in body  # hosts only
    assert "download>" in body


def test_hosts_see_how_many_statements_wait(client: Client, place: Place) -> None:
    opinion_map = _computed(place, 30)
    Statement.objects.create(map=opinion_map, text="Later", status=StatementStatus.PENDING)
    client.force_login(place.councillor)
    body = client.get(_url(opinion_map)).content.decode()
    assert "Statements waiting for moderation" in body


def test_a_map_never_computed_explains_why(client: Client, place: Place) -> None:
    opinion_map = OpinionMap.objects.create(group=place.group, question="Anything?")
    body = client.get(_url(opinion_map)).content.decode()
    assert "has not been worked out yet" in body
    assert "<svg" not in body


def test_a_computation_under_way_shows_progress_and_a_refresh_link(
    client: Client, place: Place
) -> None:
    opinion_map = _computed(place, 30)
    OpinionMap.objects.filter(pk=opinion_map.pk).update(computing_since=timezone.now(), progress=40)
    body = client.get(_url(opinion_map)).content.decode()
    assert "40% done" in body
    assert 'aria-live="polite"' in body
    assert "Refresh this page" in body
    assert "http-equiv" not in body
    data = client.get(reverse("opinions:progress", kwargs={"pk": opinion_map.pk})).json()
    assert data == {"computing": True, "progress": 40}


@pytest.mark.parametrize("name", ["opinions:report", "opinions:progress", "opinions:export"])
def test_a_hidden_map_is_a_404_to_others_but_not_its_hosts(
    client: Client, place: Place, name: str
) -> None:
    opinion_map = _computed(place, 30)
    OpinionMap.objects.filter(pk=opinion_map.pk).update(hidden_at=timezone.now())
    url = reverse(name, kwargs={"pk": opinion_map.pk})
    assert client.get(url).status_code == 404
    client.force_login(place.outsider)
    assert client.get(url).status_code == 404
    client.force_login(place.councillor)
    assert client.get(url).status_code == 200
    assert client.get(reverse(name, kwargs={"pk": 999999})).status_code == 404


@pytest.mark.parametrize("n", [30, 150])
def test_report_queries_do_not_grow_with_the_map(
    client: Client, place: Place, n: int, django_assert_max_num_queries: object
) -> None:
    opinion_map = _computed(place, n)
    client.force_login(place.councillor)
    client.get(_url(opinion_map))  # warm the session and caches
    with django_assert_max_num_queries(REPORT_QUERIES):  # type: ignore[operator]
        assert client.get(_url(opinion_map)).status_code == 200


REPORT_QUERIES = 13  # +2: the restricted initiative and conversation ids
