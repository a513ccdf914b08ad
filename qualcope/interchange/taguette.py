"""Reading a Taguette project (its SQLite export, ``NAME.sqlite3``) into an ``ExchangeProject``.

Taguette keeps each document as HTML and counts a highlight's offsets in UTF-8 bytes of the
document's text (the HTML's text, tags left out, entities read). The reader writes that text
out (a line break where a ``<br>`` or a block with no break before it would otherwise run two
lines together), converts each offset from bytes to characters, and checks every highlight's
text against Taguette's own snippet: a highlight whose offsets fall inside a character, lie
outside the text or do not hold its snippet is left out and listed, never moved.

Tags become codes (their description the definition); a highlight with several tags is one
selection with a coding per tag. Highlights record no coder: with one project member they
are that member's, else the member whose ``highlight_add`` command made them, else the
importing coder's, and the import says how many. The file is opened read-only
(``readonly_sqlite``); a file holding several projects is refused (Taguette exports one).
"""

from __future__ import annotations

import json
import sqlite3
from bisect import bisect_left, bisect_right
from collections import defaultdict
from contextlib import closing
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from uuid import UUID, uuid5

from qualcope.domain import CodebookSpec, CodeSpec
from qualcope.errors import ImportFileError
from qualcope.interchange.project_snapshot import (
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

# Fixed for all time, as QualCoder's: a second import must give the same GUIDs.
TAGUETTE_NAMESPACE = UUID("6a0e8f61-2b7c-5d94-8e13-7f5a4c2b1d09")
SUFFIXES = (".sqlite3", ".sqlite")
IDENTIFYING = ("projects", "documents", "tags", "highlights", "highlight_tags")
BLOCKS = frozenset({"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "blockquote"})


def is_taguette_file(path: Path) -> bool:
    """Whether a file looks like a Taguette export by its name (its tables decide later)."""
    return path.suffix.lower() in SUFFIXES and path.is_file()


def read_taguette(path: Path) -> ExchangeProject:
    """The project in a Taguette SQLite export, never writing to it."""
    database = Path(path)
    if not database.is_file():
        raise ImportFileError("no such file", path=database)
    refuse_open_journal(database, "Taguette")
    try:
        with closing(connect_read_only(database)) as conn:
            return _read(conn, database)
    except sqlite3.Error as error:
        message = " ".join(str(error).split()) or type(error).__name__
        raise ImportFileError(
            f"not a Taguette project this reader knows ({message})", path=database
        ) from error


def _guid(kind: str, key: object) -> str:
    return str(uuid5(TAGUETTE_NAMESPACE, f"{kind}:{key}"))


def _date(value: object) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _read(conn: sqlite3.Connection, database: Path) -> ExchangeProject:
    present = table_names(conn)
    if not all(table in present for table in IDENTIFYING):
        raise ImportFileError(
            "not a Taguette project (no projects, documents, tags and highlights tables)",
            path=database,
        )
    projects = conn.execute("SELECT id, name, description FROM projects ORDER BY id").fetchall()
    if len(projects) != 1:
        names = ", ".join(repr(name) for _, name, _ in projects) or "none"
        raise ImportFileError(
            f"holds {len(projects)} projects ({names}); export the one to import from "
            "Taguette (its project menu: Export project)",
            path=database,
        )
    project_id, name, description = projects[0]
    members = (
        [
            str(login)
            for (login,) in conn.execute(
                "SELECT user_login FROM project_members WHERE project_id = ? ORDER BY user_login",
                (project_id,),
            )
        ]
        if "project_members" in present
        else []
    )
    skipped: list[str] = []
    single = members[0] if len(members) == 1 else None
    makers = {} if single else _makers(conn, present, project_id, members)
    tags = conn.execute(
        "SELECT id, path, description FROM tags WHERE project_id = ? ORDER BY id", (project_id,)
    ).fetchall()
    named = [(i, path, about) for i, path, about in tags if isinstance(path, str) and path.strip()]
    known = {tag_id for tag_id, _, _ in named}
    skipped.extend(f"tag {tag_id}: it has no name" for tag_id, _, _ in tags if tag_id not in known)
    codebook = CodebookSpec(
        name=str(name),
        codes=tuple(
            CodeSpec(name=path, definition=str(about or ""), guid=_guid("tags", tag_id))
            for tag_id, path, about in named
        ),
    )
    tagged: dict[int, list[int]] = defaultdict(list)
    dangling = 0
    for highlight_id, tag_id in conn.execute(
        "SELECT highlight_id, tag_id FROM highlight_tags ORDER BY highlight_id, tag_id"
    ):
        if tag_id in known:
            tagged[highlight_id].append(tag_id)
        else:
            dangling += 1
    sources = []
    remarks: list[str] = []
    unattributed = 0
    for doc_id, doc_name, about, contents, created in conn.execute(
        "SELECT id, name, description, contents, created FROM documents "
        "WHERE project_id = ? ORDER BY id",
        (project_id,),
    ).fetchall():
        if not isinstance(contents, str):
            skipped.append(f"document {doc_name!r}: it has no text, nor do its highlights")
            continue
        text = TaguetteText(contents)
        selections = []
        for highlight_id, start, end, snippet in conn.execute(
            "SELECT id, start_offset, end_offset, snippet FROM highlights "
            "WHERE document_id = ? ORDER BY start_offset, end_offset, id",
            (doc_id,),
        ):
            where = f"highlight {highlight_id} in {doc_name!r}"
            if not tagged.get(highlight_id):
                skipped.append(f"{where}: no tag")
                continue
            span = text.span(start, end, TaguetteText(str(snippet)).taguette)
            if isinstance(span, str):
                skipped.append(f"{where}: {span}")
                continue
            maker = single or makers.get(highlight_id)
            unattributed += maker is None
            user = _guid("user", maker) if maker else None
            selections.append(
                ExchangeSelection(
                    guid=_guid("highlights", highlight_id),
                    start=span[0],
                    end=span[1],
                    quote=text.text[span[0] : span[1]],
                    user_guid=user,
                    codings=tuple(
                        ExchangeCoding(
                            guid=_guid("highlight_tags", f"{highlight_id}:{tag_id}"),
                            code_guid=_guid("tags", tag_id),
                            user_guid=user,
                        )
                        for tag_id in tagged[highlight_id]
                    ),
                )
            )
        sources.append(
            ExchangeSource(
                guid=_guid("documents", doc_id),
                name=str(doc_name),
                text=text.text,
                selections=tuple(selections),
                memo=str(about or ""),
                created=_date(created),
                breaks_added=text.breaks_added,
            )
        )
    if dangling:
        skipped.append(f"{dangling} highlight tags naming no tag of the project")
    if unattributed:
        remarks.append(
            f"the coder of {unattributed} highlight{'s' if unattributed != 1 else ''} is not "
            "recorded: they are the importing coder's"
        )
    notes = ()
    if str(description or "").strip():
        notes = (ExchangeNote(_guid("projects", project_id), str(description), "Project"),)
    return ExchangeProject(
        name=str(name),
        origin="Taguette",
        users=tuple(ExchangeUser(_guid("user", login), login) for login in members),
        codebook=codebook,
        sources=tuple(sources),
        notes=notes,
        skipped=tuple(skipped),
        remarks=tuple(remarks),
    )


def _makers(
    conn: sqlite3.Connection, present: set[str], project_id: int, members: list[str]
) -> dict[int, str]:
    """Highlight id -> the member whose ``highlight_add`` command made it, where recorded."""
    found: dict[int, str] = {}
    if "commands" not in present:
        return found
    for login, payload in conn.execute(
        "SELECT user_login, payload FROM commands WHERE project_id = ? ORDER BY id",
        (project_id,),
    ):
        try:
            command = json.loads(payload)
        except (TypeError, ValueError):
            continue
        if isinstance(command, dict) and command.get("type") == "highlight_add":
            highlight = command.get("highlight_id")
            if isinstance(highlight, int) and login in members:
                found[highlight] = str(login)
    return found


class TaguetteText(HTMLParser):
    """A document's (or snippet's) HTML as text, with Taguette's way of counting positions.

    ``taguette`` is the text as Taguette counts it (text nodes only); ``text`` is what is
    stored: the same, with a line break where a ``<br>`` or a block starting right after text
    would otherwise join two lines. ``span`` converts Taguette's byte offsets.
    """

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self._parts: list[str] = []
        self._added: list[int] = []  # Taguette positions (characters) where a break was added
        self._length = 0
        self.feed(html)
        self.close()
        self.taguette = "".join(self._parts)
        pieces, last = [], 0
        for at in self._added:
            pieces += [self.taguette[last:at], "\n"]
            last = at
        self.text = "".join(pieces) + self.taguette[last:]
        self._bytes: list[int] | None = None

    @property
    def breaks_added(self) -> int:
        """How many line breaks ``text`` has that Taguette's text has not."""
        return len(self._added)

    def handle_data(self, data: str) -> None:
        self._parts.append(data)
        self._length += len(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        ends_line = not self._parts or self._parts[-1].endswith("\n")
        if tag == "br" or (tag in BLOCKS and not ends_line):
            self._added.append(self._length)

    def span(self, start: object, end: object, snippet: str) -> tuple[int, int] | str:
        """(start, end) in ``text`` of Taguette's byte offsets, or why they cannot be taken."""
        if not (isinstance(start, int) and isinstance(end, int)) or isinstance(start, bool):
            return f"offsets {start!r}-{end!r} are not whole numbers"
        if self._bytes is None:
            counted, at = [], 0
            for char in self.taguette:
                counted.append(at)
                at += len(char.encode("utf-8"))
            counted.append(at)
            self._bytes = counted
        if not 0 <= start < end <= self._bytes[-1]:
            return f"offsets {start}-{end} are outside the text ({self._bytes[-1]} bytes)"
        first, last = bisect_left(self._bytes, start), bisect_left(self._bytes, end)
        if self._bytes[first] != start or self._bytes[last] != end:
            return f"offsets {start}-{end} fall inside a character"
        if self.taguette[first:last] != snippet:
            return f"its text at {start}-{end} is not its snippet"
        return first + bisect_right(self._added, first), last + bisect_left(self._added, last)
