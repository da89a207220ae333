"""`manage.py import_councillors`: councillors and their terms, against real Medway wards."""

from __future__ import annotations

import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from grassroots.places.models import Councillor, CouncillorTerm, Ward

pytestmark = pytest.mark.django_db

HEADER = "ward_code,name,party,email,term_start,term_end,phone\n"


@pytest.fixture
def medway(shared_data: Path) -> dict[str, str]:
    """Medway's real 2013 wards; returns ward name -> GSS code."""
    path = shared_data / "wards" / "E06000035.json"
    call_command("import_wards", str(path), "--council-name", "Medway", stdout=StringIO())
    return dict(Ward.objects.values_list("name", "gss_code"))


def write(tmp_path: Path, text: str, name: str = "councillors.csv") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def run(path: Path) -> str:
    out = StringIO()
    call_command("import_councillors", str(path), stdout=out)
    return out.getvalue()


def test_it_imports_councillors_who_then_show_on_their_ward(
    medway: dict[str, str], tmp_path: Path
) -> None:
    chatham = medway["Chatham Central"]
    path = write(
        tmp_path,
        HEADER
        + f"{chatham},Vince Maple,Labour,vince.maple@medway.example,2023-05-04,,01634 000001\n"
        + f"{chatham},Siju Adeoye,Labour,siju.adeoye@medway.example,2023-05-04,,\n"
        + f"{medway['River']},Habib Tejan,Labour,,2023-05-04,,\n",
    )

    output = run(path)

    assert "Councillors: 3 new, 0 updated. Terms: 3 new, 0 updated." in output
    sitting = CouncillorTerm.objects.current().filter(ward__gss_code=chatham)
    names = sorted(sitting.values_list("councillor__name", flat=True))
    assert names == ["Siju Adeoye", "Vince Maple"]
    maple = Councillor.objects.get(slug="vince-maple")
    assert (maple.party, maple.email, maple.phone) == (
        "Labour",
        "vince.maple@medway.example",
        "01634 000001",
    )


def test_bad_rows_are_rejected_by_line_number_and_the_rest_imported(
    medway: dict[str, str], tmp_path: Path
) -> None:
    river = medway["River"]
    path = write(
        tmp_path,
        HEADER
        + f"{river},Good Person,Independent,good@medway.example,2023-05-04,,\n"  # line 2
        + "E05999999,Nowhere Person,Independent,,2023-05-04,,\n"  # line 3
        + f"{river},Bad Date,Independent,,04/05/2023,,\n"  # line 4
        + f"{river},Backwards Term,Independent,,2023-05-04,2019-05-02,\n"  # line 5
        + f"{river},Bad Email,Independent,not-an-email,2023-05-04,,\n"  # line 6
        + f"{river},,Independent,,2023-05-04,,\n"  # line 7
        + f"{river},Feb Thirtieth,Independent,,2023-02-30,,\n"  # line 8
        + f"{river},Short Row\n",  # line 9
    )

    output = run(path)

    assert list(Councillor.objects.values_list("name", flat=True)) == ["Good Person"]
    assert "Rejected: 7." in output
    for line, reason in [
        (3, "unknown ward code 'E05999999'"),
        (4, "bad term_start '04/05/2023' (expected YYYY-MM-DD)"),
        (5, "term ends (2019-05-02) before it starts (2023-05-04)"),
        (6, "bad email address 'not-an-email'"),
        (7, "no name"),
        (8, "bad term_start '2023-02-30'"),
        (9, "has 2 fields, expected 7"),
    ]:
        assert f"line {line}: {reason}" in output


def test_running_it_again_changes_nothing(medway: dict[str, str], tmp_path: Path) -> None:
    path = write(
        tmp_path,
        HEADER + f"{medway['River']},Habib Tejan,Labour,,2023-05-04,,\n"
        f"{medway['Twydall']},Adam Price,Conservative,adam@medway.example,2019-05-02,2023-05-04,\n",
    )
    run(path)
    before = list(CouncillorTerm.objects.values_list("councillor__slug", "ward__name", "ends_on"))

    output = run(path)

    assert "Councillors: 0 new, 0 updated. Terms: 0 new, 0 updated." in output
    after = list(CouncillorTerm.objects.values_list("councillor__slug", "ward__name", "ends_on"))
    assert after == before
    assert Councillor.objects.count() == 2


def test_a_councillor_is_matched_by_email_and_keeps_their_address(
    medway: dict[str, str], tmp_path: Path
) -> None:
    river, strood = medway["River"], medway["Strood Rural"]
    run(write(tmp_path, HEADER + f"{river},Pat Smith,Labour,pat@medway.example,2019-05-02,,\n"))

    output = run(
        write(
            tmp_path,
            HEADER
            + f"{river},Patricia Smith,Independent,PAT@medway.example,2019-05-02,2023-05-04,\n"
            + f"{strood},Patricia Smith,Independent,pat@medway.example,2023-05-04,,\n",
        )
    )

    assert "Councillors: 0 new, 1 updated. Terms: 1 new, 1 updated." in output
    councillor = Councillor.objects.get()
    assert (councillor.name, councillor.party, councillor.slug) == (
        "Patricia Smith",
        "Independent",
        "pat-smith",
    )
    terms = {t.ward.name: t.ends_on for t in councillor.terms.select_related("ward")}
    assert terms == {"River": datetime.date(2023, 5, 4), "Strood Rural": None}


def test_without_an_email_a_councillor_is_matched_by_name_and_ward(
    medway: dict[str, str], tmp_path: Path
) -> None:
    river = medway["River"]
    run(write(tmp_path, HEADER + f"{river},Sam Jones,Labour,,2019-05-02,2023-05-04,\n"))

    run(
        write(
            tmp_path,
            HEADER
            + f"{river},Sam Jones,Labour,,2023-05-04,,\n"
            + f"{medway['Twydall']},Sam Jones,Green,,2023-05-04,,\n",
        )
    )

    assert Councillor.objects.filter(terms__ward__gss_code=river).distinct().count() == 1
    assert CouncillorTerm.objects.filter(councillor__slug="sam-jones").count() == 2
    # The same name in another ward, with nothing else to go on, is somebody else.
    assert Councillor.objects.get(terms__ward__name="Twydall").slug == "sam-jones-2"


def test_people_with_the_same_name_and_different_emails_stay_apart(
    medway: dict[str, str], tmp_path: Path
) -> None:
    river = medway["River"]
    run(
        write(
            tmp_path,
            HEADER
            + f"{river},Chris Lee,Labour,chris.a@medway.example,2023-05-04,,\n"
            + f"{river},Chris Lee,Labour,chris.b@medway.example,2023-05-04,,\n",
        )
    )

    assert sorted(Councillor.objects.values_list("slug", flat=True)) == ["chris-lee", "chris-lee-2"]


def test_the_optional_columns_may_be_left_out(medway: dict[str, str], tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "name,ward_code,party,email,term_start\n"
        f"Alex Green,{medway['Walderslade']},Green,alex@medway.example,2023-05-04\n",
    )

    run(path)

    term = CouncillorTerm.objects.select_related("councillor", "ward").get()
    assert (term.councillor.name, term.ward.name, term.ends_on) == (
        "Alex Green",
        "Walderslade",
        None,
    )
    assert term.is_current(datetime.date(2025, 1, 1))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("ward_code,name,term_start\nE05002249,A Person,2023-05-04\n", "missing the columns party"),
        ("", "is empty"),
    ],
)
def test_a_file_without_the_columns_is_refused_and_changes_nothing(
    medway: dict[str, str], tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(CommandError, match=message):
        run(write(tmp_path, text))

    assert not Councillor.objects.exists()


def test_a_retired_ward_takes_only_terms_that_ended_by_its_retirement(
    medway: dict[str, str], tmp_path: Path
) -> None:
    river = medway["River"]
    Ward.objects.filter(gss_code=river).update(
        retired_at=datetime.datetime(2023, 5, 4, 12, tzinfo=datetime.UTC)
    )
    path = write(
        tmp_path,
        HEADER
        + f"{river},Past Member,Independent,,2015-05-07,2019-05-02,\n"  # line 2: history
        + f"{river},Open Ended,Independent,,2023-05-04,,\n"  # line 3
        + f"{river},Too Late,Independent,,2019-05-02,2023-05-10,\n",  # line 4
    )

    output = run(path)

    assert list(Councillor.objects.values_list("name", flat=True)) == ["Past Member"]
    assert f"line 3: ward {river} was retired on 2023-05-04" in output
    assert f"line 4: ward {river} was retired on 2023-05-04" in output
