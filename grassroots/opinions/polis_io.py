"""Loading a Polis export folder as an opinion map, and writing a map out in Polis's layout.

The files (as in Polis's open-data exports):

- `comments.csv`: `timestamp`, `datetime`, `comment-id`, `author-id`, `agrees`, `disagrees`,
  `moderated` (-1 moderated out, 1 accepted, 0 not yet looked at), `comment-body`;
- `votes.csv`: `timestamp`, `datetime`, `comment-id`, `voter-id`, `vote`. The sign is the same
  as in `participants-votes.csv`: 1 agree, -1 disagree, 0 pass (checked on the conversations in
  the shared data: every non-pass last vote matches its cell in `participants-votes.csv`);
- `participants-votes.csv`: `participant`, sometimes `xid`, `group-id`, `n-comments`,
  `n-votes`, `n-agree`, `n-disagree`, then one column per comment id;
- `summary.csv`: two columns, a name and a value per row.

Imported participants have no account: `Participant.external_id` is the Polis participant id,
`Statement.external_id` the comment id. Exports never name anybody: participants are numbers,
and statements still waiting for moderation are left out.
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from grassroots.groups.models import Group
from grassroots.opinions.models import (
    STATEMENT_MAX_LENGTH,
    OpinionMap,
    Participant,
    Statement,
    StatementStatus,
    Vote,
)
from grassroots.places.models import Ward

BATCH = 2000
QUESTION_MAX = 200


class PolisFormatError(Exception):
    """The folder is not a Polis export we can read; the message says why, plainly."""


@dataclass(frozen=True)
class Loaded:
    question: str
    comments: list[tuple[int, int | None, bool, str]]  # comment id, author id, moderated out, text
    participant_ids: list[int]
    votes: dict[tuple[int, int], int]  # (participant id, comment id) -> -1 / 0 / 1


def _int(cell: str, what: str, line: int, name: str) -> int:
    try:
        return int(float(cell))
    except ValueError:
        raise PolisFormatError(
            f"{name}, line {line}: {what} should be a number, not {cell!r}"
        ) from None


def _rows(path: Path, required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = [column for column in required if column not in (reader.fieldnames or [])]
        if missing:
            raise PolisFormatError(f"{path.name} has no column {', '.join(missing)}")
        for row in reader:
            if None in row:
                raise PolisFormatError(f"{path.name}, line {reader.line_num}: too many cells")
            yield reader.line_num, row


def _short(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= STATEMENT_MAX_LENGTH:
        return text
    return text[: STATEMENT_MAX_LENGTH - 1].rstrip() + "…"


def read_folder(folder: Path) -> Loaded:
    """Everything `import_folder` needs, read and checked before anything is written."""
    if not folder.is_dir():
        raise PolisFormatError(f"There is no folder {folder}")
    comments_path = folder / "comments.csv"
    if not comments_path.exists():
        raise PolisFormatError(f"{folder} has no comments.csv")
    comments: list[tuple[int, int | None, bool, str]] = []
    for line, row in _rows(comments_path, ("comment-id", "moderated", "comment-body")):
        author = (row.get("author-id") or "").strip()
        comments.append(
            (
                _int(row["comment-id"], "comment-id", line, "comments.csv"),
                _int(author, "author-id", line, "comments.csv") if author else None,
                (row["moderated"] or "").strip() == "-1",
                _short(row["comment-body"] or ""),
            )
        )
    votes: dict[tuple[int, int], int] = {}
    participant_ids: list[int] = []
    matrix = folder / "participants-votes.csv"
    if matrix.exists():
        with matrix.open(newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            header = next(reader, [])
            if "participant" not in header or "n-disagree" not in header:
                raise PolisFormatError(
                    "participants-votes.csv has no participant or n-disagree column"
                )
            first = header.index("n-disagree") + 1
            columns = [
                _int(name, "a comment id", 1, "participants-votes.csv") for name in header[first:]
            ]
            for cells in reader:
                if not cells:
                    continue
                line = reader.line_num
                if len(cells) > len(header):
                    raise PolisFormatError(f"participants-votes.csv, line {line}: too many cells")
                pid = _int(cells[0], "participant", line, "participants-votes.csv")
                participant_ids.append(pid)
                for sid, cell in zip(columns, cells[first:], strict=False):
                    if cell.strip():
                        votes[(pid, sid)] = _vote(cell, line, "participants-votes.csv")
    elif (folder / "votes.csv").exists():
        latest: dict[tuple[int, int], tuple[int, int]] = {}
        required = ("timestamp", "comment-id", "voter-id", "vote")
        for line, row in _rows(folder / "votes.csv", required):
            key = (
                _int(row["voter-id"], "voter-id", line, "votes.csv"),
                _int(row["comment-id"], "comment-id", line, "votes.csv"),
            )
            stamp = _int(row["timestamp"], "timestamp", line, "votes.csv")
            value = _vote(row["vote"], line, "votes.csv")
            if key not in latest or latest[key][0] <= stamp:  # the last vote counts
                latest[key] = (stamp, value)
        votes = {key: value for key, (_stamp, value) in latest.items()}
        participant_ids = sorted({pid for pid, _sid in votes})
    else:
        raise PolisFormatError(f"{folder} has neither participants-votes.csv nor votes.csv")
    known = {cid for cid, _a, _m, _t in comments}
    votes = {key: value for key, value in votes.items() if key[1] in known}
    return Loaded(
        question=_question(folder), comments=comments, participant_ids=participant_ids, votes=votes
    )


def _vote(cell: str, line: int, name: str) -> int:
    value = _int(cell, "a vote", line, name)
    if value not in (-1, 0, 1):
        raise PolisFormatError(f"{name}, line {line}: a vote is -1, 0 or 1, not {cell!r}")
    return value


def _question(folder: Path) -> str:
    summary = folder / "summary.csv"
    if summary.exists():
        with summary.open(newline="", encoding="utf-8") as handle:
            for row in csv.reader(handle):
                if len(row) >= 2 and row[0] == "topic" and row[1].strip():
                    return row[1].strip()[:QUESTION_MAX]
    return folder.name[:QUESTION_MAX]


def import_folder(folder: Path, *, host: Ward | Group, question: str = "") -> OpinionMap:
    """A new map holding the export in `folder` (one transaction: all of it or nothing)."""
    loaded = read_folder(folder)
    with transaction.atomic():
        opinion_map = OpinionMap.objects.create(
            ward=host if isinstance(host, Ward) else None,
            group=host if isinstance(host, Group) else None,
            question=(question or loaded.question)[:QUESTION_MAX],
            imported_from=str(folder)[-200:],
            allow_statements=False,
        )
        everyone = sorted(
            set(loaded.participant_ids) | {a for _c, a, _m, _t in loaded.comments if a is not None}
        )
        Participant.objects.bulk_create(
            (Participant(map=opinion_map, external_id=pid) for pid in everyone), batch_size=BATCH
        )
        people = dict(Participant.objects.filter(map=opinion_map).values_list("external_id", "id"))
        Statement.objects.bulk_create(
            (
                Statement(
                    map=opinion_map,
                    text=text,
                    external_id=cid,
                    author_id=people.get(author) if author is not None else None,
                    status=StatementStatus.REJECTED if out else StatementStatus.PUBLISHED,
                    is_seed=author is None,
                )
                for cid, author, out, text in loaded.comments
            ),
            batch_size=BATCH,
        )
        said = dict(Statement.objects.filter(map=opinion_map).values_list("external_id", "id"))
        Vote.objects.bulk_create(
            (
                Vote(
                    map=opinion_map,
                    participant_id=people[pid],
                    statement_id=said[sid],
                    choice=value,
                )
                for (pid, sid), value in loaded.votes.items()
            ),
            batch_size=BATCH,
        )
    return opinion_map


# --- Export -------------------------------------------------------------------------------


def _polis_datetime(moment: datetime.datetime) -> tuple[str, str]:
    return str(int(moment.timestamp() * 1000)), moment.strftime("%a %b %d %H:%M:%S UTC %Y")


def _csv(rows: list[list[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerows(rows)
    return out.getvalue()


def export_files(opinion_map: OpinionMap, *, url: str = "") -> dict[str, str]:
    """The four files of a Polis export for `opinion_map`, by name (four queries)."""
    statements = list(
        Statement.objects.filter(map=opinion_map)
        .exclude(status=StatementStatus.PENDING)
        .values_list("id", "external_id", "author_id", "status", "text", "created_at")
        .order_by("id")
    )
    participants = list(
        Participant.objects.filter(map=opinion_map).values_list("id", "external_id").order_by("id")
    )
    # Numbers for the file: the Polis ids when the map was imported, else positions.
    if all(ext is not None for _pk, ext in participants):
        pnum = {pk: int(ext) for pk, ext in participants if ext is not None}
    else:
        pnum = {pk: position for position, (pk, _ext) in enumerate(participants)}
    if all(row[1] is not None for row in statements):
        snum = {row[0]: int(row[1]) for row in statements if row[1] is not None}
    else:
        snum = {row[0]: position for position, row in enumerate(statements)}
    votes = list(
        Vote.objects.filter(map=opinion_map, statement_id__in=snum)
        .values_list("participant_id", "statement_id", "choice", "created_at")
        .order_by("created_at", "id")
    )
    agrees: Counter[int] = Counter()
    disagrees: Counter[int] = Counter()
    per_person: dict[int, dict[int, int]] = {}
    for pid, sid, choice, _when in votes:
        per_person.setdefault(pid, {})[sid] = choice
        if choice == 1:
            agrees[sid] += 1
        elif choice == -1:
            disagrees[sid] += 1
    comment_rows: list[list[object]] = [
        [
            "timestamp",
            "datetime",
            "comment-id",
            "author-id",
            "agrees",
            "disagrees",
            "moderated",
            "comment-body",
        ]
    ]
    for sid, _ext, author, status, text, created in statements:
        stamp, when = _polis_datetime(created)
        comment_rows.append(
            [
                stamp,
                when,
                snum[sid],
                pnum.get(author, "") if author is not None else "",
                agrees[sid],
                disagrees[sid],
                -1 if status == StatementStatus.REJECTED else 1,
                text,
            ]
        )
    vote_rows: list[list[object]] = [["timestamp", "datetime", "comment-id", "voter-id", "vote"]]
    for pid, sid, choice, created in votes:
        stamp, when = _polis_datetime(created)
        vote_rows.append([stamp, when, snum[sid], pnum[pid], choice])
    result = opinion_map.result or {}
    group_of = {int(p[0]): int(p[3]) for p in result.get("points", []) if int(p[3]) >= 0}
    authored = Counter(author for _s, _e, author, _st, _t, _c in statements if author is not None)
    columns = sorted(snum.items(), key=lambda item: item[1])
    matrix_rows: list[list[object]] = [
        ["participant", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree"]
        + [number for _sid, number in columns]
    ]
    for pk, _ext in sorted(participants, key=lambda item: pnum[item[0]]):
        mine = per_person.get(pk, {})
        counts: list[object] = [
            pnum[pk],
            group_of.get(pk, ""),
            authored[pk],
            len(mine),
            sum(1 for v in mine.values() if v == 1),
            sum(1 for v in mine.values() if v == -1),
        ]
        cells_out: list[object] = [mine.get(sid, "") for sid, _number in columns]
        matrix_rows.append(counts + cells_out)
    summary_rows: list[list[object]] = [
        ["topic", opinion_map.question],
        ["url", url],
        ["voters", len(per_person)],
        ["voters-in-conv", result.get("participants", {}).get("in", 0)],
        ["commenters", len(authored)],
        ["comments", len(statements)],
        ["groups", len(result.get("groups", []))],
        ["conversation-description", opinion_map.description],
    ]
    return {
        "comments.csv": _csv(comment_rows),
        "votes.csv": _csv(vote_rows),
        "participants-votes.csv": _csv(matrix_rows),
        "summary.csv": _csv(summary_rows),
    }


def write_folder(opinion_map: OpinionMap, folder: Path, *, url: str = "") -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in export_files(opinion_map, url=url).items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def export_zip(opinion_map: OpinionMap, *, url: str = "") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in export_files(opinion_map, url=url).items():
            archive.writestr(name, text)
    return buffer.getvalue()


def stamp_now() -> str:
    return timezone.now().strftime("%Y%m%d-%H%M")
