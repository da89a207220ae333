"""A town with places that matter, for the assets tests: the people of every role that writes
(the council's officer, another council's officer, a group organiser, a resident, anonymous,
a site admin) and helpers that move a place through the ACV steps with the services."""

from __future__ import annotations

import datetime

import factory

from grassroots.directory import services_assets as services
from grassroots.directory.models_assets import Asset, AssetKind, Decision, Nomination
from grassroots.testing.people import make_officer
from grassroots.testing.worlds import Town, build_town

ROLES = ("officer", "other council's officer", "organiser", "resident", "anonymous", "site admin")


class AssetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Asset

    name = factory.Sequence(lambda n: f"The Red Lion {n}")
    kind = AssetKind.PUB
    council = factory.LazyAttribute(lambda a: a.ward.council)
    postcode = "GR1 1AA"
    description = "Our last pub."


def asset_town() -> Town:
    town = build_town(roles=("anonymous", "resident", "organiser", "officer", "site admin"))
    town.users["other council's officer"] = make_officer()
    return town


def nominate(town: Town, asset: Asset) -> Nomination:
    return services.nomination_create(
        actor=town.person("organiser"),
        asset=asset,
        group=town.group,
        body_kind="unincorporated",
        local_electors=25,
        distributes_surplus=False,
        reasons="The only pub left in the ward.",
        declared=True,
    )


def list_it(town: Town, asset: Asset, on: datetime.date | None = None) -> Nomination:
    nomination = nominate(town, asset)
    return services.nomination_decide(
        actor=town.person("officer"),
        nomination=nomination,
        decision=Decision.LISTED,
        reasons="It furthers the community's social wellbeing.",
        decided_on=on,
    )
