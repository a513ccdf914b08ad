"""Reading a QualCoder project (``NAME.qda/data.qda``, SQLite) into an ``ExchangeProject``.

Owns opening that file strictly read-only, checking its layout by column name (one it does not
know is refused, naming the table, the column and the ``databaseversion``) and turning its rows
into exchange values: text sources, codings, annotations, the code tree (categories become
groups), cases, attributes, journal entries and users. What it cannot take is listed in
``skipped``; positions are never clamped, and ``seltext`` is kept as the quote to be checked.

QualCoder has no GUIDs, so each is ``uuid5(QUALCODER_NAMESPACE, "<table>:<id>")`` (users
``"owner:<name>"``, selections ``"selection:<fid>:<pos0>:<pos1>"``): the same on every read.
"""

from __future__ import annotations

import re
import sqlite3
from collections import defaultdict
from contextlib import closing
from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import UUID, uuid5

from qualcope.domain import CodebookSpec, CodeSpec
from qualcope.errors import ImportFileError
from qualcope.interchange.project_snapshot import (
    ExchangeCase,
    ExchangeCoding,
    ExchangeNote,
    ExchangeProject,
    ExchangeSelection,
    ExchangeSource,
    ExchangeUser,
)
from qualcope.interchange.readonly_sqlite import (
    connect_read_only,
    refuse_open_journal,
    table_names,
)

# Fixed for all time: a new namespace would give every imported object a new GUID, and a
# second import of the same project could no longer be matched with the first.
QUALCODER_NAMESPACE = UUID("0c5f3e52-7a1d-5b8e-9f46-3d2c1b0a9e87")
DATABASE_FILE = "data.qda"

Row = dict[str, Any]

# table -> (columns it must have, columns read when present, the column naming a row).
# A row is named by its key column, or by its rowid in versions without one.
LAYOUT: dict[str, tuple[tuple[str, ...], tuple[str, ...], str]] = {
    "project": ((), ("databaseversion", "memo", "codername"), ""),
    "source": (("id", "name", "fulltext"), ("memo", "owner", "date"), "id"),
    "code_cat": (("catid", "name"), ("supercatid", "memo", "owner", "date"), "catid"),
    "code_name": (("cid", "name"), ("catid", "color", "memo", "owner", "date"), "cid"),
    "code_text": (("cid", "fid", "pos0", "pos1"), ("seltext", "owner", "date", "memo"), "ctid"),
    "annotation": (("fid", "pos0", "pos1", "memo"), ("owner", "date"), "anid"),
    "cases": (("caseid", "name"), ("memo", "owner", "date"), "caseid"),
    "case_text": (("caseid", "fid"), ("pos0", "pos1"), "id"),
    "attribute": (("name", "attr_type", "value", "id"), ("owner",), "attrid"),
    "journal": (("name", "jentry"), ("date", "owner"), "jid"),
    # Picture and audio/video codings are only counted, so no column is needed.
    "code_image": ((), (), "imid"),
    "code_av": ((), (), "avid"),
}
# Without these a file is another application's database, not a QualCoder project.
IDENTIFYING = ("source", "code_name")
# Every QualCoder version has these; a file with the tables above but not these is a layout
# this reader does not know, so it is refused rather than read as an empty project.
CORE = ("code_cat", "code_text")
COLOUR = re.compile(r"#[0-9a-f]{6}")
OWNERS = ("owner", "codername")
COUNTED = {"code_image": "picture coding", "code_av": "audio or video coding"}


def read_qualcoder(path: Path) -> ExchangeProject:
    """Read a QualCoder project (the ``NAME.qda`` folder or its ``data.qda``), never writing."""
    database = _database_file(Path(path))
    try:
        with closing(connect_read_only(database)) as conn:
            version, rows = _read_tables(conn, database)
    except sqlite3.Error as error:
        message = " ".join(str(error).split()) or type(error).__name__
        raise ImportFileError(
            f"not a readable QualCoder database ({message})", path=database
        ) from error
    return _build(_project_name(database), version, rows)


# ------------------------------------------------------------------ opening, read-only
def _database_file(path: Path) -> Path:
    if path.is_dir():
        database = path / DATABASE_FILE
        if not database.is_file():
            raise ImportFileError(
                f"not a QualCoder project folder (no {DATABASE_FILE} inside)", path=path
            )
    elif path.is_file():
        database = path
    else:
        raise ImportFileError("no such file or folder", path=path)
    refuse_open_journal(database, "QualCoder")
    return database


def _project_name(database: Path) -> str:
    folder = database.parent.name if database.name == DATABASE_FILE else database.stem
    return folder.removesuffix(".qda") or folder or "QualCoder project"


def _read_tables(conn: sqlite3.Connection, database: Path) -> tuple[str, dict[str, list[Row]]]:
    present = table_names(conn)
    if not all(table in present for table in IDENTIFYING):
        raise ImportFileError(
            "not a QualCoder project (no 'source' and 'code_name' tables)", path=database
        )
    project = _rows(conn, "project", "unknown", database) if "project" in present else []
    version = (_text(project[0]["databaseversion"]).strip() if project else "") or "unknown"
    for table in CORE:
        if table not in present:
            raise _unsupported(f"table '{table}' is missing", version, database)
    return version, {t: _rows(conn, t, version, database) if t in present else [] for t in LAYOUT}


def _rows(conn: sqlite3.Connection, table: str, version: str, database: Path) -> list[Row]:
    """Every row of a table as {column: value}, read by column name whatever the order."""
    required, optional, key = LAYOUT[table]
    # Names are matched without case, as SQLite does; `table` is one of LAYOUT's constants.
    cursor = conn.execute(f'SELECT * FROM "{table}" LIMIT 0')  # noqa: S608 - constant name
    columns = {str(item[0]).lower(): str(item[0]) for item in cursor.description}
    for column in required:
        if column not in columns:
            raise _unsupported(f"table '{table}' has no column '{column}'", version, database)
    wanted = [c for c in (*required, *optional) if c in columns]
    key_sql = f'"{columns[key]}"' if key in columns else "rowid"
    select = ", ".join([f"{key_sql} AS _key", *(f'"{columns[c]}"' for c in wanted)])
    order_by = " ORDER BY _key" if key else ""
    # Every identifier comes from LAYOUT and was checked against the file's own columns.
    query = f'SELECT {select} FROM "{table}"{order_by}'  # noqa: S608
    blank = dict.fromkeys((*required, *optional))
    return [
        {**blank, **dict(zip(["_key", *wanted], values, strict=True))}
        for values in conn.execute(query)
    ]


def _unsupported(problem: str, version: str, database: Path) -> ImportFileError:
    return ImportFileError(
        f"{problem} (QualCoder database {version}); this layout is not supported", path=database
    )


# ------------------------------------------------------------------ building the snapshot
def _guid(kind: str, key: object) -> str:
    return str(uuid5(QUALCODER_NAMESPACE, f"{kind}:{key}"))


def _date(value: object) -> datetime | None:
    """QualCoder writes ``2021-03-04 10:11:12``; anything else ISO-like is taken, else None."""
    try:
        return datetime.fromisoformat(value.strip()) if isinstance(value, str) else None
    except ValueError:
        return None


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _is_position(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _user(owner: object) -> str | None:
    name = _text(owner).strip()
    return _guid("owner", name) if name else None


def _users(rows: dict[str, list[Row]]) -> tuple[ExchangeUser, ...]:
    """Every distinct owner of any row read, and the project's coder name."""
    names = {_text(row.get(c)).strip() for t in rows.values() for row in t for c in OWNERS}
    ordered = sorted(names - {""}, key=lambda n: (n.casefold(), n))
    return tuple(ExchangeUser(guid=_guid("owner", n), name=n) for n in ordered)


def _plural(count: int, what: str) -> str:
    return f"{count} {what}{'' if count == 1 else 's'}"


def _build(name: str, version: str, rows: dict[str, list[Row]]) -> ExchangeProject:
    skipped: list[str] = []
    for table, key in (("source", "id"), ("code_cat", "catid"), ("code_name", "cid")):
        # Ids are what everything else points at (and None means "top level" in the tree).
        if any(row[key] is None for row in rows[table]):
            missing = sum(row[key] is None for row in rows[table])
            skipped.append(f"{_plural(missing, table + ' row')} without {key}")
            rows[table] = [row for row in rows[table] if row[key] is not None]
    project = rows["project"][0] if rows["project"] else {}
    texts = {row["id"]: row for row in rows["source"] if isinstance(row["fulltext"], str)}
    media = [_text(r["name"]) for r in rows["source"] if r["id"] not in texts]
    if media:
        shown = ", ".join(media[:5]) + (", ..." if len(media) > 5 else "")
        skipped.append(f"{_plural(len(media), 'picture or media source')} ({shown})")
    skipped.extend(_plural(len(rows[t]), what) for t, what in COUNTED.items() if rows[t])
    codebook = _codebook(name, rows["code_cat"], rows["code_name"], skipped)
    spans = _selections(rows, texts, {row["cid"] for row in rows["code_name"]}, skipped)
    variables = _attributes(rows["attribute"])
    sources = tuple(
        ExchangeSource(
            guid=_guid("source", fid),
            name=_text(row["name"]),
            text=row["fulltext"],
            selections=tuple(spans.get(fid, ())),
            variables=variables.get(("file", fid), {}),
            memo=_text(row["memo"]),
            user_guid=_user(row["owner"]),
            created=_date(row["date"]),
        )
        for fid, row in texts.items()
    )
    notes = [
        ExchangeNote(
            guid=_guid("journal", row["_key"]),
            text=_text(row["jentry"]),
            name=_text(row["name"]),
            user_guid=_user(row["owner"]),
            created=_date(row["date"]),
        )
        for row in rows["journal"]
    ]
    memo = _text(project.get("memo"))
    if memo.strip():  # the project memo has no other place in the snapshot: it leads the notes
        notes.insert(0, ExchangeNote(guid=_guid("project", "memo"), text=memo, name="Project memo"))
    return ExchangeProject(
        name=name,
        origin=f"QualCoder (database {version})",
        users=_users(rows),
        codebook=codebook,
        sources=sources,
        cases=_cases(rows, texts, variables, skipped),
        notes=tuple(notes),
        skipped=tuple(skipped),
    )


def _codebook(name: str, cats: list[Row], codes: list[Row], skipped: list[str]) -> CodebookSpec:
    """Categories nested by ``supercatid`` become groups; codes sit in their ``catid``."""
    by_id = {row["catid"]: row for row in cats}
    parent: dict[Any, Any] = {}
    for catid, row in by_id.items():
        up, seen = row["supercatid"], {catid}
        while up in by_id and up not in seen:
            seen.add(up)
            up = by_id[up]["supercatid"]
        if up == catid:  # the walk up came back: a cycle, lifted to the top and reported
            skipped.append(
                f"code_cat row {catid}: its place under category {row['supercatid']!r} "
                "(the categories nest in a cycle); it is placed at the top"
            )
        parent[catid] = row["supercatid"] if row["supercatid"] in by_id and up != catid else None
    depth: dict[Any, int] = {None: 0}
    for catid in by_id:  # iterative and memoised: a deep or hostile tree costs no recursion
        chain = [catid]
        while chain[-1] not in depth:
            chain.append(parent[chain[-1]])
        for node in reversed(chain[:-1]):
            depth[node] = depth[parent[node]] + 1
    kids: dict[Any, list[CodeSpec]] = defaultdict(list)
    for row in sorted(codes, key=lambda r: _sort_key(r, "cid")):
        kids[row["catid"] if row["catid"] in by_id else None].append(_code(row, skipped))
    groups: dict[Any, list[CodeSpec]] = defaultdict(list)
    for row in sorted(cats, key=lambda r: (-depth[r["catid"]], *_sort_key(r, "catid"))):
        catid = row["catid"]  # deepest first, so a group's children are built before it
        spec = CodeSpec(
            name=_text(row["name"]),
            kind="group",
            definition=_text(row["memo"]),
            children=(*groups.pop(catid, ()), *kids.pop(catid, ())),
            guid=_guid("code_cat", catid),
        )
        groups[parent[catid]].append(spec)
    return CodebookSpec(name=name, codes=(*groups[None], *kids[None]))


def _sort_key(row: Row, key: str) -> tuple[str, str]:
    return (_text(row["name"]).casefold(), str(row[key]))


def _code(row: Row, skipped: list[str]) -> CodeSpec:
    colour = _text(row["color"]).strip().lower() or None
    if colour is not None and not COLOUR.fullmatch(colour):
        skipped.append(f"code_name row {row['cid']}: colour {row['color']!r} (not #rrggbb)")
        colour = None
    return CodeSpec(
        name=_text(row["name"]),
        definition=_text(row["memo"]),
        colour=colour,
        guid=_guid("code_name", row["cid"]),
    )


def _span_problem(row: Row, source: Row | None) -> str | None:
    """Why a row's span cannot be taken as it stands, or None; never a corrected span."""
    if source is None:
        return f"source {row['fid']!r} is not a text source"
    pos0, pos1, text = row["pos0"], row["pos1"], source["fulltext"]
    if not (_is_position(pos0) and _is_position(pos1)):
        return f"positions {pos0!r}-{pos1!r} are not whole numbers"
    if pos0 < 0:
        return f"position {pos0} is before the start of {source['name']}"
    if pos0 >= pos1:
        return f"positions {pos0}-{pos1} select nothing (the end is not after the start)"
    if pos1 > len(text):
        return (
            f"positions {pos0}-{pos1} beyond the text of {source['name']} ({len(text)} characters)"
        )
    return None


def _selections(
    rows: dict[str, list[Row]],
    texts: dict[Any, Row],
    known_codes: set[Any],
    skipped: list[str],
) -> dict[Any, list[ExchangeSelection]]:
    """Codings grouped by (source, pos0, pos1); annotations become notes on their span."""
    groups: dict[tuple[Any, int, int], list[Row]] = {}
    notes: dict[tuple[Any, int, int], list[Row]] = defaultdict(list)
    for row in rows["code_text"]:
        problem = _span_problem(row, texts.get(row["fid"]))
        if problem is None and row["cid"] not in known_codes:
            problem = f"code {row['cid']!r} does not exist"
        if problem:
            skipped.append(f"code_text row {row['_key']}: {problem}")
            continue
        groups.setdefault((row["fid"], row["pos0"], row["pos1"]), []).append(row)
    for row in rows["annotation"]:
        if not _text(row["memo"]).strip():
            continue  # an empty note carries nothing to keep
        problem = _span_problem(row, texts.get(row["fid"]))
        if problem:
            skipped.append(f"annotation row {row['_key']}: {problem}")
            continue
        notes[(row["fid"], row["pos0"], row["pos1"])].append(row)
    out: dict[Any, list[ExchangeSelection]] = defaultdict(list)
    for span in sorted({*groups, *notes}, key=lambda s: (str(s[0]), s[1], s[2])):
        codings = groups.get(span, [])
        first = codings[0] if codings else notes[span][0]
        # Rows of one span should agree on seltext; the first one that has it is the quote.
        quote = next((r["seltext"] for r in codings if isinstance(r["seltext"], str)), "")
        out[span[0]].append(
            ExchangeSelection(
                guid=_guid("selection", ":".join(str(part) for part in span)),
                start=span[1],
                end=span[2],
                quote=quote,
                user_guid=_user(first["owner"]),
                created=_date(first["date"]),
                codings=tuple(
                    ExchangeCoding(
                        guid=_guid("code_text", r["_key"]),
                        code_guid=_guid("code_name", r["cid"]),
                        user_guid=_user(r["owner"]),
                        created=_date(r["date"]),
                        memo=_text(r["memo"]),
                    )
                    for r in codings
                ),
                notes=tuple(_text(r["memo"]) for r in notes.get(span, [])),
            )
        )
    return out


def _attributes(rows: list[Row]) -> dict[tuple[str, Any], dict[str, str]]:
    """(``'case'`` or ``'file'``, id) -> {attribute name: value}."""
    out: dict[tuple[str, Any], dict[str, str]] = defaultdict(dict)
    for row in rows:
        kind = _text(row["attr_type"]).strip().lower()
        if kind in ("case", "file") and _text(row["name"]):
            out[(kind, row["id"])][_text(row["name"])] = _text(row["value"])
    return {key: dict(sorted(values.items())) for key, values in out.items()}


def _cases(
    rows: dict[str, list[Row]],
    texts: dict[Any, Row],
    variables: dict[tuple[str, Any], dict[str, str]],
    skipped: list[str],
) -> tuple[ExchangeCase, ...]:
    held: dict[Any, list[Any]] = defaultdict(list)
    partial = 0
    for row in rows["case_text"]:
        source = texts.get(row["fid"])
        if source is None:
            continue  # a picture or media source, already counted as skipped
        if row["fid"] not in held[row["caseid"]]:
            held[row["caseid"]].append(row["fid"])
        pos0, pos1 = row["pos0"], row["pos1"]
        if _is_position(pos0) and _is_position(pos1):
            partial += pos0 > 0 or pos1 < len(source["fulltext"])
    if partial:
        skipped.append(  # the snapshot's cases hold whole sources, so the span is lost
            f"the spans of {_plural(partial, 'case segment')} holding part of a source; "
            "the case holds the whole source"
        )
    return tuple(
        ExchangeCase(
            guid=_guid("cases", row["caseid"]),
            name=_text(row["name"]),
            variables=variables.get(("case", row["caseid"]), {}),
            source_guids=tuple(_guid("source", fid) for fid in held.get(row["caseid"], [])),
            description=_text(row["memo"]),
        )
        for row in rows["cases"]
    )
