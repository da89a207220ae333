"""Paging the list without counting every initiative: capped counts, complete and deterministic
pages, searches too big to rank, and safeguarded initiatives never counted (SQLite and
PostgreSQL alike)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client
from django.utils import timezone

from grassroots.accounts.types import Viewer
from grassroots.initiatives import browse, search
from grassroots.initiatives.browse import ListFilters, initiative_page
from grassroots.initiatives.models import Initiative, Visibility
from grassroots.initiatives.tests.factories import (
    BackingFactory,
    InitiativeFactory,
    MembershipFactory,
    NeedFactory,
)
from grassroots.places.tests.factories import WardFactory

pytestmark = pytest.mark.django_db

URL = "/initiatives/"


def make(count: int, *, title: str = "Canal garden", **kwargs: Any) -> list[Initiative]:
    """`count` initiatives sharing one ward; created in pairs at the same moment (ties)."""
    ward = WardFactory()
    made: list[Initiative] = [
        InitiativeFactory(title=f"{title} {n}", wards=[ward], **kwargs) for n in range(count)
    ]
    start = timezone.now() - timedelta(days=30)
    for n, initiative in enumerate(made):
        Initiative.objects.filter(pk=initiative.pk).update(
            created_at=start + timedelta(hours=n // 2)
        )
    return made


def newest_first(initiatives: list[Initiative]) -> list[int]:
    rows = Initiative.objects.filter(pk__in=[i.pk for i in initiatives])
    return [i.pk for i in rows.order_by("-created_at", "-pk")]


def every_page(user: Viewer, filters: ListFilters, **kwargs: Any) -> list[int]:
    """Follow "Next" from page 1 to the end, as a reader would; the ids in the order seen."""
    seen: list[int] = []
    number = 1
    for _ in range(100):
        page = initiative_page(user, filters, number, **kwargs)
        assert page.number == number
        seen += [i.pk for i in page]
        if not page.has_next():
            return seen
        number = page.next_page_number()
    raise AssertionError("paging never ended")


def test_every_initiative_is_reached_once_in_a_fixed_order_past_the_count_limit() -> None:
    made = make(13)
    seen = every_page(AnonymousUser(), ListFilters(), per_page=3, count_limit=5)
    assert seen == newest_first(made)  # ties on created_at broken by id, nothing twice
    assert seen == every_page(AnonymousUser(), ListFilters(), per_page=3, count_limit=5)


def test_a_count_past_the_limit_says_more_than(client: Client, monkeypatch: Any) -> None:
    monkeypatch.setattr(browse, "COUNT_LIMIT", 5)
    make(7)
    response = client.get(URL)
    html = response.content.decode()
    assert "More than 5 initiatives" in html
    page = response.context["page"]
    assert page.paginator.capped
    assert page.paginator.count == 6  # counted no further than the limit and one
    assert len(page) == 7  # 20 a page: all of them


def test_a_count_within_the_limit_is_exact(client: Client, monkeypatch: Any) -> None:
    monkeypatch.setattr(browse, "COUNT_LIMIT", 5)
    make(5)
    html = client.get(URL).content.decode()
    assert "5 initiatives" in html
    assert "More than" not in html


def test_safeguarded_initiatives_are_never_counted_or_listed_for_outsiders(
    client: Client, monkeypatch: Any
) -> None:
    monkeypatch.setattr(browse, "COUNT_LIMIT", 3)
    make(3, title="Open")
    hidden = make(4, title="Refuge", visibility=Visibility.SAFEGUARDED)
    response = client.get(URL)
    html = response.content.decode()
    assert "3 initiatives" in html  # not "More than 3": the 4 safeguarded are not counted
    assert "Refuge" not in html
    assert not response.context["page"].has_next()
    # Paged past the end, the real count is still only the public ones.
    deep = client.get(URL, {"page": 50})
    assert deep.context["page"].number == 1
    assert "Refuge" not in deep.content.decode()
    # A member of one safeguarded initiative sees it and has it counted; not the others.
    member = MembershipFactory(initiative=hidden[0]).user
    client.force_login(member)
    response = client.get(URL)
    assert "More than 3 initiatives" in response.content.decode()
    titles = {i.title for i in response.context["initiatives"]}
    assert titles == {"Open 0", "Open 1", "Open 2", "Refuge 0"}


def test_pages_of_a_capped_list_link_on_without_a_last_page(
    client: Client, monkeypatch: Any
) -> None:
    monkeypatch.setattr(browse, "COUNT_LIMIT", 3)
    monkeypatch.setattr("grassroots.initiatives.views_browse.PAGE_SIZE", 2)
    made = make(9)
    order = newest_first(made)
    response = client.get(URL, {"page": 3})
    page = response.context["page"]
    assert [i.pk for i in page] == order[4:6]
    # Only the next page is known to exist: the range stops there, the total unknown.
    assert list(page.paginator.get_elided_page_range()) == [1, 2, 3, 4, "…"]
    html = response.content.decode()
    assert 'href="?page=4" rel="next"' in html
    assert 'href="?page=2" rel="prev"' in html
    assert 'aria-current="page">3<' in html
    last = client.get(URL, {"page": 5}).context["page"]
    assert [i.pk for i in last] == order[8:]
    assert not last.has_next()
    # Past the end, or nonsense: the last page, or the first, as before.
    assert client.get(URL, {"page": 99}).context["page"].number == 5
    assert client.get(URL, {"page": "99999999999999999999999"}).context["page"].number == 5
    assert client.get(URL, {"page": "abc"}).context["page"].number == 1
    assert client.get(URL, {"page": "-2"}).context["page"].number == 1


def test_a_search_too_big_to_rank_is_newest_first_and_complete(monkeypatch: Any) -> None:
    monkeypatch.setattr(search, "RANK_LIMIT", 4)
    made = make(11, title="Canal garden")
    make(3, title="Park benches")
    filters = ListFilters(text="garden canal")
    page = initiative_page(AnonymousUser(), filters, per_page=3, count_limit=5)
    assert not page.ranked
    assert page.too_many_to_rank == (connection.vendor == "postgresql")
    assert every_page(AnonymousUser(), filters, per_page=3, count_limit=5) == newest_first(made)
    # Walking the initiatives newest first (PostgreSQL) finds the same pages.
    monkeypatch.setattr(search, "WALK_MATCHES", 0)  # walk whenever the offset allows
    assert every_page(AnonymousUser(), filters, per_page=3, count_limit=5) == newest_first(made)


def test_a_search_with_few_matches_is_ranked_on_postgresql(client: Client) -> None:
    make(3, title="Canal garden")
    InitiativeFactory(title="Towpath", problem="A garden by the canal.")
    response = client.get(URL, {"q": "canal garden"})
    page = response.context["page"]
    assert page.ranked == (connection.vendor == "postgresql")
    assert len(page) == 4
    if page.ranked:
        assert "Best matches first." in response.content.decode()
        assert page[3].title == "Towpath"  # title matches rank above the description's


def test_the_wording_says_why_a_big_search_is_newest_first(
    client: Client, monkeypatch: Any
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite never ranks")
    monkeypatch.setattr(search, "RANK_LIMIT", 2)
    make(3)
    html = client.get(URL, {"q": "garden"}).content.decode()
    assert "Newest first: more than 2 initiatives match" in html


def _busy(count: int) -> None:
    wards = WardFactory.create_batch(3)
    for n in range(count):
        initiative = InitiativeFactory(
            title=f"Canal garden {n}",
            wards=wards[: 1 + n % 3],
            visibility=Visibility.SAFEGUARDED if n % 5 == 0 else Visibility.PUBLIC,
        )
        BackingFactory.create_batch(2, initiative=initiative)
        NeedFactory(initiative=initiative)


@pytest.mark.parametrize(
    "params",
    [{"page": 2}, {"q": "canal garden"}, {"q": "canal garden", "page": 2}, {"page": 40}],
)
def test_deep_pages_and_searches_run_a_bounded_number_of_queries(
    client: Client, django_assert_max_num_queries: Any, monkeypatch: Any, params: dict[str, Any]
) -> None:
    monkeypatch.setattr(browse, "COUNT_LIMIT", 10)
    monkeypatch.setattr(search, "RANK_LIMIT", 10)
    monkeypatch.setattr(search, "WALK_OFFSET", 30)
    _busy(45)
    # count, page ids, rows (counts annotated), wards, ward filter choices; a page past the
    # end of a capped list adds an exact count and the last page's ids; a big unranked search
    # on PostgreSQL asks the planner how many match (EXPLAIN) to choose how to find its page.
    budget = 7 if params.get("page") == 40 else 6 if "q" in params else 5
    with django_assert_max_num_queries(budget):
        response = client.get(URL, params)
    assert len(response.context["initiatives"]) >= 1
