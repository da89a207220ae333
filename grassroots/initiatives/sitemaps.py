"""The sitemap: public initiatives and the public place pages (councils, wards, councillors).

A sitemap is a public document, so it lists public initiatives only, never safeguarded ones.
"""

from __future__ import annotations

import datetime

from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet
from django.urls import reverse

from grassroots.initiatives import browse
from grassroots.initiatives.models import Initiative
from grassroots.places.models import Council, Councillor, Ward


class InitiativeSitemap(Sitemap[Initiative]):
    changefreq = "weekly"
    priority = 0.8

    def items(self) -> QuerySet[Initiative]:
        return browse.public_initiatives().order_by("pk").only("slug", "updated_at")

    def lastmod(self, item: Initiative) -> datetime.datetime:
        return item.updated_at


class CouncilSitemap(Sitemap[Council]):
    changefreq = "monthly"

    def items(self) -> QuerySet[Council]:
        return Council.objects.order_by("pk").only("slug")


class WardSitemap(Sitemap[Ward]):
    changefreq = "monthly"

    def items(self) -> QuerySet[Ward]:
        return (
            Ward.objects.current()
            .select_related("council")
            .order_by("pk")
            .only("slug", "council__slug")
        )


class CouncillorSitemap(Sitemap[Councillor]):
    changefreq = "monthly"

    def items(self) -> QuerySet[Councillor]:
        return Councillor.objects.order_by("pk").only("slug")


class StaticSitemap(Sitemap[str]):
    changefreq = "weekly"

    def items(self) -> list[str]:
        return ["home", "places:councils", "initiatives:list", "initiatives:map"]

    def location(self, item: str) -> str:
        return reverse(item)


SITEMAPS: dict[str, type[Sitemap]] = {  # type: ignore[type-arg]
    "pages": StaticSitemap,
    "initiatives": InitiativeSitemap,
    "councils": CouncilSitemap,
    "wards": WardSitemap,
    "councillors": CouncillorSitemap,
}
