"""The reusable follow button: follow, unfollow, or sign in to follow."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.test import RequestFactory

from grassroots.accounts.tests.factories import UserFactory
from grassroots.following.services import follow_start
from grassroots.testing.worlds import Town

pytestmark = pytest.mark.django_db

TEMPLATE = Template('{% include "following/includes/follow_button.html" with target=thing %}')


def render(world: Town, user: object, name: str) -> str:
    request = RequestFactory().get("/somewhere/?page=2")
    request.user = user if user is not None else AnonymousUser()  # type: ignore[assignment]
    return TEMPLATE.render(Context({"request": request, "thing": world.target(name)}))


@pytest.mark.parametrize("name", ["ward", "initiative", "group", "conversation"])
def test_it_offers_to_follow_then_to_unfollow(world: Town, name: str) -> None:
    target = world.target(name)
    html = render(world, world.person("resident"), name)
    assert f'/{target.pk}/follow"' in html
    assert f'Follow<span class="govuk-visually-hidden"> {target}</span>' in html
    assert 'name="next" value="/somewhere/?page=2"' in html
    follow_start(user=world.person("resident"), target=target)
    html = render(world, world.person("resident"), name)
    assert f'/{target.pk}/unfollow"' in html
    assert "Unfollow" in html


def test_anonymous_people_get_a_link_to_sign_in(world: Town) -> None:
    html = render(world, None, "ward")
    assert "<form" not in html
    assert 'href="/accounts/login/?next=/somewhere/%3Fpage%3D2"' in html


def test_it_renders_nothing_for_something_that_cannot_be_followed(world: Town) -> None:
    request = RequestFactory().get("/")
    request.user = UserFactory()
    html = TEMPLATE.render(Context({"request": request, "thing": request.user}))
    assert html.strip() == ""


def test_the_feed_link_is_only_for_public_initiatives(world: Town) -> None:
    link = Template('{% include "following/includes/feed_link.html" with target=thing %}')
    public = link.render(Context({"thing": world.initiative}))
    assert f'href="/following/feeds/initiative/{world.initiative.slug}.atom"' in public
    assert 'rel="alternate"' in public
    assert link.render(Context({"thing": world.safeguarded})).strip() == ""
    ward = link.render(Context({"thing": world.ward}))
    assert f"/following/feeds/ward/{world.ward.council.slug}/{world.ward.slug}.atom" in ward
