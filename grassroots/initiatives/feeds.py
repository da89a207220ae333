"""Atom feeds of public activity: new initiatives, and stage changes in a ward.

Feeds are public documents (readers, caches and aggregators fetch them without signing in), so
they carry public initiatives only, whoever asks: never safeguarded content, not even for its
own members.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from grassroots.initiatives import browse
from grassroots.initiatives.models import Initiative
from grassroots.places import selectors as places_selectors
from grassroots.places.models import Ward

FEED_SIZE = 50


class NewInitiativesFeed(Feed):  # type: ignore[type-arg]
    feed_type = Atom1Feed

    def title(self) -> str:
        return _("New initiatives")

    def link(self) -> str:
        return reverse("initiatives:list")

    def subtitle(self) -> str:
        return _("Initiatives residents have started, newest first.")

    def items(self) -> list[Initiative]:
        return list(browse.public_initiatives().order_by("-created_at", "-pk")[:FEED_SIZE])

    def item_title(self, item: Initiative) -> str:
        return item.title

    def item_description(self, item: Initiative) -> str:
        return item.problem

    def item_link(self, item: Initiative) -> str:
        return item.get_absolute_url()

    def item_pubdate(self, item: Initiative) -> datetime.datetime:
        return item.created_at

    def item_updateddate(self, item: Initiative) -> datetime.datetime:
        return item.created_at


class WardActivityFeed(Feed):  # type: ignore[type-arg]
    """New initiatives and stage changes in one ward."""

    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Ward:
        ward = places_selectors.ward_detail(council_slug=kwargs["council"], slug=kwargs["slug"])
        if ward is None:
            raise Http404
        return ward

    def title(self, obj: Ward) -> str:
        return _("Initiatives in %(ward)s") % {"ward": obj.name}

    def link(self, obj: Ward) -> str:
        return obj.get_absolute_url()

    def subtitle(self, obj: Ward) -> str:
        return _("New initiatives and changes of stage in %(ward)s, %(council)s.") % {
            "ward": obj.name,
            "council": obj.council.name,
        }

    def items(self, obj: Ward) -> list[dict[str, Any]]:
        return browse.ward_public_activity(obj, limit=FEED_SIZE)

    def item_title(self, item: dict[str, Any]) -> str:
        initiative: Initiative = item["initiative"]
        if item["kind"] == "new":
            return _("New initiative: %(title)s") % {"title": initiative.title}
        return _("%(title)s is now at the stage: %(stage)s") % {
            "title": initiative.title,
            "stage": item["change"].get_to_stage_display(),
        }

    def item_description(self, item: dict[str, Any]) -> str:
        if item["kind"] == "new":
            return str(item["initiative"].problem)
        return str(item["change"].note)

    def item_link(self, item: dict[str, Any]) -> str:
        return str(item["initiative"].get_absolute_url())

    def item_guid(self, item: dict[str, Any]) -> str:
        initiative: Initiative = item["initiative"]
        if item["kind"] == "new":
            return f"initiative-{initiative.pk}"
        return f"initiative-{initiative.pk}-stage-{item['change'].pk}"

    def item_guid_is_permalink(self, item: dict[str, Any]) -> bool:
        return False

    def item_pubdate(self, item: dict[str, Any]) -> datetime.datetime:
        when: datetime.datetime = item["when"]
        return when

    def item_updateddate(self, item: dict[str, Any]) -> datetime.datetime:
        when: datetime.datetime = item["when"]
        return when
