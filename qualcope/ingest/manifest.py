"""Planning an import: which files, with which metadata (flags, or a folder's manifest.csv).

A manifest is checked as a whole before anything is imported: a missing file, a file listed
twice, an unknown role, language or encoding is an error naming the manifest line. Columns
qualcope does not read itself are kept as attributes of the document and the participant.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from qualcope.domain import DEFAULT_ROLES
from qualcope.errors import ImportFileError, QualcopeError
from qualcope.ingest.base import SUPPORTED_SUFFIXES

MANIFEST = "manifest.csv"
# Manifest columns qualcope reads itself; any other column is kept as an attribute.
KNOWN_COLUMNS = ("file", "case", "role", "participant", "lang", "encoding", "interviewer")
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


def plan(
    paths: Sequence[Path],
    *,
    known_roles: Sequence[str] = DEFAULT_ROLES,
    defaults: ImportItem | None = None,
    language_check: LanguageCheck = _any_language,
) -> tuple[list[ImportItem], list[str]]:
    """The files to import with their metadata, and the files of folders left out (and why).

    Raises ``ImportFileError`` for a bad manifest (nothing is imported then).
    """
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
            rows = read_manifest(manifest, known_roles, defaults, language_check)
            listed = {item.path.resolve() for item in rows}
            items.extend(rows)
            ignored.extend(
                f"{p} (not in {MANIFEST})" for p in _folder_files(path) if p.resolve() not in listed
            )
            continue
        files = _folder_files(path)
        items.extend(_with_path(defaults, file) for file in files)
        chosen = set(files)
        ignored.extend(
            f"{p} ({_why_not(p)})"
            for p in sorted(path.iterdir())
            if p.is_file() and p not in chosen
        )
    return items, ignored


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
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        return "not a transcript type"
    return "skipped by name"


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
    known_roles: Sequence[str],
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
    header = [h.strip().lower() for h in next(reader, [])]
    if "file" not in header:
        raise ImportFileError("has no 'file' column", path=manifest, line=1)
    if len(set(header)) != len(header):
        raise ImportFileError("has a column name twice", path=manifest, line=1)
    roles = {role.casefold(): role for role in known_roles}
    if defaults.role:
        roles.setdefault(defaults.role.casefold(), defaults.role)
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
        if role and role.casefold() not in roles:
            raise ImportFileError(
                f"unknown role {role!r} (known: {', '.join(sorted(roles.values()))}; "
                "a new role can be given with --role)",
                path=manifest,
                line=line,
            )
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
        interviewer = row.get("interviewer")
        items.append(
            ImportItem(
                path=path,
                case=row.get("case") or defaults.case,
                role=roles[role.casefold()] if role else None,
                participant=row.get("participant") or defaults.participant,
                lang=lang,
                encoding=encoding,
                interviewers=(interviewer,) if interviewer else defaults.interviewers,
                attributes={k: v for k, v in row.items() if k not in KNOWN_COLUMNS and k and v},
            )
        )
    if not items:
        raise ImportFileError("lists no files", path=manifest)
    return items
