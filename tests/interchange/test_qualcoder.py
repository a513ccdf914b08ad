"""The QualCoder reader: a project's rows become an exchange snapshot, read-only and exact."""

from __future__ import annotations

import hashlib
import sqlite3
from contextlib import closing
from datetime import datetime
from pathlib import Path
from uuid import uuid5

import pytest

from qualcope.errors import ImportFileError
from qualcope.interchange.project_snapshot import ExchangeProject, ExchangeSelection
from qualcope.interchange.qualcoder import QUALCODER_NAMESPACE, read_qualcoder
from tests.interchange.qualcoder_fixture import (
    ANNA_TEXT,
    BEN_TEXT,
    make_qualcoder_project,
    span,
)


def guid(key: str) -> str:
    return str(uuid5(QUALCODER_NAMESPACE, key))


def selection(project: ExchangeProject, source: str, phrase: str) -> ExchangeSelection:
    found = next(s for s in project.sources if s.name == source)
    start, end = span(found.text, phrase)
    return next(s for s in found.selections if (s.start, s.end) == (start, end))


@pytest.fixture
def qda(tmp_path: Path) -> Path:
    return make_qualcoder_project(tmp_path)


@pytest.fixture
def project(qda: Path) -> ExchangeProject:
    return read_qualcoder(qda)


def test_counts_per_kind(project: ExchangeProject) -> None:
    assert project.name == "pilot"
    assert project.origin == "QualCoder (database v7)"
    assert [s.name for s in project.sources] == ["interview_anna.txt", "interview_ben.txt"]
    assert [len(s.selections) for s in project.sources] == [3, 3]
    assert sum(len(sel.codings) for s in project.sources for sel in s.selections) == 7
    kinds = [spec.kind for _, spec in project.codebook.walk()]
    assert kinds.count("group") == 2 and kinds.count("code") == 4
    assert [c.name for c in project.cases] == ["Anna", "Ben"]
    assert [n.name for n in project.notes] == ["Project memo", "Week 1"]


def test_texts_kept_exactly_and_every_quote_is_the_text_at_its_span(
    project: ExchangeProject,
) -> None:
    anna, ben = project.sources
    assert anna.text == ANNA_TEXT and "\r\n" in anna.text  # CRLF kept, no normalising
    assert ben.text == BEN_TEXT
    for source in project.sources:
        for sel in source.selections:
            if sel.codings:
                assert source.text[sel.start : sel.end] == sel.quote
            else:  # an annotation has no seltext: its quote is unknown, not made up
                assert sel.quote == ""
    # Positions after the emoji count it as one code point.
    hard = selection(project, "interview_anna.txt", "it was hard at first")
    assert hard.start == ANNA_TEXT.index("it was hard")
    assert ANNA_TEXT[: hard.start].count("\U0001f605") == 1


def test_codebook_groups_nest_with_definitions_colours_and_guids(
    project: ExchangeProject,
) -> None:
    paths = {path: spec for path, spec in project.codebook.walk()}
    assert list(paths) == [
        "Experiences",
        "Experiences/Difficulties",
        "Experiences/Difficulties/Hardship",
        "Experiences/Difficulties/Isolation",
        "Experiences/Belonging",
        "Humour",
    ]
    assert paths["Experiences"].kind == "group"
    assert paths["Experiences"].definition == "What moving was like."
    assert paths["Experiences"].guid == guid("code_cat:1")
    hardship = paths["Experiences/Difficulties/Hardship"]
    assert (hardship.kind, hardship.definition) == ("code", "Things that were hard.")
    assert (hardship.colour, hardship.guid) == ("#eb7333", guid("code_name:1"))
    assert paths["Humour"].colour == "#f5e08a"


def test_codings_of_one_span_share_a_selection(project: ExchangeProject) -> None:
    two_coders = selection(project, "interview_anna.txt", "it was hard at first")
    assert [c.code_guid for c in two_coders.codings] == [guid("code_name:1")] * 2
    assert [c.user_guid for c in two_coders.codings] == [guid("owner:colin"), guid("owner:maria")]
    assert [c.guid for c in two_coders.codings] == [guid("code_text:1"), guid("code_text:2")]
    two_codes = selection(project, "interview_anna.txt", "We had no family nearby.")
    assert {c.code_guid for c in two_codes.codings} == {
        guid("code_name:1"),
        guid("code_name:2"),
    }
    assert two_codes.created == datetime(2021, 3, 4, 10, 11, 12)


def test_annotations_become_notes_on_their_span(project: ExchangeProject) -> None:
    coded = selection(project, "interview_anna.txt", "the school feels like home")
    assert len(coded.codings) == 1 and coded.notes == ("Compare with Ben's club.",)
    note_only = selection(project, "interview_ben.txt", "I worked nights")
    assert note_only.codings == () and note_only.notes == ("Shift work: ask about hours.",)
    assert note_only.user_guid == guid("owner:colin")


def test_cases_attributes_journal_and_dates(project: ExchangeProject) -> None:
    anna_case, ben_case = project.cases
    assert anna_case.variables == {"age": "34", "role": "parent"}
    assert anna_case.description == "Mother of two."
    assert anna_case.source_guids == (guid("source:1"),)  # the picture is not a text source
    assert ben_case.source_guids == (guid("source:2"),)
    anna, ben = project.sources
    assert anna.variables == {"interviewer": "colin"}
    assert ben.variables == {"interviewer": "maria"}
    assert anna.created == datetime(2021, 3, 4, 10, 11, 12)
    assert ben.created is None  # "last Tuesday" is not a date; no guess
    journal = project.notes[1]
    assert journal.text == "Two interviews done; Ben was tired."
    assert journal.user_guid == guid("owner:maria")


def test_users_are_the_owners_and_every_reference_resolves(project: ExchangeProject) -> None:
    assert [(u.name, u.guid) for u in project.users] == [
        ("colin", guid("owner:colin")),
        ("maria", guid("owner:maria")),
    ]
    known = {u.guid for u in project.users}
    for source in project.sources:
        for sel in source.selections:
            assert {c.user_guid for c in sel.codings} <= known


def test_skipped_lists_pictures_and_their_codings(project: ExchangeProject) -> None:
    assert project.skipped == ("1 picture or media source (school.jpg)", "1 picture coding")


def test_guids_are_stable_across_reads_and_copies(qda: Path, tmp_path: Path) -> None:
    first = read_qualcoder(qda)
    assert read_qualcoder(qda) == first
    assert read_qualcoder(qda / "data.qda") == first
    copy = make_qualcoder_project(tmp_path / "elsewhere")
    assert read_qualcoder(copy) == first
    guids = [s.guid for s in first.sources] + [spec.guid for _, spec in first.codebook.walk()]
    guids += [sel.guid for s in first.sources for sel in s.selections]
    guids += [c.guid for s in first.sources for sel in s.selections for c in sel.codings]
    assert len(guids) == len(set(guids))
    assert first.sources[0].guid == guid("source:1")


def test_bad_positions_are_reported_never_clamped(tmp_path: Path) -> None:
    bad = [
        {"ctid": 12, "cid": 1, "fid": 2, "seltext": "x", "pos0": 5, "pos1": 900},
        {"ctid": 13, "cid": 1, "fid": 2, "seltext": "x", "pos0": 9, "pos1": 5},
        {"ctid": 14, "cid": 1, "fid": 2, "seltext": "x", "pos0": -3, "pos1": 4},
        {"ctid": 15, "cid": 99, "fid": 2, "seltext": "Ben", "pos0": 44, "pos1": 47},
        {"ctid": 16, "cid": 1, "fid": 3, "seltext": "", "pos0": 0, "pos1": 4},
    ]
    qda = make_qualcoder_project(tmp_path, extra_rows={"code_text": bad})
    project = read_qualcoder(qda)
    assert project.skipped[2:] == (
        f"code_text row 12: positions 5-900 beyond the text of interview_ben.txt "
        f"({len(BEN_TEXT)} characters)",
        "code_text row 13: positions 9-5 select nothing (the end is not after the start)",
        "code_text row 14: position -3 is before the start of interview_ben.txt",
        "code_text row 15: code 99 does not exist",
        "code_text row 16: source 3 is not a text source",
    )
    assert sum(len(sel.codings) for s in project.sources for sel in s.selections) == 7
    for source in project.sources:
        assert all(0 <= s.start < s.end <= len(source.text) for s in source.selections)


def test_a_quote_that_differs_from_the_text_is_kept_as_given(tmp_path: Path) -> None:
    start, end = span(BEN_TEXT, "football club")
    row = {"ctid": 20, "cid": 4, "fid": 2, "seltext": "footbal club", "pos0": start, "pos1": end}
    project = read_qualcoder(make_qualcoder_project(tmp_path, extra_rows={"code_text": [row]}))
    assert selection(project, "interview_ben.txt", "football club").quote == "footbal club"


def test_an_old_layout_missing_a_column_is_refused_with_its_version(tmp_path: Path) -> None:
    qda = make_qualcoder_project(
        tmp_path, drop_columns={"code_text": ["pos1"]}, databaseversion="v2"
    )
    with pytest.raises(ImportFileError) as caught:
        read_qualcoder(qda)
    message = str(caught.value)
    assert "'code_text'" in message and "'pos1'" in message and "v2" in message
    assert "\n" not in message and "data.qda" in message


def test_a_missing_core_table_is_refused_with_its_version(tmp_path: Path) -> None:
    qda = make_qualcoder_project(tmp_path, drop_tables=["code_text"], databaseversion="v4")
    with pytest.raises(ImportFileError, match=r"'code_text' is missing \(QualCoder database v4\)"):
        read_qualcoder(qda)


def test_optional_columns_and_tables_may_be_missing(tmp_path: Path) -> None:
    qda = make_qualcoder_project(
        tmp_path,
        drop_columns={"code_text": ["ctid", "memo", "owner"], "code_name": ["color"]},
        drop_tables=["journal", "annotation", "code_av", "project"],
    )
    project = read_qualcoder(qda)
    assert project.origin == "QualCoder (database unknown)"
    assert sum(len(sel.codings) for s in project.sources for sel in s.selections) == 7
    # Without ctid a coding is named by its rowid, the same numbers QualCoder gave it.
    hard = selection(project, "interview_anna.txt", "it was hard at first")
    assert hard.codings[0].guid == guid("code_text:1") and hard.codings[0].user_guid is None
    assert project.notes == ()


def _not_a_project(tmp_path: Path, kind: str) -> Path:
    folder = tmp_path / "broken.qda"
    if kind == "missing":
        return tmp_path / "nowhere.qda"
    folder.mkdir()
    if kind == "no data.qda":
        (folder / "notes.txt").write_text("hello", encoding="utf-8")
    elif kind == "text":
        (folder / "data.qda").write_text("This is not a database.\n", encoding="utf-8")
    elif kind == "corrupt":  # a real project whose schema page was overwritten
        good = make_qualcoder_project(tmp_path / "good") / "data.qda"
        damaged = bytearray(good.read_bytes())
        damaged[100:1600] = b"\xa5" * 1500
        (folder / "data.qda").write_bytes(bytes(damaged))
    elif kind == "encrypted":  # what SQLCipher writes: no header, only noise
        (folder / "data.qda").write_bytes(hashlib.sha512(b"key").digest() * 64)
    elif kind == "other app":
        with closing(sqlite3.connect(folder / "data.qda")) as conn:
            conn.execute("CREATE TABLE documents (id integer, body text)")
            conn.commit()
    return folder


@pytest.mark.parametrize(
    "kind", ["missing", "no data.qda", "text", "corrupt", "encrypted", "other app"]
)
def test_what_is_not_a_qualcoder_project_is_refused_in_one_line(tmp_path: Path, kind: str) -> None:
    path = _not_a_project(tmp_path, kind)
    with pytest.raises(ImportFileError) as caught:
        read_qualcoder(path)
    message = str(caught.value)
    assert "\n" not in message and str(path) in message and "Traceback" not in message


def test_reading_never_writes(qda: Path) -> None:
    database = qda / "data.qda"
    before = hashlib.sha256(database.read_bytes()).hexdigest()
    listing = sorted(p.name for p in qda.iterdir())
    database.chmod(0o444)
    qda.chmod(0o555)  # a reader that needed a journal or lock file would fail here
    try:
        read_qualcoder(qda)
    finally:
        qda.chmod(0o755)
        database.chmod(0o644)
    assert hashlib.sha256(database.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in qda.iterdir()) == listing


def test_a_project_open_in_qualcoder_is_refused(qda: Path) -> None:
    (qda / "data.qda-journal").write_bytes(b"\xd9\xd5\x05\xf9 \xa1c\xd7" + bytes(504))
    with pytest.raises(ImportFileError, match="open in QualCoder"):
        read_qualcoder(qda)


def test_a_schema_that_calls_functions_is_not_run(tmp_path: Path) -> None:
    qda = make_qualcoder_project(tmp_path, drop_tables=["source"])
    with closing(sqlite3.connect(qda / "data.qda")) as conn:
        conn.execute(
            "CREATE VIEW source AS SELECT 1 AS id, 'a.txt' AS name, hex(randomblob(8)) AS fulltext"
        )
        conn.commit()
    with pytest.raises(ImportFileError, match="not authorized"):
        read_qualcoder(qda)


def test_category_cycles_are_lifted_and_reported(tmp_path: Path) -> None:
    cycle = [
        {"catid": 3, "name": "Loop A", "supercatid": 4},
        {"catid": 4, "name": "Loop B", "supercatid": 3},
    ]
    project = read_qualcoder(make_qualcoder_project(tmp_path, extra_rows={"code_cat": cycle}))
    assert [c.name for c in project.codebook.codes] == ["Experiences", "Loop A", "Loop B", "Humour"]
    assert (
        "code_cat row 3: its place under category 4 (the categories nest in a cycle); "
        "it is placed at the top" in project.skipped
    )


def test_a_folder_name_with_uri_characters_is_read(tmp_path: Path) -> None:
    qda = make_qualcoder_project(tmp_path, name="Pilot #1 50% ?x")
    assert read_qualcoder(qda).name == "Pilot #1 50% ?x"


def test_a_case_holding_part_of_a_source_holds_it_whole_and_says_so(tmp_path: Path) -> None:
    part = {"id": 4, "caseid": 2, "fid": 1, "pos0": 10, "pos1": 40}
    project = read_qualcoder(make_qualcoder_project(tmp_path, extra_rows={"case_text": [part]}))
    assert project.cases[1].source_guids == (guid("source:2"), guid("source:1"))
    assert (
        "the spans of 1 case segment holding part of a source; the case holds the whole source"
        in project.skipped
    )


def test_rows_without_an_id_are_left_out_and_counted(tmp_path: Path) -> None:
    qda = make_qualcoder_project(
        tmp_path,
        drop_columns={"code_name": ["cid"]},  # then re-created below without a primary key
        drop_tables=["code_cat"],
    )
    with closing(sqlite3.connect(qda / "data.qda")) as conn:
        conn.execute("CREATE TABLE code_cat (catid integer, name text, supercatid integer)")
        conn.execute("INSERT INTO code_cat VALUES (NULL, 'Orphan', NULL), (1, 'Kept', NULL)")
        conn.execute("ALTER TABLE code_name ADD COLUMN cid integer")
        conn.execute("UPDATE code_name SET cid = rowid WHERE name != 'Humour'")
        conn.commit()
    project = read_qualcoder(qda)
    assert "1 code_cat row without catid" in project.skipped
    assert "1 code_name row without cid" in project.skipped
    assert [c.name for c in project.codebook.codes if c.kind == "group"] == ["Kept"]
    assert "Humour" not in [spec.name for _, spec in project.codebook.walk()]
