"""Codings from CSV: ``qualcope codings import FILE`` (the export is ``coding_export``).

Owns what an import does with the project; the file format (columns, reading
and writing the rows) is ``interchange.codings_csv``. ``file`` is the document's name;
``start``/``end`` are code-point offsets, end exclusive, in *file positions* (the characters
of the file as other tools count them) or *stored positions* (qualcope's canonical text), as
``positions`` says (``services.positions`` converts); ``code`` is a code path, ``copes_with``
the guid(s) of the value-conflict coding(s) in the same file that a coping-strategy coding
copes with (``;``-separated, with ``favoured_value`` code paths aligned to them). An import
is one transaction and one undoable action: any bad row rolls the whole file back, with an
error naming the file and line. A quote, when given, must be the text at the span (line
endings and accents compared as stored), so offsets that drifted are caught and explained
instead of stored; a row without a quote gets it from the text, is counted in the report
and marked unchecked. A row without start and end (another tool's export of coded segments,
a spreadsheet coded by hand) is placed by its quote: found once in the document (white space
and line breaks compared loosely, accents as stored) it is taken; found nowhere it stops the
import; found several times it stops it too, or with ``skip_ambiguous`` is left out and
listed. Nothing is placed by a guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from qualcope.db.models import Code, Coder, Coding, CodingLink, Document
from qualcope.domain import ProgressCallback, ProgressUpdate, no_progress
from qualcope.errors import ImportFileError, QualcopeError
from qualcope.interchange.codings_csv import LIST_SEPARATOR, read_rows
from qualcope.interchange.safe_csv import unneutralise
from qualcope.services import codetree
from qualcope.services.positions import (
    FILE,
    POSITION_KINDS,
    DocumentPositions,
    explain_mismatch,
    load_positions,
    quote_matches,
)
from qualcope.services.project import Project
from qualcope.services.quote_places import QuotePlaces, cuts_a_word, loose_quote

GUID_MAX = 36


@dataclass(frozen=True)
class CodingsImportReport:
    """What an import of a codings file did."""

    added: int
    already_present: int
    links: int
    coders_created: tuple[str, ...] = ()
    unquoted: int = 0  # rows without a quote: filled from the text, not checked
    widened: int = 0  # spans whose ends fell inside a changed character (a CRLF pair)
    stored_only: tuple[str, ...] = ()  # documents whose file positions are unknown
    located: int = 0  # rows placed by their quote (no start and end)
    ambiguous: tuple[int, ...] = ()  # lines left out: their quote is in the document twice
    # Lines placed by a quote that stands only inside a longer word ('care' in 'healthcare'):
    # a coding may cut a word, but here the passage the row meant may not be in the text.
    inside_words: tuple[int, ...] = ()
    notes: tuple[str, ...] = ()  # how the file's columns were read


@dataclass(frozen=True)
class _LinkRow:
    """A coding with copes_with targets, linked once every coding of the file exists."""

    line: int
    coding_id: int
    document_id: int
    coder_id: int
    copes_with: list[str]
    favoured: list[str]


def import_codings(
    project: Project,
    path: Path,
    *,
    positions: str = FILE,
    skip_ambiguous: bool = False,
    on_progress: ProgressCallback = no_progress,
    undoable: bool = True,
) -> CodingsImportReport:
    """Import a codings CSV in one transaction (see the module docstring).

    ``positions`` (file or stored) applies to rows without a ``positions`` value.
    """
    path = Path(path)
    if positions not in POSITION_KINDS:
        raise ImportFileError(f"unknown positions {positions!r} (file or stored)", path=path)
    header, records, notes = read_rows(path)
    with project.write(f"import codings from {path.name}", undoable=undoable) as session:
        importer = _Importer(session, path, project.coder_id(session), project.coder)
        importer.default_positions = positions
        importer.skip_ambiguous = skip_ambiguous
        for done, (line, cells) in enumerate(records, start=1):
            values = {h: cells[i] if i < len(cells) else "" for i, h in enumerate(header)}
            try:
                importer.row(line, values)
            except ImportFileError:
                raise
            except QualcopeError as exc:
                raise ImportFileError(str(exc), path=path, line=line) from exc
            if done % 500 == 0:
                on_progress(ProgressUpdate(done, len(records), "codings"))
        session.flush()
        links = importer.links()
        session.flush()
    on_progress(ProgressUpdate(len(records), len(records), "codings"))
    return CodingsImportReport(
        added=importer.added,
        already_present=importer.kept,
        links=links,
        coders_created=tuple(importer.created_coders),
        unquoted=importer.unquoted,
        widened=importer.widened,
        stored_only=tuple(sorted(importer.stored_only)),
        located=importer.located,
        ambiguous=tuple(importer.ambiguous),
        inside_words=tuple(importer.inside_words),
        notes=tuple(notes),
    )


class _Importer:
    """The state of one import: caches of documents, codes and coders, rows seen so far."""

    def __init__(self, session: Session, path: Path, coder_id: int, coder: str) -> None:
        self.session = session
        self.path = path
        self.default_coder = coder
        self.default_positions = FILE
        self.documents: dict[str, DocumentPositions] = {}
        self.unquoted = 0
        self.widened = 0
        self.stored_only: set[str] = set()
        self.codes: dict[str, Code] = {}
        self.coders: dict[str, int] = {coder: coder_id}
        self.created_coders: list[str] = []
        self.by_guid: dict[str, int] = {}  # guid in the file -> coding id
        self.document_of: dict[int, int] = {}  # coding id -> document id
        self.pending: list[_LinkRow] = []
        self.keys: set[tuple[int, int, int, int, int]] = set()
        self.added = 0
        self.kept = 0
        self.skip_ambiguous = False
        self.located = 0
        self.ambiguous: list[int] = []
        self.inside_words: list[int] = []
        self.places = QuotePlaces()

    def error(self, message: str, line: int) -> ImportFileError:
        return ImportFileError(message, path=self.path, line=line)

    def document(self, name: str, line: int) -> DocumentPositions:
        if name not in self.documents:
            found = self.session.scalars(
                select(Document.id).where(
                    (Document.name == name) | (Document.original_filename == name)
                )
            ).all()
            if not found:
                raise self.error(f"no document {name!r} in the project", line)
            if len(found) > 1:
                raise self.error(f"document name {name!r} is ambiguous", line)
            self.documents[name] = load_positions(self.session, [int(found[0])])[int(found[0])]
        return self.documents[name]

    def span(self, values: dict[str, str], doc: DocumentPositions, line: int) -> tuple[int, int]:
        """The stored span of a row, from its positions (checked against the document)."""
        kind = values.get("positions", "").strip().lower() or self.default_positions
        if kind not in POSITION_KINDS:
            raise self.error(f"positions must be 'file' or 'stored', not {kind!r}", line)
        try:
            start, end = int(values["start"]), int(values["end"])
        except ValueError as exc:
            raise self.error("start and end must be whole numbers", line) from exc
        if kind == FILE and not doc.known:
            self.stored_only.add(doc.name)
        length = doc.file_length() if kind == FILE else len(doc.text)
        if not 0 <= start < end <= length:
            raise self.error(
                f"span {start}-{end} is outside {doc.name} (0-{length} in {kind} positions) "
                "or empty",
                line,
            )
        stored_start, stored_end, exact = doc.to_stored(start, end, kind)
        if not exact:
            self.widened += 1
        if stored_start >= stored_end:
            raise self.error(
                f"span {start}-{end} holds only characters qualcope removed at import", line
            )
        return stored_start, stored_end

    def place(self, quote: str, doc: DocumentPositions, line: int) -> tuple[int, int] | None:
        """The stored span where a row's quote stands, found once (see the module docstring);
        None for a quote found several times when such rows are skipped."""
        wanted = loose_quote(quote)
        if not wanted:
            raise self.error("no start and end, and no quote to place the coding by", line)
        spans = self.places.find(wanted, doc.document_id, doc.text)
        shown = wanted if len(wanted) <= 50 else wanted[:47] + "..."
        if not spans:
            raise self.error(f"the quote {shown!r} is not in {doc.name}", line)
        if len(spans) > 1:
            if self.skip_ambiguous:
                self.ambiguous.append(line)
                return None
            raise self.error(
                f"the quote {shown!r} is in {doc.name} {len(spans)} times; give its start and "
                "end, or leave such rows out with --skip-ambiguous (they are listed)",
                line,
            )
        self.located += 1
        if cuts_a_word(doc.text, *spans[0]):
            self.inside_words.append(line)
        return spans[0]

    def code(self, path: str, line: int) -> Code:
        key = path.strip().casefold()
        if key not in self.codes:
            code = codetree.find_code(self.session, path)
            if code.kind == "group":
                raise self.error(f"{path!r} is a group; codings need one of its codes", line)
            self.codes[key] = code
        return self.codes[key]

    def coder(self, name: str) -> int:
        name = name.strip() or self.default_coder
        if name not in self.coders:
            found = self.session.scalar(select(Coder.id).where(Coder.name == name))
            if found is None:
                coder = Coder(name=name)
                self.session.add(coder)
                self.session.flush()
                found = coder.id
                self.created_coders.append(name)
            self.coders[name] = int(found)
        return self.coders[name]

    def row(self, line: int, raw: dict[str, str]) -> None:
        # Cells qualcope exported carry a quote before formula characters; take it off.
        values = {key: unneutralise(value) for key, value in raw.items()}
        name = values.get("file", "").strip()
        if not name:
            raise self.error("the 'file' value is empty", line)
        doc = self.document(name, line)
        document_id, text = doc.document_id, doc.text
        quote = values.get("quote", "")
        by_quote = not values.get("start", "").strip() and not values.get("end", "").strip()
        if by_quote:  # the quote gave the place: it is where it stands
            placed = self.place(quote, doc, line)
            if placed is None:
                return  # ambiguous, left out and listed
            start, end = placed
        else:
            start, end = self.span(values, doc, line)
        checked = bool(quote)
        if (
            quote
            and not by_quote
            and not (
                quote_matches(quote, text, start, end)
                or quote_matches(raw.get("quote", ""), text, start, end)
            )
        ):
            kind = values.get("positions", "").strip().lower() or self.default_positions
            given = int(values["start"]), int(values["end"])
            raise self.error(
                f"{name} at {given[0]}-{given[1]}: "
                + explain_mismatch(quote, doc, given[0], given[1], kind),
                line,
            )
        code = self.code(values["code"], line)
        coder_id = self.coder(values.get("coder", ""))
        guid = values.get("guid", "").strip()
        if len(guid) > GUID_MAX:
            raise self.error(f"guid {guid[:40]!r} is longer than {GUID_MAX} characters", line)
        if guid in self.by_guid:
            raise self.error(f"guid {guid} appears twice in the file", line)
        key = (document_id, start, end, code.id, coder_id)
        if key in self.keys:
            raise self.error("the same span, code and coder appear twice in the file", line)
        self.keys.add(key)
        existing = self._existing(guid, key, line)
        if existing is not None:
            coding_id = existing
            self.kept += 1
        else:
            coding = Coding(
                document_id=document_id,
                start=start,
                end=end,
                snippet=text[start:end],
                code_id=code.id,
                coder_id=coder_id,
                memo=values.get("memo", "").strip(),
                origin="import",
                quote_checked=checked,
            )
            if guid:
                coding.guid = guid
            self.session.add(coding)
            self.session.flush()
            coding_id = coding.id
            self.added += 1
            self.unquoted += not checked
        if guid:
            self.by_guid[guid] = coding_id
        self.document_of[coding_id] = document_id
        targets = [g.strip() for g in values.get("copes_with", "").split(LIST_SEPARATOR)]
        favoured = [f.strip() for f in values.get("favoured_value", "").split(LIST_SEPARATOR)]
        if any(targets):
            self.pending.append(_LinkRow(line, coding_id, document_id, coder_id, targets, favoured))
        elif any(favoured):
            raise self.error("favoured_value needs a copes_with coding", line)

    def _existing(self, guid: str, key: tuple[int, int, int, int, int], line: int) -> int | None:
        """The id of a coding already in the project that this row describes, if any."""
        if guid:
            found = self.session.scalar(select(Coding).where(Coding.guid == guid))
            if found is not None:
                same = (found.document_id, found.start, found.end, found.code_id, found.coder_id)
                if same != key:
                    raise self.error(f"guid {guid} belongs to a different coding already", line)
                return int(found.id)
        document_id, start, end, code_id, coder_id = key
        found_id = self.session.scalar(
            select(Coding.id).where(
                Coding.document_id == document_id,
                Coding.start == start,
                Coding.end == end,
                Coding.code_id == code_id,
                Coding.coder_id == coder_id,
            )
        )
        return int(found_id) if found_id is not None else None

    def links(self) -> int:
        """Create the copes_with links once every coding of the file exists."""
        made = 0
        for row in self.pending:
            source_id = row.coding_id
            for index, target_guid in enumerate(row.copes_with):
                if not target_guid:
                    continue
                target_id = self.by_guid.get(target_guid)
                if target_id is None:
                    found = self.session.execute(
                        select(Coding.id, Coding.document_id).where(Coding.guid == target_guid)
                    ).first()
                    if found is None:
                        raise self.error(
                            f"copes_with names an unknown coding {target_guid}", row.line
                        )
                    target_id = int(found[0])
                    self.document_of[target_id] = int(found[1])
                if target_id == source_id:
                    raise self.error("a coding cannot cope with itself", row.line)
                if self.document_of.get(target_id) != row.document_id:
                    raise self.error(
                        f"copes_with coding {target_guid} is in another document", row.line
                    )
                favoured_path = row.favoured[index] if index < len(row.favoured) else ""
                favoured_id = self.code(favoured_path, row.line).id if favoured_path else None
                existing = self.session.scalar(
                    select(CodingLink).where(
                        CodingLink.source_coding_id == source_id,
                        CodingLink.target_coding_id == target_id,
                    )
                )
                if existing is not None:
                    continue
                self.session.add(
                    CodingLink(
                        source_coding_id=source_id,
                        target_coding_id=target_id,
                        favoured_code_id=favoured_id,
                        coder_id=row.coder_id,
                    )
                )
                made += 1
        return made
