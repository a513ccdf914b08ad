"""Codings CSV import/export: round trip, links, quotes checked, one transaction per file."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import func, select

from qualcope.db.models import Coder, Coding, CodingLink
from qualcope.errors import ImportFileError
from qualcope.interchange.codings_csv import COLUMNS
from qualcope.services import codings, history
from qualcope.services.coding_exchange import import_codings
from qualcope.services.coding_export import export_codings
from qualcope.services.documents import find_document, get_document
from qualcope.services.importing import import_paths
from qualcope.services.project import Project
from tests.conftest import SAMPLE_CORPUS

TEXT = (
    "Interviewer: What happened then?\n\n"
    "Respondent: We wrote to the alderman. The rules said only trained volunteers, "
    "so some of us just stopped coming."
)


@pytest.fixture
def coded(icvc_project: Project, tmp_path: Path) -> Project:
    source = tmp_path / "talk.txt"
    source.write_text(TEXT, encoding="utf-8")
    import_paths(icvc_project, [source], lang="en")
    return icvc_project


def write(path: Path, rows: list[dict[str, object]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in COLUMNS})
    return path


def span(quote: str) -> tuple[int, int]:
    start = TEXT.index(quote)
    return start, start + len(quote)


def row(quote: str, code: str, **extra: object) -> dict[str, object]:
    start, end = span(quote)
    return {"file": "talk.txt", "start": start, "end": end, "code": code, "quote": quote, **extra}


def count(project: Project, model: type) -> int:
    with project.read() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


CONFLICT = "The rules said only trained volunteers"
ESCALATION = "We wrote to the alderman"
AVOIDANCE = "some of us just stopped coming"


def test_import_keeps_guids_creates_coders_and_links(coded: Project, tmp_path: Path) -> None:
    rows = [
        row(CONFLICT, "Value conflicts/Inclusion vs service quality", guid="c-1", coder="Mia"),
        row(ESCALATION, "Coping strategies/Escalation", guid="e-1", coder="Mia", copes_with="c-1"),
        row(
            AVOIDANCE,
            "Avoidance",
            coder="Mia",
            copes_with="c-1",
            favoured_value="Expectations/Public values in the process/Service quality",
            memo="=the avoiders",
        ),
    ]
    report = import_codings(coded, write(tmp_path / "in.csv", rows))
    assert (report.added, report.already_present, report.links) == (3, 0, 2)
    assert report.coders_created == ("Mia",)
    document_id = find_document(coded, "talk.txt")
    views = codings.codings_for_document(coded, document_id, coder="Mia")
    assert [v.snippet for v in views] == [ESCALATION, CONFLICT, AVOIDANCE]
    assert views[0].guid == "e-1" and views[0].links[0].target_code_path.endswith("service quality")
    assert views[2].links[0].favoured_code_path.endswith("Service quality")  # type: ignore[union-attr]
    assert views[2].memo == "=the avoiders" and views[2].origin == "import"


def test_export_then_import_round_trips(coded: Project, tmp_path: Path) -> None:
    rows = [
        row(CONFLICT, "Value conflicts/Inclusion vs service quality", guid="c-1"),
        row(ESCALATION, "Escalation", guid="e-1", copes_with="c-1", memo="-> wrote"),
    ]
    import_codings(coded, write(tmp_path / "in.csv", rows))
    out = tmp_path / "out.csv"
    assert export_codings(coded, out) == 2
    exported = list(csv.DictReader(out.open(encoding="utf-8")))
    assert exported[0]["memo"] == "'-> wrote"  # neutralised for spreadsheets
    assert exported[0]["code"] == "Coping strategies/Escalation"
    assert exported[0]["copes_with"] == "c-1" and exported[0]["quote"] == ESCALATION
    # Into a fresh copy of the project: same codings, links and memo.
    other = Project.create(tmp_path / "other.db", "tester")
    try:
        from qualcope.services import codebook
        from tests.conftest import ICVC

        codebook.import_codebook(other, codebook.read_codebook_file(ICVC))
        import_paths(other, [tmp_path / "talk.txt"], lang="en")
        import_codings(other, out)
        again = tmp_path / "again.csv"
        export_codings(other, again)
        assert again.read_bytes() == out.read_bytes()
    finally:
        other.close()


def test_importing_the_same_file_twice_adds_nothing(coded: Project, tmp_path: Path) -> None:
    path = write(tmp_path / "in.csv", [row(CONFLICT, "Inclusion vs service quality", guid="g")])
    import_codings(coded, path)
    report = import_codings(coded, path)
    assert (report.added, report.already_present) == (0, 1)
    assert count(coded, Coding) == 1


@pytest.mark.parametrize(
    "bad, message",
    [
        (
            {"quote": "something else"},
            "line 3: talk.txt at .*: the quote does not match the text there",
        ),
        ({"code": "Coping strategies"}, "line 3: 'Coping strategies' is a group"),
        ({"code": "Nonsense"}, "line 3: no code 'Nonsense' in the codebook"),
        ({"file": "other.txt"}, "line 3: no document 'other.txt'"),
        ({"start": "ten"}, "line 3: start and end must be whole numbers"),
        ({"end": 100_000}, "line 3: span .* is outside talk.txt"),
        ({"guid": "a"}, "line 3: guid a appears twice"),
        ({"copes_with": "nowhere"}, "line 3: copes_with names an unknown coding nowhere"),
        ({"favoured_value": "Equity"}, "line 3: favoured_value needs a copes_with coding"),
    ],
    ids=["quote", "group", "code", "file", "start", "outside", "guid", "link", "favoured"],
)
def test_a_bad_row_rolls_back_the_whole_file(
    coded: Project, tmp_path: Path, bad: dict[str, object], message: str
) -> None:
    rows = [row(CONFLICT, "Inclusion vs service quality", guid="a"), row(AVOIDANCE, "Avoidance")]
    rows[1].update(bad)
    path = write(tmp_path / "bad.csv", rows)
    with pytest.raises(ImportFileError, match=f"bad.csv, {message}"):
        import_codings(coded, path)
    assert count(coded, Coding) == count(coded, CodingLink) == 0
    with coded.read() as session:
        assert session.scalar(select(Coder.id).where(Coder.name == "")) is None


def test_missing_columns_and_non_utf8(coded: Project, tmp_path: Path) -> None:
    (tmp_path / "cols.csv").write_text("file,start,code\nx,1,y\n", encoding="utf-8")
    with pytest.raises(ImportFileError, match="cols.csv, line 1: missing column\\(s\\) end"):
        import_codings(coded, tmp_path / "cols.csv")
    (tmp_path / "latin.csv").write_bytes("file,start,end,code\ncaf\xe9,1,2,x\n".encode("cp1252"))
    with pytest.raises(ImportFileError, match="latin.csv: is not UTF-8"):
        import_codings(coded, tmp_path / "latin.csv")


def test_import_is_one_undoable_action(coded: Project, tmp_path: Path) -> None:
    rows = [row(CONFLICT, "Inclusion vs service quality"), row(AVOIDANCE, "Avoidance")]
    import_codings(coded, write(tmp_path / "in.csv", rows))
    assert count(coded, Coding) == 2
    history.undo(coded)
    assert count(coded, Coding) == 0


def test_sample_corpus_reference_coding_round_trips(icvc_project: Project, tmp_path: Path) -> None:
    import_paths(icvc_project, [SAMPLE_CORPUS])
    report = import_codings(icvc_project, SAMPLE_CORPUS / "codings.csv")
    shipped = list(csv.DictReader((SAMPLE_CORPUS / "codings.csv").open(encoding="utf-8")))
    assert report.added == len(shipped) >= 150
    assert report.links == sum(1 for r in shipped if r["copes_with"]) > 0
    groups = {r["code"].split("/")[0] for r in shipped}
    assert groups == {
        "Expectations",
        "Value conflicts",
        "Coping strategies",
        "Effects",
        "Explanatory factors",
    }
    for item in shipped:  # every offset points at its quote in the stored text
        text = get_document(icvc_project, find_document(icvc_project, item["file"])).text
        assert text[int(item["start"]) : int(item["end"])] == item["quote"]
    out = tmp_path / "export.csv"
    export_codings(icvc_project, out)
    exported = list(csv.DictReader(out.open(encoding="utf-8")))
    key = ("guid", "file", "start", "end", "code", "coder", "copes_with", "favoured_value")
    assert sorted(tuple(r[k] for k in key) for r in exported) == sorted(
        tuple(r[k] for k in key) for r in shipped
    )


# ------------------------------------------------------------ placed by the quote
def test_rows_without_positions_are_placed_where_their_quote_stands(
    coded: Project, tmp_path: Path
) -> None:
    sheet = tmp_path / "segments.csv"
    # As tools export coded segments: their own column names, lines joined and re-wrapped.
    sheet.write_text(
        "id,document,tag,content\n"
        '7,talk.txt,Avoidance,"some of us\n just  stopped coming."\n'
        f'8,talk.txt,Trade-off,"{CONFLICT}"\n',
        encoding="utf-8",
    )
    report = import_codings(coded, sheet)
    assert (report.added, report.located, report.ambiguous) == (2, 2, ())
    assert report.notes == (
        "column 'document' read as 'file'",
        "column 'tag' read as 'code'",
        "column 'content' read as 'quote'",
    )
    doc = find_document(coded, "talk.txt")
    found = {
        (c.snippet, c.code_path.rsplit("/", 1)[-1])
        for c in codings.codings_for_document(coded, doc)
    }
    assert found == {("some of us just stopped coming.", "Avoidance"), (CONFLICT, "Trade-off")}


def test_a_quote_found_nowhere_or_twice_stops_the_import_unless_twice_is_skipped(
    coded: Project, tmp_path: Path
) -> None:
    missing = tmp_path / "missing.csv"
    missing.write_text("file,code,quote\ntalk.txt,Avoidance,we never said this\n")
    with pytest.raises(ImportFileError, match="line 2: the quote 'we never said this' is not in"):
        import_codings(coded, missing)
    twice = tmp_path / "twice.csv"
    twice.write_text("file,code,quote\ntalk.txt,Avoidance,the\ntalk.txt,Trade-off,the alderman\n")
    with pytest.raises(ImportFileError, match="line 2: the quote 'the' is in talk.txt 2 times"):
        import_codings(coded, twice)
    assert count(coded, Coding) == 0  # all or nothing
    report = import_codings(coded, twice, skip_ambiguous=True)
    assert (report.added, report.ambiguous) == (1, (2,))


def test_a_quote_found_only_inside_a_longer_word_is_placed_and_listed(
    coded: Project, tmp_path: Path
) -> None:
    """'olunteer' stands once, inside 'volunteers': placed (a coding may cut a word), but the
    line is listed, since the passage the row meant may not be in the text at all. A quote
    of whole words is not listed, nor one that ends the text."""
    sheet = tmp_path / "cut.csv"
    sheet.write_text(
        f"file,code,quote\ntalk.txt,Avoidance,olunteer\ntalk.txt,Trade-off,{CONFLICT}\n"
        f"talk.txt,Escalation,{TEXT.split()[-1]}\n",
        encoding="utf-8",
    )
    report = import_codings(coded, sheet)
    assert (report.added, report.located, report.inside_words) == (3, 3, (2,))


def test_without_positions_a_quote_column_is_needed(coded: Project, tmp_path: Path) -> None:
    (tmp_path / "bare.csv").write_text("file,code\ntalk.txt,Avoidance\n")
    with pytest.raises(ImportFileError, match="missing column\\(s\\) start, end"):
        import_codings(coded, tmp_path / "bare.csv")
