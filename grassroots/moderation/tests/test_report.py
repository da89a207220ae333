"""Reporting a reply, a conversation, an initiative or an event."""

from __future__ import annotations

from typing import Any

import pytest
from django.template import Context, Template
from django.test import Client

from grassroots.moderation.models import Report, SafeguardingConcern
from grassroots.moderation.tests.factories import error_summary, items, login, make_post
from grassroots.testing.worlds import Town


def url(kind: str, pk: int) -> str:
    return f"/moderation/report/{kind}/{pk}/"


@pytest.mark.parametrize("kind", ["reply", "conversation", "initiative", "event"])
def test_a_resident_reports_each_kind_of_thing(client: Client, town: Town, kind: str) -> None:
    item = items(town)[kind]
    login(client, town, "resident")
    page = client.get(url(kind, item.pk))
    assert page.status_code == 200
    assert "If someone is in immediate danger, call 999." in page.content.decode()
    response = client.post(url(kind, item.pk), {"reason": "spam", "details": "Selling phones"})
    assert response.status_code == 302
    assert response["Location"] == "/moderation/report/sent/"
    report = Report.objects.get()
    assert report.target == item
    assert report.reporter == town.person("resident")
    assert report.details == "Selling phones"
    assert not SafeguardingConcern.objects.exists()


def test_anonymous_people_are_asked_to_sign_in(client: Client, town: Town) -> None:
    response = client.post(url("reply", town.post().pk), {"reason": "spam"})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not Report.objects.exists()


def _not_visible(town: Town) -> list[tuple[str, int]]:
    hidden = make_post(town.conversation(), town.person("author"), "Hidden words")
    hidden.hidden_at = hidden.created_at
    hidden.save(update_fields=["hidden_at"])
    held = make_post(town.conversation(), town.person("author"), "Held", held_for_review=True)
    return [
        ("initiative", town.safeguarded.pk),  # the stranger is not a member
        ("conversation", town.conversation("private").pk),
        ("reply", town.post("private", "organiser").pk),
        ("reply", hidden.pk),
        ("reply", held.pk),
        ("reply", 999999),
        ("initiative", 999999),
        ("nonsense", town.post().pk),
    ]


def test_people_can_only_report_what_they_can_see(client: Client, town: Town) -> None:
    stranger = town.person("author")  # not a member of the safeguarded initiative or the group
    client.force_login(stranger)
    for kind, pk in _not_visible(town):
        assert client.get(url(kind, pk)).status_code == 404, (kind, pk)
        assert client.post(url(kind, pk), {"reason": "spam"}).status_code == 404
    assert not Report.objects.exists()
    assert not SafeguardingConcern.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Select why you are reporting this"),
        ({"reason": "boredom"}, "Select why you are reporting this"),
        ({"reason": "spam", "details": "x" * 2001}, "Details must be 2000 characters or fewer"),
        ({"reason": "spam", "details": "bad\x00byte"}, "Remove the control characters"),
        ({"reason": "spam", "details": "bad\x07bell"}, "Remove the control characters"),
    ],
)
def test_bad_input_gets_a_clear_message_and_saves_nothing(
    client: Client, town: Town, data: dict[str, Any], message: str
) -> None:
    login(client, town, "resident")
    response = client.post(url("reply", town.post().pk), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert message in error_summary(body)
    assert "<title>Error:" in body
    assert not Report.objects.exists()


def test_one_open_report_per_person_per_item(client: Client, town: Town) -> None:
    login(client, town, "resident")
    client.post(url("reply", town.post().pk), {"reason": "spam"})
    again = client.post(url("reply", town.post().pk), {"reason": "abuse"})
    assert again.status_code == 200
    assert "You have already reported this" in error_summary(again.content.decode())
    assert Report.objects.count() == 1
    # Somebody else may still report it.
    client.force_login(town.person("ward councillor"))
    client.post(url("reply", town.post().pk), {"reason": "abuse"})
    assert Report.objects.count() == 2


def test_html_in_details_is_shown_as_text_to_moderators(client: Client, town: Town) -> None:
    login(client, town, "resident")
    client.post(url("reply", town.post().pk), {"reason": "spam", "details": "<script>x()</script>"})
    login(client, town, "moderator")
    body = client.get(f"/moderation/item/reply/{town.post().pk}/").content.decode()
    assert "<script>x()</script>" not in body
    assert "&lt;script&gt;x()&lt;/script&gt;" in body


def test_a_reporter_sees_what_they_reported(client: Client, town: Town) -> None:
    login(client, town, "resident")
    client.post(url("reply", town.post().pk), {"reason": "spam"})
    client.post(url("event", town.events["ward"].pk), {"reason": "safeguarding"})
    body = client.get("/moderation/reports/mine/").content.decode()
    assert "Spam or advertising" in body
    assert "Waiting for a moderator" in body
    assert "Sent to the council's safeguarding team" in body


def test_the_report_link_is_shown_to_people_signed_in_only(client: Client, town: Town) -> None:
    template = Template(
        '{% include "moderation/includes/report_link.html" with kind="reply" pk=7 %}'
    )
    signed_in = template.render(Context({"user": town.person("resident")}))
    assert 'href="/moderation/report/reply/7/"' in signed_in
    assert "Report this reply" in signed_in
    assert template.render(Context({"user": town.user("anonymous")})).strip() == ""
