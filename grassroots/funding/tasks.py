"""Counting a participatory-budgeting round in the background.

A page only asks for the count (`services.pbround_counting.count_request`), which queues
`count_round` once the request's transaction commits. The worker runs the count: the rule may
be the Method of Equal Shares with the add-one completion, which loads numba and can take a
second of CPU, more than a web process should spend on one click.
"""

from __future__ import annotations

from django_tasks import task

from grassroots.funding.services import pbround


@task()
def count_round(round_id: int) -> str:
    """Count the round's votes as whoever asked; a second run, or a run for a round already
    counted, does nothing. Returns "counted", "failed" or "nothing to do"."""
    return pbround.count_queued(round_id)
