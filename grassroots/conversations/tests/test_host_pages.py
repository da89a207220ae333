"""The host pages (ward, initiative) list their conversations and offer to start one."""

from __future__ import annotations

from typing import Any

import pytest

from grassroots.testing.worlds import Town

from .conftest import login
from .factories import ConversationFactory

pytestmark = pytest.mark.django_db


def test_the_ward_page_lists_its_conversations(client: Any, world: Town) -> None:
    page = client.get(world.ward.get_absolute_url()).content.decode()
    assert "What next for the ward?" in page
    assert "Start a conversation" not in page
    login(client, world.user("resident"))
    page = client.get(world.ward.get_absolute_url()).content.decode()
    assert "Start a conversation" in page
    client.logout()
    login(client, world.user("outsider"))
    assert "Start a conversation" not in client.get(world.ward.get_absolute_url()).content.decode()


def test_the_ward_page_links_to_all_when_there_are_many(client: Any, world: Town) -> None:
    for _ in range(6):
        ConversationFactory(ward=world.ward)
    page = client.get(world.ward.get_absolute_url()).content.decode()
    assert "See all 7 conversations" in page


def test_the_initiative_page_lists_its_conversations(client: Any, world: Town) -> None:
    page = client.get(world.initiative.get_absolute_url()).content.decode()
    assert "What next for the initiative?" in page
    login(client, world.user("host"))
    page = client.get(world.initiative.get_absolute_url()).content.decode()
    assert "Start a conversation" in page
