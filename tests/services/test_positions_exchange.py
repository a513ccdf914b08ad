"""Codings from other tools land on exactly the characters they covered in the file.

Other tools count positions in code points of the file's text. A file that starts with blank
lines and uses CRLF, or holds decomposed accents, is stored changed (LF, NFC); its offset map
converts, so a coding at 28-44 in the file covers the same words after import, with or
without a quote, and exports back to 28-44.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import select

from qualcope.db.models import Coding, Document
from qualcope.errors import ImportFileError
from qualcope.interchange.codings_csv import COLUMNS
from qualcope.services import doctor
from qualcope.services.coding_exchange import import_codings
from qualcope.services.coding_export import export_codings
from qualcope.services.importing import import_paths
from qualcope.services.project import Project

FILE_TEXT = (
    "\r\n\r\nInterviewer: What did you do?\r\n\r\n"
    "Respondent: We wrote to the alderman.\r\nThen we waited.\r\n"
)
QUOTE = "We wrote to the alderman"
CODE = "Coping strategies/Escalation"


def file_span(quote: str, text: str = FILE_TEXT) -> tuple[int, int]:
    start = text.index(quote)
    return start, start + len(quote)


@pytest.fixture
def crlf_project(icvc_project: Project, tmp_path: Path) -> Project:
    path = tmp_path / "crlf.txt"
    path.write_bytes(FILE_TEXT.encode("utf-8"))
    report = import_paths(icvc_project, [path], lang="en")
    assert report.imported
    return icvc_project


def write(path: Path, rows: list[dict[str, object]], columns: tuple[str, ...] = COLUMNS) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in columns})
    return path


def stored(project: Project) -> list[tuple[int, int, str, bool]]:
    with project.read() as session:
        text = session.scalar(select(Document.text))
        rows = session.execute(
            select(Coding.start, Coding.end, Coding.snippet, Coding.quote_checked)
        ).all()
    assert text is not None
    for start, end, snippet, _ in rows:
        assert text[start:end] == snippet
    return [tuple(row) for row in rows]  # type: ignore[misc]


def test_the_stored_text_keeps_the_leading_blank_lines(crlf_project: Project) -> None:
    with crlf_project.read() as session:
        text = session.scalar(select(Document.text))
    assert text == FILE_TEXT.replace("\r\n", "\n")


@pytest.mark.parametrize("with_quote", [True, False])
def test_a_coding_made_elsewhere_covers_the_same_characters(
    crlf_project: Project, tmp_path: Path, with_quote: bool
) -> None:
    start, end = file_span(QUOTE)
    assert (start, end) == (49, 73)  # code points of the file, CRs counted
    row = {"file": "crlf.txt", "start": start, "end": end, "code": CODE}
    if with_quote:
        row["quote"] = QUOTE
    report = import_codings(crlf_project, write(tmp_path / "in.csv", [row]))
    [(s, e, snippet, checked)] = stored(crlf_project)
    assert snippet == QUOTE and (s, e) == (start - 4, end - 4)  # four CRs before it
    assert checked is with_quote and report.unquoted == (0 if with_quote else 1)
    notes = doctor.notices(crlf_project)
    assert any("without a quote" in n for n in notes) is (not with_quote)
    assert doctor.check(crlf_project) == []
    out = tmp_path / "out.csv"
    export_codings(crlf_project, out)
    [exported] = list(csv.DictReader(out.open(encoding="utf-8")))
    assert (int(exported["start"]), int(exported["end"])) == (start, end)
    assert exported["positions"] == "file" and exported["quote"] == QUOTE
    export_codings(crlf_project, out, positions="stored")
    [exported] = list(csv.DictReader(out.open(encoding="utf-8")))
    assert (int(exported["start"]), int(exported["end"]), exported["positions"]) == (
        start - 4,
        end - 4,
        "stored",
    )
    again = import_codings(crlf_project, out)  # its positions column says stored
    assert (again.added, again.already_present) == (0, 1)


def test_a_multi_line_quote_with_crlf_matches_the_stored_lf_text(
    crlf_project: Project, tmp_path: Path
) -> None:
    quote = "We wrote to the alderman.\r\nThen we waited."
    start, end = file_span(quote)
    row = {"file": "crlf.txt", "start": start, "end": end, "code": CODE, "quote": quote}
    import_codings(crlf_project, write(tmp_path / "in.csv", [row]))
    [(_, _, snippet, checked)] = stored(crlf_project)
    assert snippet == quote.replace("\r\n", "\n") and checked


def test_stored_positions_given_as_file_positions_are_explained(
    crlf_project: Project, tmp_path: Path
) -> None:
    start, end = file_span(QUOTE, FILE_TEXT.replace("\r\n", "\n"))  # qualcope's positions
    row = {"file": "crlf.txt", "start": start, "end": end, "code": CODE, "quote": QUOTE}
    path = write(tmp_path / "in.csv", [row])
    with pytest.raises(ImportFileError) as caught:
        import_codings(crlf_project, path)
    message = str(caught.value)
    assert "line 2" in message and "the quote is there in stored positions" in message
    assert "--positions stored" in message and "\n" not in message
    assert stored(crlf_project) == []  # nothing kept
    report = import_codings(crlf_project, path, positions="stored")
    assert report.added == 1 and stored(crlf_project)[0][2] == QUOTE


def test_a_quote_that_differs_only_by_surrounding_white_space_is_explained(
    crlf_project: Project, tmp_path: Path
) -> None:
    start, end = file_span(QUOTE)
    row = {"file": "crlf.txt", "start": start - 1, "end": end, "code": CODE, "quote": QUOTE}
    with pytest.raises(ImportFileError, match="only by white space at its ends"):
        import_codings(crlf_project, write(tmp_path / "in.csv", [row]))


def test_a_span_starting_between_cr_and_lf_is_widened_and_counted(
    crlf_project: Project, tmp_path: Path
) -> None:
    line_end = FILE_TEXT.index("\r\nThen")
    end = FILE_TEXT.index("waited") + len("waited")
    row = {"file": "crlf.txt", "start": line_end + 1, "end": end, "code": CODE}
    report = import_codings(crlf_project, write(tmp_path / "in.csv", [row]))
    assert report.widened == 1
    assert stored(crlf_project)[0][2] == "\nThen we waited"


def test_decomposed_accents_in_the_file_count_as_the_file_counts_them(
    icvc_project: Project, tmp_path: Path
) -> None:
    text = "Interviewer: Waar?\n\nRespondent: In het cafe\u0301 op de hoek, daar begon het."
    path = tmp_path / "nfd.txt"
    path.write_text(text, encoding="utf-8")
    import_paths(icvc_project, [path], lang="nl")
    quote = "daar begon het"
    start, end = file_span(quote, text)
    row = {"file": "nfd.txt", "start": start, "end": end, "code": CODE, "quote": quote}
    import_codings(icvc_project, write(tmp_path / "in.csv", [row]))
    [(s, e, snippet, _)] = stored(icvc_project)
    assert snippet == quote and (s, e) == (start - 1, end - 1)  # é is one code point stored


def test_a_document_from_before_file_positions_uses_stored_positions_and_says_so(
    crlf_project: Project, tmp_path: Path
) -> None:
    with crlf_project.write("pretend an old import", undoable=False) as session:
        document = session.scalars(select(Document)).one()
        document.import_report = {}
        document.offset_map = None
    start, end = file_span(QUOTE, FILE_TEXT.replace("\r\n", "\n"))
    row = {"file": "crlf.txt", "start": start, "end": end, "code": CODE, "quote": QUOTE}
    report = import_codings(crlf_project, write(tmp_path / "in.csv", [row]))
    assert report.stored_only == ("crlf.txt",) and report.added == 1
    assert any("before qualcope recorded file positions" in n for n in doctor.notices(crlf_project))
    out = tmp_path / "out.csv"
    export_codings(crlf_project, out)
    [exported] = list(csv.DictReader(out.open(encoding="utf-8")))
    assert exported["positions"] == "stored"


def test_a_quote_a_few_characters_away_says_how_far(crlf_project: Project, tmp_path: Path) -> None:
    start, end = file_span(QUOTE)
    row = {"file": "crlf.txt", "start": start + 3, "end": end + 3, "code": CODE, "quote": QUOTE}
    with pytest.raises(ImportFileError, match="3 characters before the given position"):
        import_codings(crlf_project, write(tmp_path / "in.csv", [row]))
