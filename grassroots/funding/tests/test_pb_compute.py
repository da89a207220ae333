"""manage.py pb_compute: a result straight from a pabulib file."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from grassroots.funding import pabulib, pb

ALEKSANDROW = "pabulib/Poland_Warszawa_2017_Aleksandrow.pb"


def compute(*args: str) -> list[str]:
    out = StringIO()
    call_command("pb_compute", *args, stdout=out)
    return out.getvalue().splitlines()


@pytest.mark.parametrize(
    ("options", "rule"),
    [
        (["--rule", "greedy"], lambda i, p: pb.greedy(i, p)),
        (
            ["--rule", "greedy", "--greedy", "no-skip", "--min-votes", "100"],
            lambda i, p: pb.greedy(i, p, skip=False, min_votes=100),
        ),
        (["--rule", "mes"], lambda i, p: pb.equal_shares(i, p)),
        (
            ["--rule", "mes", "--utility", "card"],
            lambda i, p: pb.equal_shares(i, p, utility=pb.Utility.CARDINALITY),
        ),
        (
            ["--rule", "mes", "--completion", "add1"],
            lambda i, p: pb.equal_shares(i, p, completion=pb.Completion.ADD_ONE),
        ),
    ],
)
def test_real_file(shared_data: Path, options: list[str], rule: object) -> None:
    path = shared_data / ALEKSANDROW
    lines = compute(str(path), *options)
    election = pabulib.read(path)
    expected = rule(election.instance, election.profile)  # type: ignore[operator]
    assert json.loads(lines[0]) == list(expected.funded)
    assert lines[1].startswith(f"Total cost: {pb.show_money(expected.total_cost, 'PLN')} of ")
    assert len(lines) == 2


def test_explain(shared_data: Path) -> None:
    lines = compute(
        str(shared_data / ALEKSANDROW), "--rule", "mes", "--completion", "add1", "--explain"
    )
    assert json.loads(lines[0]) == ["261", "1206"]
    assert any(line.startswith("261: Funded by the add-one completion") for line in lines)
    assert any(line.startswith("720: Not funded: its supporters had") for line in lines)
    assert len(lines) == 2 + 5


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--rule", "greedy", "--utility", "card"], "for --rule mes"),
        (["--rule", "greedy", "--completion", "add1"], "for --rule mes"),
        (["--rule", "mes", "--greedy", "no-skip"], "for --rule greedy"),
        (["--rule", "mes", "--min-votes", "3"], "for --rule greedy"),
        (["--rule", "greedy", "--min-votes", "-3"], "cannot be negative"),
        (["--rule", "median"], "invalid choice"),
        (["--rule", "mes", "--utility", "joy"], "invalid choice"),
    ],
)
def test_bad_options(tmp_path: Path, args: list[str], message: str) -> None:
    path = tmp_path / "small.pb"
    path.write_text(
        "META\nkey;value\nbudget;10\nPROJECTS\nproject_id;cost\n1;5\nVOTES\nvoter_id;vote\na;1\n"
    )
    with pytest.raises(CommandError, match=message):
        compute(str(path), *args)


def test_small_file(tmp_path: Path) -> None:
    path = tmp_path / "small.pb"
    path.write_text(
        "META\nkey;value\nbudget;10\nPROJECTS\nproject_id;cost\n1;5\n2;6\nVOTES\n"
        "voter_id;vote\na;1\nb;1,2\n"
    )
    assert compute(str(path), "--rule", "greedy") == ['["1"]', "Total cost: 5 of 10 (greedy)"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "There is no file"),
        (b"\xff\xfe\x00junk", "not UTF-8"),
        (b"META\nkey;value\nbudget;ten\n", "no PROJECTS section"),
        (
            b"META\nkey;value\nbudget;ten\nPROJECTS\nproject_id;cost\nVOTES\nvoter_id;vote\n",
            "budget is not a number",
        ),
        (
            b"META\nkey;value\nbudget;10\nPROJECTS\nproject_id;cost\n1;5\nVOTES\nvoter_id;vote\n"
            b"a;2\n",
            "approves 2, not in PROJECTS",
        ),
        (b"hello;world\n", "expected META"),
    ],
)
def test_bad_files(tmp_path: Path, content: bytes | None, message: str) -> None:
    path = tmp_path / "bad.pb"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        compute(str(path), "--rule", "mes")


def test_a_folder_is_not_a_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="is a folder"):
        compute(str(tmp_path), "--rule", "mes")
