"""The demo's orchestration: every step in order, in one transaction (`manage.py seed_demo`).

`borough.py` holds the borough itself (its fixed facts, the pure `build_dataset()`, and the steps
that write the council, wards, postcodes, councillors, departments, residents and sign-ins); each
other module of this package adds the content of one area through that area's services. A new
area adds its step to `STEPS`; each step receives the `Borough` built so far and may draw from
`borough.rng("<step name>")`.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from grassroots.demo.assets import seed_assets
from grassroots.demo.borough import (
    COUNCIL_GSS,
    COUNCIL_NAME,
    DEMO_PASSWORD,
    Borough,
    DemoDataset,
    SeedStep,
    build_dataset,
    demo_totp_secret,
    seed_accounts,
    seed_council,
    seed_councillors,
    seed_departments,
    seed_postcodes,
    seed_residents,
    seed_wards,
)
from grassroots.demo.case_studies import seed_case_studies
from grassroots.demo.conversations import seed_conversations
from grassroots.demo.directory import seed_directory
from grassroots.demo.events import seed_events
from grassroots.demo.following import seed_following
from grassroots.demo.funding import seed_funding
from grassroots.demo.groups import seed_groups
from grassroots.demo.guide import seed_guide
from grassroots.demo.initiatives import seed_initiatives
from grassroots.demo.moderation import seed_moderation
from grassroots.demo.offers import seed_offers
from grassroots.demo.opinions import seed_opinions
from grassroots.demo.priorities import seed_priorities
from grassroots.notifications.bursts import not_held_back

# The order matters: each step may use what the steps before it wrote.
STEPS: list[SeedStep] = [
    seed_wards,
    seed_postcodes,
    seed_councillors,
    seed_departments,
    seed_residents,
    seed_accounts,
    seed_initiatives,
    seed_groups,
    seed_conversations,
    seed_events,
    seed_priorities,
    seed_opinions,
    seed_funding,
    seed_following,
    seed_moderation,
    seed_case_studies,
    seed_guide,
    seed_directory,
    seed_offers,
    seed_assets,
]


def seed_demo(
    dataset: DemoDataset | None = None, steps: Sequence[SeedStep] | None = None
) -> Borough:
    """Write (or bring up to date) the demo borough, in one transaction."""
    dataset = dataset or build_dataset()
    with transaction.atomic(), not_held_back():
        borough = Borough(dataset=dataset, council=seed_council())
        for step in STEPS if steps is None else steps:
            step(borough)
    return borough


def sign_in_lines(dataset: DemoDataset) -> list[str]:
    """The demo sign-ins, as the README and the end of `seed_demo` give them."""
    lines = [f"Demo sign-ins (password for each: {DEMO_PASSWORD}):"]
    width = max(len(spec.email) for spec in dataset.accounts)
    for spec in dataset.accounts:
        note = f"TOTP secret {demo_totp_secret(spec.email)}" if spec.totp else "no TOTP needed"
        lines.append(f"  {spec.role:<11} {spec.email:<{width}}  {note}")
    lines.append(
        "Sign-in code for a TOTP account: python manage.py demo_totp EMAIL "
        "(or add its secret to an authenticator app)."
    )
    return lines


def summary_lines(borough: Borough) -> list[str]:
    dataset = borough.dataset
    counts = ", ".join(f"{number} {what}" for what, number in borough.counts.items())
    resident = dataset.account("resident")
    councillor = dataset.account("councillor")
    terminated = next(p for p in dataset.postcodes if p.terminated_on)
    home_ward = borough.wards[resident.ward_code].name if resident.ward_code else ""
    return [
        f"{COUNCIL_NAME} (demo, {COUNCIL_GSS}): {counts}.",
        f"Try postcode {resident.postcode} ({home_ward} ward); "
        f"{terminated.postcode} is no longer in use.",
        f"The demo councillor is {councillor.display_name}, councillor for {home_ward}.",
        *sign_in_lines(dataset),
    ]
