"""Planning an import: which files, with which metadata (flags, or a folder's manifest.csv).

A manifest is checked as a whole before anything is imported: a missing file, a file listed
twice, an unknown language or encoding, or a role, case or column that is a near-duplicate
of a known one (``vocabulary``) is an error naming the manifest line. New roles, cases and
attribute columns are welcome and reported. Columns qualcope does not read itself are kept
as attributes of the document and the participant. ``interviewer`` and ``speakers`` hold
labels separated by ``;``.

A folder without a manifest imports its transcripts except hidden files, Word lock files
(``~$...``) and files named ``readme...`` (listed as ignored; a manifest can list them).
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from qualcope.domain import DEFAULT_ROLES
from qualcope.errors import ImportFileError, QualcopeError
from qualcope.ingest.base import PROJECT_SUFFIXES, SUPPORTED_SUFFIXES
from qualcope.ingest.metadata_cells import checked_cell
from qualcope.ingest.vocabulary import Vocabulary

MANIFEST = "manifest.csv"
QCODER_UNITS = "unit_document_map.csv"  # rOpenSci qcoder: which unit each document belongs to
# Manifest columns qualcope reads itself; any other column is kept as an attribute.
KNOWN_COLUMNS = (
    "file",
    "case",
    "role",
    "participant",
    "lang",
    "encoding",
    "interviewer",
    "speakers",
)
LIST_SEPARATOR = ";"
# Checks a language code and returns its canonical form (raises QualcopeError when unknown).
LanguageCheck = Callable[[str], str]


def _any_language(lang: str) -> str:
    return lang.strip().lower()


@dataclass(frozen=True)
class ImportItem:
    """One file to import and the metadata it gets (from the manifest or the flags)."""

    path: Path
    case: str | None = None
    role: str | None = None
    participant: str | None = None
    lang: str | None = None
    encoding: str | None = None
    interviewers: tuple[str, ...] = ()
    speakers: tuple[str, ...] = ()  # other labels to take as speakers (--speaker)
    attributes: dict[str, str] = field(default_factory=dict)
    name: str | None = None  # the document's name when not the file's (a spreadsheet's rows)


def plan(
    paths: Sequence[Path],
    *,
    vocabulary: Vocabulary | None = None,
    defaults: ImportItem | None = None,
    language_check: LanguageCheck = _any_language,
) -> tuple[list[ImportItem], list[str]]:
    """The files to import with their metadata, and the files of folders left out (and why).

    Raises ``ImportFileError`` for a bad manifest (nothing is imported then). New roles,
    cases and attribute names are recorded in ``vocabulary.new``.
    """
    vocabulary = vocabulary or Vocabulary.of(role=DEFAULT_ROLES)
    defaults = defaults or ImportItem(Path("."))
    items: list[ImportItem] = []
    ignored: list[str] = []
    for raw in paths:
        path = Path(raw)
        if not path.is_dir():
            items.append(_with_path(defaults, path))
            continue
        manifest = path / MANIFEST
        if manifest.is_file():
            rows = read_manifest(manifest, vocabulary, defaults, language_check)
            listed = {item.path.resolve() for item in rows}
            items.extend(rows)
            ignored.extend(
                f"{p} (not in {MANIFEST})" for p in _folder_files(path) if p.resolve() not in listed
            )
            ignored.extend(_unsearched(path, listed))
            continue
        files = _folder_files(path)
        items.extend(_with_path(defaults, file) for file in files)
        chosen = set(files)
        ignored.extend(
            f"{p} ({_why_not(p)})"
            for p in sorted(path.iterdir())
            if p.is_file() and p not in chosen
        )
        ignored.extend(_unsearched(path, None))
        units = path.parent / QCODER_UNITS
        if files and units.is_file():  # a qcoder project's documents: their units stay behind
            ignored.append(
                f"{units} (qcoder's unit of each document: to keep them, give each file its "
                f"unit in a {MANIFEST} in {path.name}/, as its case or participant)"
            )
    return items, ignored


def folder_hint(
    paths: Sequence[Path], is_project: Callable[[Path], bool] = lambda _path: False
) -> str:
    """Where the transcripts are when the folders given hold none directly: '' or a clause
    naming another tool's projects in them (``is_project``), else the folders inside that
    hold transcripts (and, for a qcoder project, what to import)."""
    hints: list[str] = []
    for path in (Path(p) for p in paths):
        if not path.is_dir():
            continue
        try:
            entries = sorted(path.iterdir())
            projects = [p.name for p in entries if is_project(p)]
            inside = [p.name for p in entries if p.is_dir() and _readable_files(p)]
        except OSError:  # a hint must never hide the error it adds to
            continue
        if projects:
            if len(projects) == 1:
                named = path / projects[0]
                hints.append(
                    f"{named} is another tool's project: 'qualcope import project {named}'"
                )
            else:
                named_all = ", ".join(str(path / name) for name in projects)
                hints.append(
                    f"{named_all} are other tools' projects: 'qualcope import project' each"
                )
        elif (path / QCODER_UNITS).is_file() and "documents_markedup" in inside:
            hints.append(
                f"{path.name or path} is a qcoder project: 'qualcope codebook import' its "
                "codes.csv, then import its folder documents_markedup/ (the coded documents)"
            )
        elif inside:
            folders = ", ".join(f"{path / name}/" for name in inside)
            said = "the folders {} hold" if len(inside) > 1 else "the folder {} holds"
            hints.append(said.format(folders) + " transcripts")
    return "; ".join(hints)


def _unsearched(folder: Path, listed: set[Path] | None) -> list[str]:
    """The folders inside ``folder`` holding transcripts, when no file of a manifest
    (``listed``; None without one) is in them: an import does not search folders, and says
    which it left."""
    left: list[str] = []
    for inner in sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")):
        transcripts = _readable_files(inner)
        inside = inner.resolve()
        if not transcripts or any(inside in path.parents for path in listed or ()):
            continue
        count = f"{len(transcripts)} transcript{'s' if len(transcripts) != 1 else ''}"
        why = f"none in {MANIFEST}" if listed is not None else "folders are not searched"
        left.append(f"{inner}/ (a folder of {count}: {why})")
    return left


def _readable_files(folder: Path) -> list[Path]:
    """A folder's transcripts, none when it cannot be read."""
    try:
        return _folder_files(folder)
    except OSError:
        return []


def _with_path(defaults: ImportItem, path: Path) -> ImportItem:
    return ImportItem(
        path=path,
        case=defaults.case,
        role=defaults.role,
        participant=defaults.participant,
        lang=defaults.lang,
        encoding=defaults.encoding,
        interviewers=defaults.interviewers,
        speakers=defaults.speakers,
    )


def _why_not(path: Path) -> str:
    if path.suffix.lower() in PROJECT_SUFFIXES:
        return f"another tool's project: 'qualcope import project {path}'"
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        return "not a transcript type"
    if path.stem.lower().startswith("readme"):
        return f"a README, not a transcript; list it in a {MANIFEST} to import it"
    return "a hidden or lock file"


def _folder_files(folder: Path) -> list[Path]:
    """Transcripts directly in a folder (no hidden files, Word lock files or READMEs)."""
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file()
        and p.suffix.lower() in SUPPORTED_SUFFIXES
        and not p.name.startswith((".", "~$"))
        and not p.stem.lower().startswith("readme")
    )


def read_manifest(
    manifest: Path,
    vocabulary: Vocabulary,
    defaults: ImportItem,
    language_check: LanguageCheck = _any_language,
) -> list[ImportItem]:
    """The rows of a manifest.csv, every value checked; errors name the manifest line."""
    try:
        text = manifest.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            f"is not UTF-8 (byte offset {exc.start}); save the manifest as UTF-8", path=manifest
        ) from exc
    except OSError as exc:
        raise ImportFileError(f"cannot read the file ({exc.strerror})", path=manifest) from exc
    reader = csv.reader(text.splitlines())
    raw_header = [" ".join(h.split()) for h in next(reader, [])]
    header = [h.lower() if h.lower() in KNOWN_COLUMNS else h for h in raw_header]
    if "file" not in header:
        raise ImportFileError("has no 'file' column", path=manifest, line=1)
    if len({h.casefold() for h in header}) != len(header):
        raise ImportFileError("has a column name twice", path=manifest, line=1)
    for index, name in enumerate(header):
        if name and name not in KNOWN_COLUMNS:
            checked_cell(name, name, manifest, 1)
            header[index] = _checked(vocabulary, "attribute", name, manifest, 1)
    items: list[ImportItem] = []
    seen: set[Path] = set()
    for line, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(header):
            raise ImportFileError(
                f"has {len(cells)} values for {len(header)} columns", path=manifest, line=line
            )
        row = {h: (cells[i].strip() if i < len(cells) else "") for i, h in enumerate(header)}
        for column, value in row.items():
            if column != "file":
                checked_cell(value, column, manifest, line)
        items.append(_item(manifest, line, row, seen, vocabulary, defaults, language_check))
    return items


def _checked(vocabulary: Vocabulary, kind: str, value: str, manifest: Path, line: int) -> str:
    try:
        return vocabulary.check(kind, value)
    except QualcopeError as exc:
        raise ImportFileError(str(exc), path=manifest, line=line) from exc


def _item(
    manifest: Path,
    line: int,
    row: dict[str, str],
    seen: set[Path],
    vocabulary: Vocabulary,
    defaults: ImportItem,
    language_check: LanguageCheck,
) -> ImportItem:
    """One manifest row as an import item (raises naming the line)."""
    name = row["file"]
    if not name:
        raise ImportFileError("the 'file' value is empty", path=manifest, line=line)
    path = manifest.parent / name
    if not path.is_file():
        raise ImportFileError(f"file {name!r} not found", path=manifest, line=line)
    if path.resolve() in seen:
        raise ImportFileError(f"file {name!r} is listed twice", path=manifest, line=line)
    seen.add(path.resolve())
    role = row.get("role") or defaults.role
    if role:
        role = _checked(vocabulary, "role", role, manifest, line)
    case = row.get("case") or defaults.case
    if case:
        case = _checked(vocabulary, "case", case, manifest, line)
    lang = row.get("lang") or defaults.lang
    if lang:
        try:
            lang = language_check(lang)
        except QualcopeError as exc:
            raise ImportFileError(str(exc), path=manifest, line=line) from exc
    encoding = row.get("encoding") or defaults.encoding
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError as exc:
            raise ImportFileError(
                f"unknown encoding {encoding!r}", path=manifest, line=line
            ) from exc
    interviewers = _labels(row.get("interviewer", "")) or defaults.interviewers
    speakers = _labels(row.get("speakers", "")) or defaults.speakers
    return ImportItem(
        path=path,
        case=case,
        role=role,
        participant=row.get("participant") or defaults.participant,
        lang=lang,
        encoding=encoding,
        interviewers=interviewers,
        speakers=speakers,
        attributes={k: v for k, v in row.items() if k not in KNOWN_COLUMNS and k and v},
    )


def _labels(cell: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in cell.split(LIST_SEPARATOR) if part.strip())
