"""Read a conversation from Polis's open-data export (no Django; the engine's tests and the
benchmark read the real conversations with it, and `import_polis` will).

`participants-votes.csv` has one row per participant: `participant`, sometimes `xid`,
`group-id` (Polis's group, blank when the participant was not in one), counts, then one column
per statement id after `n-disagree`, each cell 1 (agree), -1 (disagree), 0 (pass) or blank.
`comments.csv` has `comment-id` and `moderated` (-1 when moderated out).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True)
class PolisExport:
    participant_ids: list[int]
    statement_ids: list[int]
    participants: npt.NDArray[np.int64]  # vote triplets: participant index,
    statements: npt.NDArray[np.int64]  # statement index,
    values: npt.NDArray[np.int64]  # and -1 / 0 / 1
    polis_group: npt.NDArray[np.int64]  # per participant index, -1 when blank
    moderated_out: list[int]  # statement indexes

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.participant_ids), len(self.statement_ids)


def read_export(folder: Path) -> PolisExport:
    """The votes and Polis's groups from a folder holding `participants-votes.csv`."""
    participant_ids: list[int] = []
    groups: list[int] = []
    rows: list[int] = []
    cols: list[int] = []
    values: list[int] = []
    with (folder / "participants-votes.csv").open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        first = header.index("n-disagree") + 1
        statement_ids = [int(name) for name in header[first:]]
        group_column = header.index("group-id")
        for row in reader:
            if not row:
                continue
            index = len(participant_ids)
            participant_ids.append(int(row[0]))
            groups.append(int(row[group_column]) if row[group_column].strip() else -1)
            for col, cell in enumerate(row[first:]):
                cell = cell.strip()
                if cell:
                    rows.append(index)
                    cols.append(col)
                    values.append(int(float(cell)))
    moderated_out: list[int] = []
    comments = folder / "comments.csv"
    if comments.exists():
        position = {sid: i for i, sid in enumerate(statement_ids)}
        with comments.open(newline="", encoding="utf-8") as handle:
            for comment in csv.DictReader(handle):
                sid = int(comment["comment-id"])
                if comment.get("moderated", "").strip() == "-1" and sid in position:
                    moderated_out.append(position[sid])
    return PolisExport(
        participant_ids=participant_ids,
        statement_ids=statement_ids,
        participants=np.asarray(rows, dtype=np.int64),
        statements=np.asarray(cols, dtype=np.int64),
        values=np.asarray(values, dtype=np.int64),
        polis_group=np.asarray(groups, dtype=np.int64),
        moderated_out=sorted(moderated_out),
    )
