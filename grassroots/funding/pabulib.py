"""Read pabulib ``.pb`` files (approval ballots) into ``pb.Instance`` and ``pb.Profile``.

A pabulib file has three sections, each a line naming it (META, PROJECTS, VOTES) followed by
a header line and ``;``-separated rows; fields may be quoted. META holds ``key;value`` rows
(``budget``, ``vote_type``, optional ``min_length``, ``max_length``, ``max_sum_cost``, ``rule``,
``min_project_score_threshold``), PROJECTS one row per project (``project_id``, ``cost``, and
optionally ``votes``, ``name``, ``selected``), VOTES one row per voter with ``vote``, the
approved project ids separated by commas. Pure: no Django.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from grassroots.funding.pb import Instance, InvalidElection, Money, Profile, Project

SECTIONS = ("meta", "projects", "votes")
APPROVAL_TYPES = ("approval", "choose-1")


class PabulibError(ValueError):
    """The file is not a pabulib file we can read; the message says where and why."""


@dataclass(frozen=True)
class PabulibFile:
    meta: dict[str, str]
    instance: Instance
    profile: Profile
    names: dict[str, str]
    selected: frozenset[str] | None  # the winners the file records, if it has that column

    @property
    def rule(self) -> str:
        return self.meta.get("rule", "")

    @property
    def min_votes(self) -> int:
        """The file's minimum number of votes for a project to be funded (0 when none)."""
        value = self.meta.get("min_project_score_threshold", "").strip()
        try:
            return max(0, int(Fraction(value.replace(",", ".")))) if value else 0
        except (ValueError, ZeroDivisionError):
            return 0

    @property
    def currency(self) -> str:
        return self.meta.get("currency", "")


def read(path: str | Path) -> PabulibFile:
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise PabulibError(f"There is no file {path}.") from None
    except IsADirectoryError:
        raise PabulibError(f"{path} is a folder, not a file.") from None
    except UnicodeDecodeError:
        raise PabulibError(f"{path} is not UTF-8 text.") from None
    return parse(text)


def parse(text: str) -> PabulibFile:
    """Parse a whole file's text (a leading byte-order mark is allowed)."""
    text = text.removeprefix("\ufeff")
    meta: dict[str, str] = {}
    projects: list[Project] = []
    names: dict[str, str] = {}
    selected: set[str] = set()
    has_selected = False
    ballots: list[frozenset[str]] = []
    seen: set[str] = set()
    section = ""
    header: list[str] = []
    rows = _rows(text)
    for line, row in rows:
        first = row[0].strip().lower()
        if first in SECTIONS and not any(cell.strip() for cell in row[1:]):
            if first in seen:
                raise PabulibError(f"Line {line}: the {first.upper()} section appears twice.")
            seen.add(first)
            section = first
            try:
                line, header_row = next(rows)
            except StopIteration:
                raise PabulibError(f"Line {line}: {first.upper()} has no header line.") from None
            header = [h.strip().lower() for h in header_row]
            if section == "projects":
                _require(header, ("project_id", "cost"), line)
                has_selected = "selected" in header
            elif section == "votes":
                _require(header, ("vote",), line)
            continue
        if not section:
            raise PabulibError(f"Line {line}: expected META, PROJECTS or VOTES first.")
        if section == "meta":
            if len(row) < 2:
                raise PabulibError(f"Line {line}: a META row needs a key and a value.")
            meta[row[0].strip()] = row[1].strip()
            continue
        if len(row) != len(header):
            raise PabulibError(
                f"Line {line}: {len(row)} fields where the header has {len(header)}."
            )
        record = dict(zip(header, (cell.strip() for cell in row), strict=True))
        if section == "projects":
            pid = record["project_id"]
            if not pid:
                raise PabulibError(f"Line {line}: a project without an id.")
            cost = _number(record["cost"], f"Line {line}: project {pid}'s cost")
            projects.append(Project(pid, cost))
            names[pid] = record.get("name", "")
            if has_selected and record.get("selected", "") not in ("", "0", "none", "None"):
                selected.add(pid)
        else:
            ballots.append(frozenset(v.strip() for v in record["vote"].split(",") if v.strip()))
    for needed in SECTIONS:
        if needed not in seen:
            raise PabulibError(f"The file has no {needed.upper()} section.")
    vote_type = meta.get("vote_type", "approval").strip().lower()
    if vote_type not in APPROVAL_TYPES:
        raise PabulibError(
            f"The file holds {vote_type} ballots; only approval ballots can be counted."
        )
    if "budget" not in meta:
        raise PabulibError("META has no budget.")
    budget = _number(meta["budget"], "The budget")
    try:
        instance = Instance(
            budget=budget,
            projects=tuple(projects),
            max_projects=_count(meta.get("max_length"), "max_length"),
            min_projects=_count(meta.get("min_length"), "min_length"),
            max_spend=(
                _number(meta["max_sum_cost"], "max_sum_cost") if meta.get("max_sum_cost") else None
            ),
        )
    except InvalidElection as error:
        raise PabulibError(str(error)) from None
    known = {p.id for p in projects}
    for number, ballot in enumerate(ballots, start=1):
        unknown = ballot - known
        if unknown:
            raise PabulibError(
                f"Vote {number} approves {', '.join(sorted(unknown))}, not in PROJECTS."
            )
    return PabulibFile(
        meta=meta,
        instance=instance,
        profile=Profile(tuple(ballots)),
        names=names,
        selected=frozenset(selected) if has_selected else None,
    )


def _rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """Non-empty rows with their line numbers (quoted fields may hold ';')."""
    reader = csv.reader(text.splitlines(), delimiter=";")
    try:
        for row in reader:
            if row and any(cell.strip() for cell in row):
                yield reader.line_num, row
    except csv.Error as error:
        raise PabulibError(f"Line {reader.line_num}: {error}.") from None


def _require(header: list[str], columns: tuple[str, ...], line: int) -> None:
    missing = [c for c in columns if c not in header]
    if missing:
        raise PabulibError(f"Line {line}: the header has no {', '.join(missing)} column.")


def _number(text: str, what: str) -> Money:
    """An exact non-negative amount: "400000", "400000.0", "1234,5"."""
    try:
        value = Fraction(text.strip().replace(",", "."))
    except (ValueError, ZeroDivisionError):
        raise PabulibError(f"{what} is not a number: {text!r}.") from None
    if value < 0:
        raise PabulibError(f"{what} cannot be negative: {text!r}.")
    return value.numerator if value.denominator == 1 else value


def _count(text: str | None, what: str) -> int | None:
    if text is None or not text.strip() or text.strip().lower() == "none":
        return None
    try:
        value = int(text.strip())
    except ValueError:
        raise PabulibError(f"META {what} is not a whole number: {text!r}.") from None
    if value < 0:
        raise PabulibError(f"META {what} cannot be negative.")
    return value
