"""Loading Polis exports (`import_polis`) and writing them (`export_polis`, the download)."""

from __future__ import annotations

import csv
import io
import shutil
import zipfile
from pathlib import Path

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from sklearn.metrics import adjusted_rand_score

from grassroots.opinions import engine
from grassroots.opinions.models import OpinionMap, Participant, Statement, StatementStatus, Vote
from grassroots.opinions.polis import read_export
from grassroots.opinions.polis_io import export_files
from grassroots.opinions.tests.factories import Place
from grassroots.places.tests.factories import WardFactory

pytestmark = pytest.mark.django_db

SMALL = "london.youth.policing"
CLEAR = "brexit-consensus"


def _folder(shared_data: Path, name: str) -> Path:
    folder = shared_data / "polis" / name
    if not (folder / "participants-votes.csv").exists():
        pytest.skip(f"no Polis conversation {name} in the shared data")
    return folder


def _import(folder: Path, *extra: str) -> OpinionMap:
    out = io.StringIO()
    ward = WardFactory()
    call_command("import_polis", str(folder), "--host-ward", str(ward.pk), *extra, stdout=out)
    return OpinionMap.objects.get(pk=int(out.getvalue().strip()))


def _votes(opinion_map: OpinionMap) -> set[tuple[int | None, int | None, int]]:
    return set(
        Vote.objects.filter(map=opinion_map).values_list(
            "participant__external_id", "statement__external_id", "choice"
        )
    )


def _matrix_votes(folder: Path) -> set[tuple[int | None, int | None, int]]:
    export = read_export(folder)
    return {
        (export.participant_ids[p], export.statement_ids[s], int(v))
        for p, s, v in zip(export.participants, export.statements, export.values, strict=True)
    }


def test_import_reads_every_vote_and_statement_then_export_round_trips(
    shared_data: Path, tmp_path: Path
) -> None:
    folder = _folder(shared_data, SMALL)
    imported = _import(folder)
    assert imported.imported_from.endswith(SMALL)
    assert imported.question.startswith("What is the best way to engage")
    assert _votes(imported) == _matrix_votes(folder)
    with (folder / "comments.csv").open(newline="") as handle:
        comments = list(csv.DictReader(handle))
    statements = Statement.objects.filter(map=imported)
    assert statements.count() == len(comments)
    rejected = {int(c["comment-id"]) for c in comments if c["moderated"] == "-1"}
    assert (
        set(
            statements.filter(status=StatementStatus.REJECTED).values_list("external_id", flat=True)
        )
        == rejected
    )
    assert imported.result is not None
    assert imported.computed_at is not None

    out = tmp_path / "out"
    call_command("export_polis", str(imported.pk), str(out), stdout=io.StringIO())
    assert sorted(p.name for p in out.iterdir()) == [
        "comments.csv",
        "participants-votes.csv",
        "summary.csv",
        "votes.csv",
    ]
    with (out / "participants-votes.csv").open(newline="") as handle:
        header = next(csv.reader(handle))
    assert header[:6] == [
        "participant",
        "group-id",
        "n-comments",
        "n-votes",
        "n-agree",
        "n-disagree",
    ]
    again = _import(out)
    assert _votes(again) == _votes(imported)
    assert set(
        Statement.objects.filter(map=again).values_list("external_id", "text", "status")
    ) == set(statements.values_list("external_id", "text", "status"))
    # Our groups are in the export, and read back as Polis's.
    export = read_export(out)
    assert (export.polis_group >= 0).sum() == imported.result["participants"]["in"]


def test_import_from_votes_csv_alone_keeps_the_last_vote(shared_data: Path, tmp_path: Path) -> None:
    source = _folder(shared_data, SMALL)
    folder = tmp_path / "only-votes"
    folder.mkdir()
    shutil.copy(source / "comments.csv", folder / "comments.csv")
    shutil.copy(source / "votes.csv", folder / "votes.csv")
    imported = _import(folder, "--question", "Policing and young people")
    assert imported.question == "Policing and young people"
    # In this export every last vote in votes.csv is its participants-votes.csv cell.
    assert _votes(imported) == _matrix_votes(source)


def _write(folder: Path, name: str, text: str) -> None:
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")


COMMENTS = "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({}, "has no comments.csv"),
        ({"comments.csv": COMMENTS + "1,x,0,0,0,0,1,Hello\n"}, "neither participants-votes.csv"),
        ({"comments.csv": "id,text\n1,Hello\n"}, "comments.csv has no column"),
        (
            {
                "comments.csv": COMMENTS + "1,x,zero,0,0,0,1,Hello\n",
                "votes.csv": "timestamp,datetime,comment-id,voter-id,vote\n",
            },
            "comment-id should be a number",
        ),
        (
            {
                "comments.csv": COMMENTS + "1,x,0,0,0,0,1,Hello\n",
                "votes.csv": "timestamp,datetime,comment-id,voter-id,vote\n1,x,0,3,7\n",
            },
            "a vote is -1, 0 or 1",
        ),
    ],
)
def test_bad_folders_are_refused_plainly_and_write_nothing(
    tmp_path: Path, files: dict[str, str], message: str
) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    for name, text in files.items():
        _write(folder, name, text)
    ward = WardFactory()
    with pytest.raises(CommandError, match=message):
        call_command("import_polis", str(folder), "--host-ward", str(ward.pk))
    assert not OpinionMap.objects.exists()
    assert not Participant.objects.exists()


def test_missing_folder_host_or_map_is_refused(tmp_path: Path, place: Place) -> None:
    with pytest.raises(CommandError, match="There is no folder"):
        call_command("import_polis", str(tmp_path / "nope"), "--host-group", str(place.group.pk))
    with pytest.raises(CommandError, match="Say who hosts the map"):
        call_command("import_polis", str(tmp_path))
    with pytest.raises(CommandError, match="no ward with id 999999"):
        call_command("import_polis", str(tmp_path), "--host-ward", "999999")
    with pytest.raises(CommandError, match="no opinion map with id 999999"):
        call_command("export_polis", "999999", str(tmp_path / "out"))
    assert not OpinionMap.objects.exists()


def test_export_leaves_out_pending_statements_and_names(place: Place) -> None:
    opinion_map = OpinionMap.objects.create(group=place.group, question="Q?")
    person = Participant.objects.create(map=opinion_map, user=place.resident)
    shown = Statement.objects.create(
        map=opinion_map, text="Shown", status=StatementStatus.PUBLISHED
    )
    Statement.objects.create(map=opinion_map, text="Secret pending", status=StatementStatus.PENDING)
    Statement.objects.create(map=opinion_map, text="Out", status=StatementStatus.REJECTED)
    Vote.objects.create(map=opinion_map, participant=person, statement=shown, choice=1)
    files = export_files(opinion_map)
    everything = "".join(files.values())
    assert "Secret pending" not in everything
    assert "Shown" in everything
    assert "Out" in everything
    assert place.resident.email not in everything
    assert str(place.resident) not in everything
    rows = list(csv.DictReader(io.StringIO(files["comments.csv"])))
    assert [r["moderated"] for r in rows] == ["1", "-1"]


def _ari(polis: np.ndarray, ours: np.ndarray) -> tuple[float, int]:
    both = (polis >= 0) & (ours >= 0)
    return float(adjusted_rand_score(polis[both], ours[both])), int(both.sum())


def test_imported_groups_agree_with_polis_as_the_engine_alone_does(shared_data: Path) -> None:
    rows = []
    for name in (SMALL, CLEAR):
        folder = _folder(shared_data, name)
        imported = _import(folder)
        assert imported.result is not None
        export = read_export(folder)
        ours = {int(p[0]): int(p[3]) for p in imported.result["points"]}
        people = dict(Participant.objects.filter(map=imported).values_list("external_id", "id"))
        mine = np.asarray([ours.get(people[pid], -1) for pid in export.participant_ids])
        stored_ari, compared = _ari(export.polis_group, mine)
        alone = engine.compute(
            (export.participants, export.statements, export.values),
            shape=export.shape,
            excluded_statements=export.moderated_out,
        )
        engine_ari, _n = _ari(export.polis_group, alone.group)
        rows.append((name, imported.result["k"], stored_ari, engine_ari, compared))
    print()
    for name, k, stored_ari, engine_ari, compared in rows:
        print(f"{name:24} k={k} ARI stored={stored_ari:.3f} engine={engine_ari:.3f} n={compared}")
    for _name, _k, stored_ari, engine_ari, _n in rows:
        assert abs(stored_ari - engine_ari) < 0.05
    assert rows[1][2] > 0.8  # brexit-consensus: two clear sides, found again


def test_download_is_a_zip_of_the_four_files(client: Client, place: Place) -> None:
    opinion_map = OpinionMap.objects.create(group=place.group, question="Q?")

    response = client.get(f"/opinions/{opinion_map.pk}/export.zip")
    assert response.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert sorted(names) == ["comments.csv", "participants-votes.csv", "summary.csv", "votes.csv"]
