"""Builds small QualCoder projects (``NAME.qda/data.qda``) for the QualCoder reader's tests.

The tables are written here from QualCoder's documented layout (not copied from QualCoder):
``project``, ``source``, ``code_cat``, ``code_name``, ``code_text``, ``code_image``,
``code_av``, ``annotation``, ``cases``, ``case_text``, ``attribute_type``, ``attribute`` and
``journal``. Tests can drop columns to imitate an older layout and add rows of their own.
Every coding's positions are computed from its text here, in code points, so a test can check
``text[start:end] == quote`` without trusting the reader.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from contextlib import closing
from pathlib import Path
from typing import Any

# table -> (column, type) in QualCoder's order; the reader must not depend on this order.
SCHEMA: dict[str, list[tuple[str, str]]] = {
    "project": [
        ("databaseversion", "text"),
        ("date", "text"),
        ("memo", "text"),
        ("about", "text"),
        ("bookmarkfile", "integer"),
        ("bookmarkpos", "integer"),
        ("codername", "text"),
    ],
    "source": [
        ("id", "integer primary key"),
        ("name", "text"),
        ("fulltext", "text"),
        ("mediapath", "text"),
        ("memo", "text"),
        ("owner", "text"),
        ("date", "text"),
        ("av_text_id", "integer"),
        ("risid", "integer"),
    ],
    "code_cat": [
        ("catid", "integer primary key"),
        ("name", "text"),
        ("owner", "text"),
        ("date", "text"),
        ("memo", "text"),
        ("supercatid", "integer"),
    ],
    "code_name": [
        ("cid", "integer primary key"),
        ("name", "text"),
        ("memo", "text"),
        ("owner", "text"),
        ("date", "text"),
        ("catid", "integer"),
        ("color", "text"),
    ],
    "code_text": [
        ("ctid", "integer primary key"),
        ("cid", "integer"),
        ("fid", "integer"),
        ("seltext", "text"),
        ("pos0", "integer"),
        ("pos1", "integer"),
        ("owner", "text"),
        ("date", "text"),
        ("memo", "text"),
        ("avid", "integer"),
        ("important", "integer"),
    ],
    "code_image": [
        ("imid", "integer primary key"),
        ("id", "integer"),
        ("x1", "integer"),
        ("y1", "integer"),
        ("width", "integer"),
        ("height", "integer"),
        ("cid", "integer"),
        ("memo", "text"),
        ("date", "text"),
        ("owner", "text"),
        ("important", "integer"),
    ],
    "code_av": [
        ("avid", "integer primary key"),
        ("id", "integer"),
        ("pos0", "integer"),
        ("pos1", "integer"),
        ("cid", "integer"),
        ("memo", "text"),
        ("date", "text"),
        ("owner", "text"),
        ("important", "integer"),
    ],
    "annotation": [
        ("anid", "integer primary key"),
        ("fid", "integer"),
        ("pos0", "integer"),
        ("pos1", "integer"),
        ("memo", "text"),
        ("owner", "text"),
        ("date", "text"),
    ],
    "cases": [
        ("caseid", "integer primary key"),
        ("name", "text"),
        ("memo", "text"),
        ("owner", "text"),
        ("date", "text"),
    ],
    "case_text": [
        ("id", "integer primary key"),
        ("caseid", "integer"),
        ("fid", "integer"),
        ("pos0", "integer"),
        ("pos1", "integer"),
        ("owner", "text"),
        ("date", "text"),
        ("memo", "text"),
    ],
    "attribute_type": [
        ("name", "text primary key"),
        ("date", "text"),
        ("owner", "text"),
        ("memo", "text"),
        ("caseOrFile", "text"),
        ("valuetype", "text"),
    ],
    "attribute": [
        ("attrid", "integer primary key"),
        ("name", "text"),
        ("attr_type", "text"),
        ("value", "text"),
        ("id", "integer"),
        ("date", "text"),
        ("owner", "text"),
    ],
    "journal": [
        ("jid", "integer primary key"),
        ("name", "text"),
        ("jentry", "text"),
        ("date", "text"),
        ("owner", "text"),
    ],
}

# CRLF line ends kept, and an emoji (one code point, two UTF-16 units) before a coding.
ANNA_TEXT = (
    "Interviewer: How did the move go?\r\n"
    "Anna: Honestly \U0001f605 it was hard at first.\r\n"
    "We had no family nearby.\r\n"
    "Interviewer: And now?\r\n"
    "Anna: Now the school feels like home.\r\n"
)
BEN_TEXT = (
    "Interviewer: Tell me about your first year.\n"
    "Ben: I worked nights, so I hardly saw the neighbours.\n"
    "Ben: The football club changed that.\n"
)
DATE = "2021-03-04 10:11:12"


def span(text: str, phrase: str) -> tuple[int, int]:
    """Code-point positions of the first occurrence of ``phrase``, end-exclusive."""
    start = text.index(phrase)
    return start, start + len(phrase)


def _coding(ctid: int, cid: int, fid: int, text: str, phrase: str, owner: str) -> dict[str, Any]:
    pos0, pos1 = span(text, phrase)
    return {
        "ctid": ctid,
        "cid": cid,
        "fid": fid,
        "seltext": phrase,
        "pos0": pos0,
        "pos1": pos1,
        "owner": owner,
        "date": DATE,
        "memo": "",
        "important": None,
    }


def default_rows() -> dict[str, list[dict[str, Any]]]:
    """The realistic example project: 2 text sources, 1 picture, 2 owners, 2 cases."""
    anna_all, ben_all = (0, len(ANNA_TEXT)), (0, len(BEN_TEXT))
    return {
        "project": [
            {
                "databaseversion": "v7",
                "date": DATE,
                "memo": "Pilot study of families who moved for work.",
                "about": "QualCoder 3.5",
                "codername": "colin",
            }
        ],
        "source": [
            {
                "id": 1,
                "name": "interview_anna.txt",
                "fulltext": ANNA_TEXT,
                "owner": "colin",
                "date": DATE,
            },
            {
                "id": 2,
                "name": "interview_ben.txt",
                "fulltext": BEN_TEXT,
                "owner": "maria",
                "date": "last Tuesday",
            },
            {"id": 3, "name": "school.jpg", "mediapath": "/images/school.jpg", "owner": "colin"},
        ],
        "code_cat": [
            {"catid": 1, "name": "Experiences", "memo": "What moving was like.", "owner": "colin"},
            {"catid": 2, "name": "Difficulties", "supercatid": 1, "owner": "colin"},
        ],
        "code_name": [
            {
                "cid": 1,
                "name": "Hardship",
                "memo": "Things that were hard.",
                "catid": 2,
                "color": "#EB7333",
                "owner": "colin",
            },
            {
                "cid": 2,
                "name": "Isolation",
                "memo": "No one around to help.",
                "catid": 2,
                "color": "#AB74D6",
                "owner": "colin",
            },
            {
                "cid": 3,
                "name": "Belonging",
                "memo": "Feeling at home.",
                "catid": 1,
                "color": "#7eb0d5",
                "owner": "maria",
            },
            {
                "cid": 4,
                "name": "Humour",
                "memo": "Jokes and laughter.",
                "catid": None,
                "color": "#F5E08A",
                "owner": "maria",
            },
        ],
        "code_text": [
            _coding(1, 1, 1, ANNA_TEXT, "it was hard at first", "colin"),
            _coding(2, 1, 1, ANNA_TEXT, "it was hard at first", "maria"),
            _coding(3, 2, 1, ANNA_TEXT, "We had no family nearby.", "colin"),
            _coding(4, 1, 1, ANNA_TEXT, "We had no family nearby.", "colin"),
            _coding(5, 3, 1, ANNA_TEXT, "the school feels like home", "maria"),
            _coding(6, 2, 2, BEN_TEXT, "I hardly saw the neighbours", "colin"),
            _coding(7, 3, 2, BEN_TEXT, "The football club changed that.", "maria"),
        ],
        "code_image": [
            {"imid": 1, "id": 3, "x1": 10, "y1": 10, "width": 50, "height": 40, "cid": 3}
        ],
        "annotation": [
            {
                "anid": 1,
                "fid": 1,
                "pos0": span(ANNA_TEXT, "the school feels like home")[0],
                "pos1": span(ANNA_TEXT, "the school feels like home")[1],
                "memo": "Compare with Ben's club.",
                "owner": "maria",
                "date": DATE,
            },
            {
                "anid": 2,
                "fid": 2,
                "pos0": span(BEN_TEXT, "I worked nights")[0],
                "pos1": span(BEN_TEXT, "I worked nights")[1],
                "memo": "Shift work: ask about hours.",
                "owner": "colin",
                "date": DATE,
            },
        ],
        "cases": [
            {"caseid": 1, "name": "Anna", "memo": "Mother of two.", "owner": "colin"},
            {"caseid": 2, "name": "Ben", "memo": "", "owner": "colin"},
        ],
        "case_text": [
            {"id": 1, "caseid": 1, "fid": 1, "pos0": anna_all[0], "pos1": anna_all[1]},
            {"id": 2, "caseid": 2, "fid": 2, "pos0": ben_all[0], "pos1": ben_all[1]},
            {"id": 3, "caseid": 1, "fid": 3, "pos0": 0, "pos1": 0},
        ],
        "attribute_type": [
            {"name": "age", "caseOrFile": "case", "valuetype": "numeric"},
            {"name": "role", "caseOrFile": "case", "valuetype": "character"},
            {"name": "interviewer", "caseOrFile": "file", "valuetype": "character"},
        ],
        "attribute": [
            {"attrid": 1, "name": "age", "attr_type": "case", "value": "34", "id": 1},
            {"attrid": 2, "name": "role", "attr_type": "case", "value": "parent", "id": 1},
            {"attrid": 3, "name": "age", "attr_type": "case", "value": "41", "id": 2},
            {"attrid": 4, "name": "role", "attr_type": "case", "value": "worker", "id": 2},
            {"attrid": 5, "name": "interviewer", "attr_type": "file", "value": "colin", "id": 1},
            {"attrid": 6, "name": "interviewer", "attr_type": "file", "value": "maria", "id": 2},
        ],
        "journal": [
            {
                "jid": 1,
                "name": "Week 1",
                "jentry": "Two interviews done; Ben was tired.",
                "date": DATE,
                "owner": "maria",
            },
        ],
        "code_av": [],
    }


def make_qualcoder_project(
    folder: Path,
    name: str = "pilot",
    *,
    drop_columns: Mapping[str, Sequence[str]] | None = None,
    drop_tables: Sequence[str] = (),
    extra_rows: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
    databaseversion: str = "v7",
) -> Path:
    """Write ``folder/NAME.qda/data.qda`` and return the ``NAME.qda`` folder."""
    project = folder / f"{name}.qda"
    project.mkdir(parents=True)
    rows = default_rows()
    rows["project"][0]["databaseversion"] = databaseversion
    for table, extra in (extra_rows or {}).items():
        rows.setdefault(table, []).extend(dict(row) for row in extra)
    dropped = {table: set(columns) for table, columns in (drop_columns or {}).items()}
    with closing(sqlite3.connect(project / "data.qda")) as conn:
        for table, columns in SCHEMA.items():
            if table in drop_tables:
                continue
            kept = [(c, kind) for c, kind in columns if c not in dropped.get(table, set())]
            conn.execute(f"CREATE TABLE {table} ({', '.join(f'{c} {k}' for c, k in kept)})")
            names = [c for c, _ in kept]
            for row in rows.get(table, []):
                values = [row.get(c) for c in names]
                marks = ", ".join("?" * len(names))
                conn.execute(f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})", values)
        conn.commit()
    return project
