"""Codebook operations: show the tree, import (merge by path) and export files.

Files are YAML, CSV, Markdown (export only) or REFI-QDA ``.qdc``; the formats themselves live
in ``interchange/``. A ``.qdc`` carries notes (what was tolerated or skipped on reading, what
was folded into Descriptions on writing) that callers show to the user.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qualcope.db.models import Code
from qualcope.domain import (
    PATH_SEPARATOR,
    CodebookChange,
    CodebookSpec,
    CodeNode,
    CodeSpec,
    name_key,
)
from qualcope.errors import CodebookError
from qualcope.services import codetree
from qualcope.services.codebook_treeops import code_path
from qualcope.services.project import Project

READ_FORMATS = {".yaml": "yaml", ".yml": "yaml", ".csv": "csv", ".qdc": "qdc", ".txt": "txt"}
WRITE_FORMATS = {".yaml": "yaml", ".yml": "yaml", ".csv": "csv", ".md": "md", ".qdc": "qdc"}
FIELDS = ("kind", "definition", "inclusion", "exclusion", "example", "colour", "shortcut")


def read_codebook_file(path: Path) -> CodebookSpec:
    """Read a codebook file, its format chosen by the extension."""
    return read_codebook_with_notes(path)[0]


def read_codebook_with_notes(path: Path) -> tuple[CodebookSpec, list[str]]:
    """Read a codebook file, with notes on what was tolerated, folded or left out (a .qdc, or
    another tool's list of codes: a CSV of names, QualCoder's .txt)."""
    fmt = READ_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise CodebookError(
            f"unknown codebook format {path.suffix or '(no extension)'}; use "
            f"{', '.join(sorted(READ_FORMATS))}",
            path=path,
        )
    # The formats' modules (PyYAML, lxml) load only for the file read: not for `codebook show`.
    if fmt == "qdc":
        from qualcope.interchange.refi_codebook_read import read_codebook_qdc

        return read_codebook_qdc(path)
    if fmt == "yaml":
        from qualcope.interchange.codebook_yaml import read_codebook_yaml

        return read_codebook_yaml(path), []
    if fmt == "txt":
        from qualcope.interchange.code_lists import read_qualcoder_list

        return read_qualcoder_list(path)
    from qualcope.interchange.codebook_csv import read_codebook_csv_with_notes

    return read_codebook_csv_with_notes(path)


def tree(project: Project) -> list[CodeNode]:
    """Every code, depth-first, with coding counts (all coders, and this coder)."""
    with project.read() as session:
        counts = codetree.coding_counts(session)
        coder_id = _coder_id_or_none(project, session)
        mine = codetree.coding_counts(session, coder_id) if coder_id is not None else {}
        return [
            codetree.to_node(code, path, depth, counts, mine)
            for code, path, depth in codetree.ordered(codetree.all_codes(session))
        ]


def subtree_counts(nodes: Sequence[CodeNode]) -> dict[int, int]:
    """Codings (all coders) of each code and everything below it, by code id; ``nodes`` as
    ``tree`` gives them (parents before their children)."""
    totals = {node.id: node.coding_count for node in nodes}
    for node in reversed(nodes):
        if node.parent_id in totals:
            totals[node.parent_id] += totals[node.id]
    return totals


def _coder_id_or_none(project: Project, session: Session) -> int | None:
    from qualcope.db.models import Coder

    return session.scalar(select(Coder.id).where(Coder.name == project.coder))


def current_spec(project: Project, *, name: str | None = None) -> CodebookSpec:
    """The project's codebook as a file would hold it."""
    with project.read() as session:
        codes = codetree.all_codes(session)
        title = name or _project_info(session, "codebook_name") or "Codebook"
        description = _project_info(session, "codebook_description") or ""
    by_parent: dict[int | None, list[Code]] = {}
    for code in codes:
        by_parent.setdefault(code.parent_id, []).append(code)

    def build(parent: int | None, depth: int) -> tuple[CodeSpec, ...]:
        siblings = sorted(by_parent.get(parent, []), key=lambda c: (c.sort_order, c.id))
        if depth > 60:
            return ()
        return tuple(
            CodeSpec(
                name=c.name,
                kind=c.kind,
                definition=c.definition,
                inclusion=c.inclusion,
                exclusion=c.exclusion,
                example=c.example,
                colour=c.colour,
                shortcut=c.shortcut,
                cues={k: tuple(v) for k, v in sorted((c.cues or {}).items())},
                guid=c.guid,
                children=build(c.id, depth + 1),
            )
            for c in siblings
        )

    return CodebookSpec(name=title, description=description, codes=build(None, 0))


def _project_info(session: Session, key: str) -> str | None:
    from qualcope.db.models import ProjectInfo

    row = session.get(ProjectInfo, key)
    return row.value if row else None


def import_codebook(
    project: Project, spec: CodebookSpec, *, source: str = "", prune: bool = False
) -> list[CodebookChange]:
    """Merge a codebook into the project, in one transaction.

    A code of the file is the project's code of the same GUID (renamed or moved in another
    tool: it is renamed or moved here, its codings kept), else the code at the same path.
    New codes are added, changed fields updated; codes missing from the file are kept
    (``prune`` removes those without codings). The project's codebook name and description
    are the file's only while the project has none or no codes yet: merging another tool's
    codebook into a project must not retitle it. Returns the changes, every one of them.
    """
    from qualcope.db.models import ProjectInfo

    changes: list[CodebookChange] = []
    where = source or spec.name
    with project.write(f"import codebook {where}") as session:
        by_key = _codes_by_key(session)
        by_guid = {code.guid: code for code in by_key.values() if code.guid}
        had_codes = bool(by_key)
        seen: set[int] = set()
        for index, (path, item) in enumerate(spec.walk()):
            parent_path = path.rsplit(PATH_SEPARATOR, 1)[0] if PATH_SEPARATOR in path else None
            parent = by_key.get(_path_key(parent_path)) if parent_path else None
            code = by_key.get(_path_key(path))
            same = by_guid.get(item.guid) if item.guid else None
            if same is not None and same is not code:
                _refuse_guid_clash(session, same, code, path, source)
                moved = _move(session, same, item.name, parent, path)
                changes.append(moved)
                by_key = _codes_by_key(session)  # the paths below it changed too
                code = same
            if code is not None and code.id in seen:
                raise CodebookError(
                    f"the file holds the code {path!r} twice (by its GUID and by its path)",
                    path=source or None,
                )
            if code is None:
                code = Code(
                    parent_id=parent.id if parent else None,
                    name=item.name,
                    name_key=name_key(item.name),
                    cues=_cues(item),
                    sort_order=index,
                    **{
                        f: getattr(item, f) or ("" if f not in ("colour", "shortcut") else None)
                        for f in FIELDS
                    },
                )
                if item.guid:
                    code.guid = item.guid
                session.add(code)
                session.flush()
                by_key[_path_key(path)] = code
                changes.append(CodebookChange("added", path))
            else:
                diff = _update(code, item, index)
                if diff:
                    changes.append(CodebookChange("updated", path, ", ".join(diff)))
            seen.add(code.id)
        existing = {path: code for code, path, _ in codetree.ordered(codetree.all_codes(session))}
        leftovers = [(path, code) for path, code in existing.items() if code.id not in seen]
        counts = codetree.coding_counts(session)
        for path, code in sorted(leftovers, key=lambda pc: -pc[0].count(PATH_SEPARATOR)):
            has_children = session.scalar(
                select(func.count()).select_from(Code).where(Code.parent_id == code.id)
            )
            if prune and not counts.get(code.id) and not has_children:
                session.delete(code)
                session.flush()
                changes.append(CodebookChange("deleted", path, "not in the file, no codings"))
            else:
                why = f"{counts.get(code.id, 0)} codings" if counts.get(code.id) else "kept"
                changes.append(CodebookChange("kept", path, f"not in the file ({why})"))
        _check_shortcuts(session)
        for key, value, what in (
            ("codebook_name", spec.name, "name"),
            ("codebook_description", spec.description, "description"),
        ):
            row = session.get(ProjectInfo, key)
            if row is None:
                session.add(ProjectInfo(key=key, value=value))
            elif not value or row.value == value:
                continue
            elif not had_codes or not row.value:
                row.value = value
            else:
                changes.append(
                    CodebookChange(
                        "kept",
                        f"(the codebook's {what})",
                        f"the project's, not the file's {_short(value)!r}",
                    )
                )
    return changes


def _codes_by_key(session: Session) -> dict[str, Code]:
    """Every code by the key of its path (names compared as ``name_key`` compares them)."""
    ordered = codetree.ordered(codetree.all_codes(session))
    return {_path_key(path): code for code, path, _ in ordered}


def _refuse_guid_clash(
    session: Session, same: Code, code: Code | None, path: str, source: str
) -> None:
    """A GUID naming one project code and a path naming another: which one the file means
    cannot be told, and guessing would move codings under the wrong code."""
    if code is None:
        return
    raise CodebookError(
        f"the file's code {path!r} has the GUID of the project's {code_path(session, same)!r}, "
        f"but {path!r} is another code in the project: rename or merge one of them first",
        path=source or None,
    )


def _move(
    session: Session, code: Code, name: str, parent: Code | None, path: str
) -> CodebookChange:
    """Rename or re-parent a code the file knows by its GUID under another path."""
    before = code_path(session, code)
    code.name = name
    code.name_key = name_key(name)
    code.parent_id = parent.id if parent else None
    session.flush()
    return CodebookChange("moved", path, f"was {before!r}: the same code by its GUID")


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _path_key(path: str | None) -> str:
    return PATH_SEPARATOR.join(name_key(part) for part in (path or "").split(PATH_SEPARATOR))


def _cues(item: CodeSpec) -> dict[str, list[str]]:
    return {lang: list(phrases) for lang, phrases in sorted(item.cues.items())}


def _update(code: Code, item: CodeSpec, index: int) -> list[str]:
    diff: list[str] = []
    for field in FIELDS:
        new = getattr(item, field)
        if field in ("colour", "shortcut"):
            new = new or None
        else:
            new = new or ("code" if field == "kind" else "")
        if getattr(code, field) != new:
            setattr(code, field, new)
            diff.append(field)
    if code.name != item.name:  # same key, different spelling or case
        code.name = item.name
        diff.append("name")
    if (code.cues or {}) != _cues(item):
        code.cues = _cues(item)
        diff.append("cues")
    if code.sort_order != index:
        code.sort_order = index
    return diff


def _check_shortcuts(session: Session) -> None:
    session.flush()
    dupes = session.execute(
        select(Code.shortcut, func.count())
        .where(Code.shortcut.is_not(None))
        .group_by(Code.shortcut)
        .having(func.count() > 1)
    ).first()
    if dupes is not None:
        raise CodebookError(f"shortcut {dupes[0]!r} would be used by {dupes[1]} codes")


def export_codebook(project: Project, path: Path) -> CodebookSpec:
    """Write the codebook to a file (format from the extension), atomically."""
    fmt = WRITE_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise CodebookError(
            f"unknown codebook format {path.suffix or '(no extension)'}; use "
            f"{', '.join(sorted(WRITE_FORMATS))}",
            path=path,
        )
    spec = current_spec(project)
    from qualcope.interchange import atomic

    if fmt == "yaml":
        from qualcope.interchange.codebook_yaml import codebook_to_yaml

        text = codebook_to_yaml(spec)
    elif fmt == "csv":
        from qualcope.interchange.codebook_csv import codebook_to_csv

        text = codebook_to_csv(spec)
    elif fmt == "qdc":
        from qualcope.interchange.refi_codebook import codebook_to_qdc

        text = codebook_to_qdc(spec)  # GUIDs from current_spec: the project's own
    else:
        from qualcope.interchange.codebook_markdown import codebook_to_markdown

        # Each code's own codings; the Markdown adds a group's codes to the group's count.
        counts = {node.path: node.coding_count for node in tree(project)}
        text = codebook_to_markdown(spec, counts)
    atomic.write_text_atomic(path, text)
    return spec


def export_notes(spec: CodebookSpec, path: Path) -> list[str]:
    """What a user should know about the file ``export_codebook`` wrote (folded fields)."""
    if WRITE_FORMATS.get(path.suffix.lower()) != "qdc":
        return []
    from qualcope.interchange.refi_codebook import export_notes as qdc_export_notes

    return qdc_export_notes(spec)


def strip_guids(spec: CodebookSpec) -> CodebookSpec:
    def strip(code: CodeSpec) -> CodeSpec:
        return replace(code, guid=None, children=tuple(strip(c) for c in code.children))

    return replace(spec, codes=tuple(strip(c) for c in spec.codes))
