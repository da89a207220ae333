"""Grants in the 360Giving Data Standard (https://standard.threesixtygiving.org), as a JSON
package and as a CSV file of one row per grant.

- Grant ids are `Grant.identifier`: our registered 360Giving prefix (`GRANTS_360_PREFIX`) and
  the grant's id.
- Organisations are named by org-id.guide identifiers. The funder's is the fund's
  `funder_org_id`. Groups and initiatives have no registered number, so, as the standard's
  identifier guidance says for an organisation without one, their identifier is our 360Giving
  prefix and an internal id: `<prefix>-group-<slug>` or `<prefix>-initiative-<slug>`.
- Where the beneficiaries are: the recipient's wards among the fund's (or else the fund's
  wards) and the fund's council, by their ONS GSS codes; the code type comes from the
  geoCodeType codelist by the code's first three characters.
- A grant to an initiative the public may not see (safeguarded or hidden) is anonymised: no
  recipient name or slug, a generic title and description, and no place finer than the
  council.

Amounts are pounds as JSON numbers. Everything is read in a fixed number of queries whatever
the number of grants, and figures come from the ledger.

The standard's package schema needs at least one grant (`"grants"` has `minItems: 1`), so there
is no valid file of no grants: `package` and `csv_text` raise `NoGrants` instead, and the pages
and the command say there is nothing to publish yet.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.funding import ledger
from grassroots.funding.models import Fund, Grant
from grassroots.funding.reports import withheld_ids, withheld_recipient, withheld_title
from grassroots.places.models import Council, Ward

SCHEMA_VERSION = "1.4"
LICENSE = "https://creativecommons.org/licenses/by/4.0/"

# geoCodeType codelist: the type of an ONS GSS code by its entity (first three characters).
GEO_CODE_TYPES = {
    "E05": "WD",
    "W05": "WD",
    "S13": "WD",
    "E06": "UA",
    "W06": "UA",
    "E07": "NMD",
    "E08": "MD",
    "E09": "LONB",
    "E10": "CTY",
    "S12": "CA",
}


class NoGrants(Exception):
    """There are no grants to publish: a 360Giving file needs at least one."""


def has_grants(fund: Fund) -> bool:
    return Grant.objects.filter(fund=fund).exists()


def geo_code_type(gss_code: str) -> str | None:
    return GEO_CODE_TYPES.get(gss_code[:3])


def prefix() -> str:
    return str(settings.GRANTS_360_PREFIX)


def absolute(path: str) -> str:
    return f"{str(settings.SITE_URL).rstrip('/')}{path}"


def pounds_number(pence: int) -> int | float:
    """Pence as a JSON number of pounds: 125050 -> 1250.5, 100000 -> 1000."""
    whole, part = divmod(pence, 100)
    return whole if part == 0 else pence / 100


def export_grants(fund: Fund | None = None) -> QuerySet[Grant]:
    """The grants to export (of one fund, or of every fund), shaped for `grant_records`."""
    grants = Grant.objects.select_related(
        "fund__council", "plan_line", "initiative", "group", "application", "proposal"
    ).prefetch_related(
        Prefetch("fund__wards", queryset=Ward.objects.order_by("gss_code")),
        Prefetch("initiative__wards", queryset=Ward.objects.order_by("gss_code")),
        Prefetch("group__wards", queryset=Ward.objects.order_by("gss_code")),
    )
    if fund is not None:
        grants = grants.filter(fund=fund)
    return grants.order_by("fund__name", "awarded_on", "pk")


@dataclass
class Place:
    gss_code: str
    name: str


@dataclass
class GrantRecord360:
    """One grant, flattened: what both the JSON and the CSV are written from."""

    identifier: str
    title: str
    description: str
    amount_applied_for_pence: int | None
    amount_awarded_pence: int
    amount_disbursed_pence: int
    award_date: str
    url: str
    recipient_id: str
    recipient_name: str
    recipient_url: str
    funder_id: str
    funder_name: str
    programme_code: str
    programme_title: str
    programme_url: str
    places: list[Place]
    priority: str
    priority_ref: str
    status: str
    withheld: bool


def _recipient(grant: Grant) -> tuple[str, str, str]:
    if grant.initiative is not None:
        initiative = grant.initiative
        return (
            f"{prefix()}-initiative-{initiative.slug}",
            initiative.title,
            absolute(initiative.get_absolute_url()),
        )
    if grant.group is not None:
        group = grant.group
        return f"{prefix()}-group-{group.slug}", group.name, absolute(group.get_absolute_url())
    # A grant from a PB round without a named initiative or group.
    return f"{prefix()}-grant-{grant.pk}", grant.title, ""


def _description(grant: Grant) -> str:
    if grant.application is not None:
        return grant.application.outcomes
    if grant.proposal is not None:
        return grant.proposal.description
    return grant.title


def _wards(grant: Grant) -> list[Ward]:
    fund_wards = list(grant.fund.wards.all())
    own: list[Ward] = []
    if grant.initiative is not None:
        own = list(grant.initiative.wards.all())
    elif grant.group is not None:
        own = list(grant.group.wards.all())
    in_fund = {w.pk for w in fund_wards}
    chosen = [w for w in own if w.pk in in_fund]
    return chosen or fund_wards


def grant_records(grants: Iterable[Grant]) -> list[GrantRecord360]:
    """The records for `grants` as the public may see them (two queries: the balances and
    the visibility of recipient initiatives that are not public)."""
    grants = list(grants)
    balances = ledger.balances_by_grant([g.pk for g in grants])
    hidden = withheld_ids(None, grants)
    empty = ledger.GrantBalances(committed_pence=0, paid_pence=0, returned_pence=0)
    records = []
    for grant in grants:
        money = balances.get(grant.pk, empty)
        withheld = grant.pk in hidden
        fund = grant.fund
        council: Council = fund.council
        places = [Place(council.gss_code, council.name)]
        if withheld:
            recipient_id = f"{prefix()}-withheld-{grant.pk}"
            recipient_name, recipient_url = withheld_recipient(), ""
            title = withheld_title()
            description = _(
                "A grant to a community project whose details are withheld to keep the "
                "people it supports safe."
            )
        else:
            recipient_id, recipient_name, recipient_url = _recipient(grant)
            title, description = grant.title, _description(grant)
            places = [Place(w.gss_code, w.name) for w in _wards(grant)] + places
        applied = grant.application.amount_pence if grant.application is not None else None
        records.append(
            GrantRecord360(
                identifier=grant.identifier,
                title=title,
                description=description or title,
                amount_applied_for_pence=applied,
                amount_awarded_pence=money.awarded_pence,
                amount_disbursed_pence=money.paid_pence - money.returned_pence,
                award_date=grant.awarded_on.isoformat(),
                url=absolute(grant.get_absolute_url()),
                recipient_id=recipient_id,
                recipient_name=recipient_name,
                recipient_url=recipient_url,
                funder_id=fund.funder_org_id,
                funder_name=fund.funder_name,
                programme_code=f"{prefix()}-fund-{fund.slug}",
                programme_title=fund.name,
                programme_url=absolute(fund.get_absolute_url()),
                places=places,
                priority=grant.plan_line.title if grant.plan_line is not None else "",
                priority_ref=grant.plan_line.ref if grant.plan_line is not None else "",
                status=grant.get_status_display(),
                withheld=withheld,
            )
        )
    return records


def _grant_json(record: GrantRecord360) -> dict[str, Any]:
    recipient: dict[str, Any] = {"id": record.recipient_id, "name": record.recipient_name}
    if record.recipient_url:
        recipient["url"] = record.recipient_url
    data: dict[str, Any] = {
        "id": record.identifier,
        "title": record.title,
        "description": record.description,
        "currency": "GBP",
    }
    if record.amount_applied_for_pence is not None:
        data["amountAppliedFor"] = pounds_number(record.amount_applied_for_pence)
    data |= {
        "amountAwarded": pounds_number(record.amount_awarded_pence),
        "amountDisbursed": pounds_number(record.amount_disbursed_pence),
        "awardDate": record.award_date,
        "url": record.url,
        "recipientOrganization": [recipient],
        "fundingOrganization": [{"id": record.funder_id, "name": record.funder_name}],
        "grantProgramme": [
            {
                "code": record.programme_code,
                "title": record.programme_title,
                "url": record.programme_url,
            }
        ],
        "beneficiaryLocation": [
            {
                "name": place.name,
                "countryCode": "GB",
                "geoCode": place.gss_code,
                "geoCodeType": geo_code_type(place.gss_code),
            }
            for place in record.places
        ],
    }
    if record.priority:
        data["classifications"] = [
            {
                "vocabulary": f"{record.programme_code}-plan",
                "code": record.priority_ref,
                "title": record.priority,
            }
        ]
    return data


def package(fund: Fund | None = None) -> dict[str, Any]:
    """The 360Giving package of one fund's grants, or of every fund's. Raises `NoGrants`
    when there are none (the schema needs at least one)."""
    records = grant_records(export_grants(fund))
    if not records:
        raise NoGrants
    now = timezone.now().replace(microsecond=0)
    if fund is not None:
        title = _("Grants from %(fund)s") % {"fund": fund.name}
        identifier = f"{prefix()}-fund-{fund.slug}"
        download = absolute(reverse("funding:grants_json", kwargs={"slug": fund.slug}))
        access = absolute(fund.get_absolute_url())
    else:
        title = _("Grants from every fund on %(site)s") % {"site": settings.SITE_NAME}
        identifier = f"{prefix()}-all"
        download = access = absolute("/")
    return {
        "grants": [_grant_json(record) for record in records],
        "version": SCHEMA_VERSION,
        "title": title,
        "description": _(
            "Grants from neighbourhood funds decided by resident-led partnerships. Amounts "
            "awarded are what each grant is worth now (committed and paid, less money returned)."
        ),
        "identifier": identifier,
        "issued": now.date().isoformat(),
        "modified": now.isoformat(),
        "publisher": {"name": str(settings.SITE_NAME), "website": absolute("/")},
        "license": LICENSE,
        "accessURL": access,
        "downloadURL": download,
    }


# --- CSV ----------------------------------------------------------------------------------------

CSV_COLUMNS = [
    "Identifier",
    "Title",
    "Description",
    "Currency",
    "Amount Applied For",
    "Amount Awarded",
    "Amount Disbursed",
    "Award Date",
    "URL",
    "Recipient Org:Identifier",
    "Recipient Org:Name",
    "Funding Org:Identifier",
    "Funding Org:Name",
    "Grant Programme:Code",
    "Grant Programme:Title",
    "Beneficiary Location:Name",
    "Beneficiary Location:Geographic Code",
    "Beneficiary Location:Geographic Code Type",
    "Classifications:Title",
]


def csv_safe(value: object) -> object:
    """A cell a spreadsheet will not run as a formula: text starting with = + - @ (or a tab or
    carriage return) gets a leading apostrophe. Numbers are left as they are."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return f"'{value}"
    return value


def _csv_row(record: GrantRecord360) -> list[object]:
    # One row per grant: several places are joined with "; ", in the same order in each column.
    places = record.places
    return [
        record.identifier,
        record.title,
        record.description,
        "GBP",
        ""
        if record.amount_applied_for_pence is None
        else pounds_number(record.amount_applied_for_pence),
        pounds_number(record.amount_awarded_pence),
        pounds_number(record.amount_disbursed_pence),
        record.award_date,
        record.url,
        record.recipient_id,
        record.recipient_name,
        record.funder_id,
        record.funder_name,
        record.programme_code,
        record.programme_title,
        "; ".join(p.name for p in places),
        "; ".join(p.gss_code for p in places),
        "; ".join(geo_code_type(p.gss_code) or "" for p in places),
        record.priority,
    ]


def csv_text(fund: Fund | None = None) -> str:
    """The same grants as `package`, a row each; raises `NoGrants` when there are none."""
    records = grant_records(export_grants(fund))
    if not records:
        raise NoGrants
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for record in records:
        writer.writerow([csv_safe(cell) for cell in _csv_row(record)])
    return out.getvalue()
