"""The Atom feed of new initiatives, across the whole site.

A ward's feed is `following.feeds.WardFeed` (new initiatives, progress, changes of stage,
conversations and events); the ward feed this app used to serve now redirects there.

Feeds are public documents (readers, caches and aggregators fetch them without signing in), so
they carry public initiatives only, whoever asks: never safeguarded content, not even for its
own members.
"""

from __future__ import annotations

import datetime

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from grassroots.initiatives import browse
from grassroots.initiatives.models import Initiative

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
