"""A safeguarded conversation is invisible outside its community: every page, list and count."""

from __future__ import annotations

from typing import Any

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from grassroots.accounts.types import Viewer
from grassroots.conversations import services
from grassroots.conversations.models import Conversation
from grassroots.initiatives.models import Initiative, Visibility
from grassroots.testing.worlds import Town

from .conftest import login

pytestmark = pytest.mark.django_db


def pages(conversation: Conversation, post_pk: int) -> list[tuple[str, str]]:
    pk = conversation.pk
    return [
        ("get", reverse("conversations:detail", kwargs={"pk": pk})),
        ("get", reverse("conversations:thread", kwargs={"pk": pk, "post_pk": post_pk})),
        ("get", reverse("conversations:post", kwargs={"pk": pk, "post_pk": post_pk})),
        ("get", reverse("conversations:reply", kwargs={"pk": pk})),
        ("post", reverse("conversations:reply", kwargs={"pk": pk})),
        ("get", reverse("conversations:edit", kwargs={"pk": pk, "post_pk": post_pk})),
        ("get", reverse("conversations:remove", kwargs={"pk": pk, "post_pk": post_pk})),
        ("post", reverse("conversations:agree", kwargs={"pk": pk, "post_pk": post_pk})),
        ("get", reverse("conversations:summary", kwargs={"pk": pk})),
        ("get", reverse("actions:conversation_action_new", kwargs={"pk": pk})),
        ("get", reverse("conversations:close", kwargs={"pk": pk})),
    ]


def safeguard_group(world: Town) -> Conversation:
    """The group's conversation made safeguarded, with the group's member let in by the host
    (joining the group alone does not open it)."""
    Conversation.objects.filter(pk=world.conversations["group"].pk).update(
        is_safeguarded=True, question="Private support circle"
    )
    conversation = world.conversation("group")
    services.conversation_access_grant(
        actor=world.person("host"), conversation=conversation, user=world.person("member")
    )
    return conversation


@pytest.mark.parametrize(
    "role",
    ["outsider", "resident", "author", "ward councillor", "officer", "moderator", "site admin"],
)
def test_outsiders_get_the_same_404_as_for_nothing(client: Any, world: Town, role: str) -> None:
    conversation = safeguard_group(world)
    post = world.post("group")
    login(client, world.user(role))
    for method, url in pages(conversation, post.pk):
        response = getattr(client, method)(url, {"body": "x"} if method == "post" else None)
        assert response.status_code == 404, (role, url)
    missing = reverse("conversations:detail", kwargs={"pk": 999999})
    assert client.get(missing).status_code == 404


def test_anonymous_gets_a_404_for_the_page(client: Any, world: Town) -> None:
    conversation = safeguard_group(world)
    assert client.get(conversation.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("role", ["member", "host"])
def test_members_see_it(client: Any, world: Town, role: str) -> None:
    conversation = safeguard_group(world)
    login(client, world.user(role))
    page = client.get(conversation.get_absolute_url()).content.decode()
    assert "Private support circle" in page
    assert "Safeguarded" in page


def test_lists_and_counts_leave_it_out(client: Any, world: Town) -> None:
    safeguard_group(world)
    login(client, world.person("outsider"))
    page = client.get(reverse("conversations:list")).content.decode()
    assert "Private support circle" not in page
    assert "2 conversations" in page
    page = client.get(reverse("conversations:list"), {"group": world.group.slug}).content.decode()
    assert "Private support circle" not in page
    assert "0 conversations" in page
    client.logout()
    login(client, world.person("member"))
    page = client.get(reverse("conversations:list")).content.decode()
    assert "Private support circle" in page
    assert "3 conversations" in page


def render_include(user: Viewer, host: object) -> str:
    request = RequestFactory().get("/")
    request.user = user
    template = Template('{% include "conversations/includes/for_host.html" with host=host %}')
    return template.render(Context({"request": request, "host": host, "user": user}))


def test_the_host_include_leaves_it_out(world: Town) -> None:
    safeguard_group(world)
    assert "Private support circle" not in render_include(world.person("outsider"), world.group)
    assert "No conversations yet." in render_include(world.person("outsider"), world.group)
    assert "Private support circle" in render_include(world.person("member"), world.group)


def test_a_safeguarded_initiative_hides_its_conversations(client: Any, world: Town) -> None:
    Initiative.objects.filter(pk=world.initiative.pk).update(visibility=Visibility.SAFEGUARDED)
    conversation = world.conversation("initiative")
    login(client, world.person("outsider"))
    assert client.get(conversation.get_absolute_url()).status_code == 404
    page = client.get(
        reverse("conversations:list"), {"initiative": world.initiative.slug}
    ).content.decode()
    assert "Riverside garden" not in page
    assert "What next for the initiative?" not in page
    client.logout()
    login(client, world.person("member"))
    assert client.get(conversation.get_absolute_url()).status_code == 200
