"""Reading Taguette projects: the real SERDIF export, and files built here in Taguette's layout."""

from __future__ import annotations

import csv
import json
import sqlite3
from collections import Counter
from contextlib import closing
from pathlib import Path

import pytest

from qualcope.errors import ImportFileError
from qualcope.interchange.project_snapshot import ExchangeProject
from qualcope.interchange.taguette import read_taguette
from tests.conftest import shared_file

SCHEMA = """
CREATE TABLE users (login VARCHAR(30) PRIMARY KEY, created DATETIME NOT NULL);
CREATE TABLE projects (id INTEGER PRIMARY KEY AUTOINCREMENT, name VARCHAR(200) NOT NULL,
  description TEXT NOT NULL, created DATETIME NOT NULL);
CREATE TABLE project_members (project_id INTEGER NOT NULL, user_login VARCHAR(30) NOT NULL,
  privileges VARCHAR(11) NOT NULL, PRIMARY KEY (project_id, user_login));
CREATE TABLE documents (id INTEGER PRIMARY KEY AUTOINCREMENT, name VARCHAR(200) NOT NULL,
  description TEXT NOT NULL, filename VARCHAR(200) NOT NULL, created DATETIME NOT NULL,
  project_id INTEGER NOT NULL, text_direction VARCHAR(13) NOT NULL, contents TEXT NOT NULL);
CREATE TABLE commands (id INTEGER PRIMARY KEY AUTOINCREMENT, date DATETIME NOT NULL,
  user_login VARCHAR(30) NOT NULL, project_id INTEGER NOT NULL, document_id INTEGER,
  payload TEXT NOT NULL);
CREATE TABLE tags (id INTEGER PRIMARY KEY AUTOINCREMENT, project_id INTEGER NOT NULL,
  path VARCHAR(200) NOT NULL, description TEXT NOT NULL);
CREATE TABLE highlights (id INTEGER PRIMARY KEY AUTOINCREMENT, document_id INTEGER NOT NULL,
  start_offset INTEGER NOT NULL, end_offset INTEGER NOT NULL, snippet TEXT NOT NULL);
CREATE TABLE highlight_tags (highlight_id INTEGER NOT NULL, tag_id INTEGER NOT NULL,
  PRIMARY KEY (highlight_id, tag_id));
"""
WHEN = "2024-01-02 10:00:00"
# Taguette's HTML: multi-byte letters and an emoji before the highlights (offsets count UTF-8
# bytes), an entity, a <br> and two blocks with no break between them.
CONTENTS = "<p>Café 😀 &amp; co: we waited.</p>\n<p>Then<br>we left.</p><p>Naïve</p>"


def build(path: Path, highlights: list[tuple[int, int, str, list[int]]], **extra: object) -> Path:
    """A Taguette export with one project, its documents and the highlights given as
    (start byte, end byte, snippet HTML, tag ids)."""
    with closing(sqlite3.connect(path)) as conn:
        conn.executescript(SCHEMA)
        projects = extra.get("projects", ["Study"])
        for name in projects:  # type: ignore[union-attr]
            conn.execute(
                "INSERT INTO projects (name, description, created) VALUES (?, '', ?)", (name, WHEN)
            )
        for login in extra.get("members", ["ana"]):  # type: ignore[union-attr]
            conn.execute("INSERT INTO users VALUES (?, ?)", (login, WHEN))
            conn.execute("INSERT INTO project_members VALUES (1, ?, 'ADMIN')", (login,))
        conn.execute(
            "INSERT INTO documents (name, description, filename, created, project_id, "
            "text_direction, contents) VALUES ('a.odt', '', 'a.odt', ?, 1, 'LEFT_TO_RIGHT', ?)",
            (WHEN, CONTENTS),
        )
        conn.execute("INSERT INTO tags (project_id, path, description) VALUES (1, 'Waiting', 'w')")
        conn.execute("INSERT INTO tags (project_id, path, description) VALUES (1, 'Leaving', '')")
        for number, (start, end, snippet, tags) in enumerate(highlights, start=1):
            conn.execute(
                "INSERT INTO highlights (document_id, start_offset, end_offset, snippet) "
                "VALUES (1, ?, ?, ?)",
                (start, end, snippet),
            )
            for tag in tags:
                conn.execute("INSERT INTO highlight_tags VALUES (?, ?)", (number, tag))
        for login, highlight in extra.get("made_by", []):  # type: ignore[union-attr]
            payload = json.dumps({"type": "highlight_add", "highlight_id": highlight})
            conn.execute(
                "INSERT INTO commands (date, user_login, project_id, document_id, payload) "
                "VALUES (?, ?, 1, 1, ?)",
                (WHEN, login, payload),
            )
        conn.commit()
    return path


def byte(text: str) -> int:
    """Where ``text`` starts in Taguette's count of CONTENTS: UTF-8 bytes of its text."""
    plain = "Café 😀 & co: we waited.\nThenwe left.Naïve"
    return len(plain[: plain.index(text)].encode("utf-8"))


def quotes(project: ExchangeProject) -> list[tuple[str, tuple[str, ...]]]:
    source = project.sources[0]
    return [
        (source.text[s.start : s.end], tuple(c.code_guid for c in s.codings))
        for s in source.selections
    ]


def test_bytes_become_characters_and_every_highlight_holds_its_text(tmp_path: Path) -> None:
    waited = (byte("we waited"), byte("we waited") + len("we waited"), "<p>we waited</p>", [1, 2])
    left = (byte("Then"), byte("we left") + len("we left"), "<p>Then<br>we left</p>", [2])
    naive = (byte("Naïve"), byte("Naïve") + len("Naïve".encode()), "<p>Naïve</p>", [1])
    project = read_taguette(build(tmp_path / "t.sqlite3", [waited, left, naive]))
    source = project.sources[0]
    assert source.text == "Café 😀 & co: we waited.\nThen\nwe left.\nNaïve"  # breaks kept
    assert source.breaks_added == 2  # the <br> and the block right after text: not Taguette's
    found = [(text, len(codes)) for text, codes in quotes(project)]
    assert found == [("we waited", 2), ("Then\nwe left", 1), ("Naïve", 1)]
    assert project.users[0].name == "ana"
    assert all(s.user_guid == project.users[0].guid for s in source.selections)
    assert [c.name for c in project.codebook.codes] == ["Waiting", "Leaving"]
    assert project.codebook.codes[0].definition == "w" and project.skipped == ()


def test_a_highlight_that_cannot_be_taken_is_left_out_and_listed(tmp_path: Path) -> None:
    cafe = byte("Café")
    highlights = [
        (cafe, cafe + 4, "Caf\u00e9", [1]),  # ends inside the two bytes of 'é'
        (byte("we"), byte("we") + 2, "<p>no</p>", [1]),  # not its snippet
        (byte("we"), 999, "we", [1]),  # beyond the text
        (byte("we"), byte("we") + 2, "we", []),  # no tag
    ]
    project = read_taguette(build(tmp_path / "t.sqlite3", highlights))
    assert project.sources[0].selections == ()
    assert project.skipped == (
        f"highlight 1 in 'a.odt': offsets {cafe}-{cafe + 4} fall inside a character",
        f"highlight 2 in 'a.odt': its text at {byte('we')}-{byte('we') + 2} is not its snippet",
        "highlight 4 in 'a.odt': no tag",  # in text order, as Taguette lists them
        f"highlight 3 in 'a.odt': offsets {byte('we')}-999 are outside the text (46 bytes)",
    )


def test_with_several_members_the_command_log_says_who_highlighted(tmp_path: Path) -> None:
    span = (byte("we"), byte("we") + 2, "we", [1])
    path = build(tmp_path / "t.sqlite3", [span, span], members=["ana", "ben"], made_by=[("ben", 1)])
    project = read_taguette(path)
    ben = next(u.guid for u in project.users if u.name == "ben")
    assert [s.user_guid for s in project.sources[0].selections] == [ben, None]
    assert project.remarks == (
        "the coder of 1 highlight is not recorded: they are the importing coder's",
    )


def test_refused_files_say_why_in_one_line(tmp_path: Path) -> None:
    two = build(tmp_path / "two.sqlite3", [], projects=["A", "B"])
    with pytest.raises(ImportFileError, match="holds 2 projects \\('A', 'B'\\); export the one"):
        read_taguette(two)
    other = tmp_path / "other.sqlite3"
    with closing(sqlite3.connect(other)) as conn:
        conn.execute("CREATE TABLE notes (x)")
    with pytest.raises(ImportFileError, match="not a Taguette project"):
        read_taguette(other)
    text = tmp_path / "text.sqlite3"
    text.write_text("not a database")
    with pytest.raises(ImportFileError, match="not a Taguette project this reader knows"):
        read_taguette(text)


def test_the_real_serdif_project_imports_every_highlight_with_its_tags() -> None:
    project = read_taguette(
        shared_file("serdif-usability/taguette/SERDIF_P2_ThematicAnalysis.sqlite3")
    )
    selections = [s for source in project.sources for s in source.selections]
    assert (len(project.sources), len(project.codebook.codes)) == (17, 22)
    assert (len(selections), sum(len(s.codings) for s in selections)) == (1793, 1930)
    assert [u.name for u in project.users] == ["admin"]
    assert project.skipped == ("highlight 1630 in 'P16_GMT20211215.odt': no tag",)
    # Taguette's own highlights export holds the same passages under the same tags.
    export = shared_file("serdif-usability/taguette/all_tags_20220303.csv")
    with export.open(encoding="utf-8", newline="") as handle:
        exported = Counter(
            (row["document"], row["tag"], " ".join(row["content"].split()))
            for row in csv.DictReader(handle)
        )
    names = {code.guid: code.name for code in project.codebook.codes}
    imported = Counter(
        (source.name, names[coding.code_guid], " ".join(source.text[s.start : s.end].split()))
        for source in project.sources
        for s in source.selections
        for coding in s.codings
    )
    assert imported == exported


def test_a_nameless_tag_a_tag_of_nothing_and_a_document_without_text_are_listed(
    tmp_path: Path,
) -> None:
    span = (byte("we"), byte("we") + 2, "we", [1, 2, 9])
    path = build(tmp_path / "t.sqlite3", [span])
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("UPDATE tags SET path = ' ' WHERE id = 2")
        conn.execute(
            "INSERT INTO documents (name, description, filename, created, project_id, "
            "text_direction, contents) VALUES ('b.odt', '', 'b.odt', ?, 1, 'LEFT_TO_RIGHT', ?)",
            (WHEN, b"<p>bytes</p>"),
        )
        conn.commit()
    project = read_taguette(path)
    assert [code.name for code in project.codebook.codes] == ["Waiting"]
    assert quotes(project) == [("we", (project.codebook.codes[0].guid,))]
    assert [source.name for source in project.sources] == ["a.odt"]
    assert project.skipped == (
        "tag 2: it has no name",
        "document 'b.odt': it has no text, nor do its highlights",
        "2 highlight tags naming no tag of the project",
    )


def test_the_import_says_where_line_breaks_were_written_and_who_is_assumed(
    tmp_path: Path,
) -> None:
    from qualcope.services import exchange

    waited = (byte("we waited"), byte("we waited") + len("we waited"), "<p>we waited</p>", [1])
    path = build(tmp_path / "t.sqlite3", [waited], members=["ana", "ben"])
    _, report = exchange.import_into_new(tmp_path / "p.db", path, "ana")
    assert report.notes == [
        "the coder of 1 highlight is not recorded: they are the importing coder's",
        "source 'a.odt': 2 line breaks written where its markup broke lines (a <br>, a new "
        "paragraph) and Taguette's text has none; every coding keeps its words",
    ]
