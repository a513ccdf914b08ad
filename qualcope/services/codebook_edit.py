"""Editing the codebook: add, rename, move, reorder, merge, delete and update codes.

Each function is one user action: one ``project.write(label)`` unit of work, so
one transaction, one entry of the event log, undoable with ``services.history``.
Names, colours, shortcuts and cues obey the rules of codebook files
(``interchange.codebook_rules``); the database checks again with the unique index
on (parent, name_key) and the triggers of migration 0002 that refuse a cycle.

Merge and delete live in ``codebook_merge`` (re-exported here); see its docstring
for what happens to codings, links, sub-codes and memos.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from qualcope.db.models import Code
from qualcope.domain import CodeNode, name_key
from qualcope.errors import CodebookError, NothingToDoError
from qualcope.interchange import codebook_rules as rules
from qualcope.interchange.codebook_markdown import codebook_to_markdown
from qualcope.services import codebook, history
from qualcope.services.codebook_merge import (
    DeleteMode,
    DeletePreview,
    DeleteSummary,
    MergeSummary,
    delete_code,
    delete_preview,
    merge_codes,
)
from qualcope.services.codebook_treeops import (
    check_depth,
    check_free_name,
    checked,
    children_of,
    code_name,
    code_path,
    count_codings,
    get_code,
    move,
    node,
    place,
)
from qualcope.services.project import Project

__all__ = [
    "RESERVED_KEYS",
    "DeleteMode",
    "DeletePreview",
    "DeleteSummary",
    "MergeSummary",
    "add_code",
    "codebook_document",
    "delete_code",
    "delete_preview",
    "indent_code",
    "merge_codes",
    "move_code",
    "outdent_code",
    "rename_code",
    "reorder_code",
    "set_cues",
    "update_code",
]

# Characters the workspace binds (the action table of qualcope.tui.actions, which services
# may not import; a TUI test checks the two agree): a code's shortcut may not take one.
# Digits and the other letters (ICVC uses a, e, t, b) stay free for codes.
RESERVED_KEYS: frozenset[str] = frozenset("cfgjklmnopqrsuvx" + "FJKMNPRU" + "/>?[]")
TEXT_FIELDS = ("definition", "inclusion", "exclusion", "example")
EDITABLE = (*TEXT_FIELDS, "colour", "shortcut", "cues", "kind")


def add_code(
    project: Project, name: str, parent_id: int | None = None, kind: str = "code"
) -> CodeNode:
    """Add a code (or a group) as the last child of parent_id (None: the top level)."""
    clean = checked(rules.check_name, name)
    kind = checked(rules.check_kind, kind)
    with project.write(f"codebook: add {kind} {clean}") as session:
        if parent_id is not None:
            get_code(session, parent_id)
        check_free_name(session, clean, parent_id)
        check_depth(session, None, parent_id)
        code = Code(
            name=clean,
            name_key=name_key(clean),
            kind=kind,
            parent_id=parent_id,
            sort_order=max((c.sort_order + 1 for c in children_of(session, parent_id)), default=0),
            cues={},
        )
        session.add(code)
        session.flush()
        return node(project, session, code)


def rename_code(
    project: Project,
    code_id: int,
    name: str,
    *,
    expected_version: int | None = None,
    overwrite: bool = False,
) -> CodeNode:
    """Rename a code. With ``expected_version`` (the code's version when it was shown) a code
    changed since raises ``StaleEditError`` naming who changed it, unless ``overwrite``."""
    clean = checked(rules.check_name, name)

    def change(session: Session, code: Code) -> CodeNode:
        check_free_name(session, clean, code.parent_id, exclude=[code.id])
        code.name, code.name_key = clean, name_key(clean)
        return node(project, session, code)

    label = f"codebook: rename {code_name(project, code_id)} to {clean}"
    return _edit_code(project, label, code_id, expected_version, overwrite, change)


def move_code(
    project: Project, code_id: int, parent_id: int | None, position: int | None = None
) -> CodeNode:
    """Re-parent a code (None: top level) at position among its new siblings (None: last)."""
    with project.write(f"codebook: move {code_name(project, code_id)}") as session:
        code = get_code(session, code_id)
        move(session, code, parent_id, position)
        return node(project, session, code)


def reorder_code(project: Project, code_id: int, offset: int) -> CodeNode:
    """Move a code up (offset -1) or down (+1) among its siblings."""
    with project.write(
        f"codebook: move {code_name(project, code_id)} {'up' if offset < 0 else 'down'}"
    ) as session:
        code = get_code(session, code_id)
        siblings = children_of(session, code.parent_id)
        index = next(i for i, c in enumerate(siblings) if c.id == code.id)
        if not 0 <= index + offset < len(siblings):
            raise NothingToDoError(f"{code.name!r} is already {'first' if offset < 0 else 'last'}")
        place(session, code, code.parent_id, index + offset)
        return node(project, session, code)


def indent_code(project: Project, code_id: int) -> CodeNode:
    """Move a code in: it becomes the last sub-code of the sibling above it."""
    with project.write(f"codebook: move {code_name(project, code_id)} in") as session:
        code = get_code(session, code_id)
        siblings = children_of(session, code.parent_id)
        index = next(i for i, c in enumerate(siblings) if c.id == code.id)
        if index == 0:
            raise NothingToDoError(f"{code.name!r} has no code above it to move into")
        move(session, code, siblings[index - 1].id, None)
        return node(project, session, code)


def outdent_code(project: Project, code_id: int) -> CodeNode:
    """Move a code out: it becomes the sibling just below its parent."""
    with project.write(f"codebook: move {code_name(project, code_id)} out") as session:
        code = get_code(session, code_id)
        if code.parent_id is None:
            raise NothingToDoError(f"{code.name!r} is already at the top level")
        parent = get_code(session, code.parent_id)
        index = [c.id for c in children_of(session, parent.parent_id)].index(parent.id)
        move(session, code, parent.parent_id, index + 1)
        return node(project, session, code)


def update_code(
    project: Project,
    code_id: int,
    changes: Mapping[str, object],
    *,
    expected_version: int | None = None,
    overwrite: bool = False,
) -> CodeNode:
    """Change a code's fields: definition, inclusion, exclusion, example, colour, shortcut,
    cues ({language: phrases}, replacing all) or kind. Unchanged values record nothing.
    With ``expected_version`` (the code's version when it was shown) a code changed since
    raises ``StaleEditError`` naming who changed it, unless ``overwrite``."""
    values = _validated(changes)

    def change(session: Session, code: Code) -> CodeNode:
        _apply(session, code, values)
        return node(project, session, code)

    label = f"codebook: edit {code_name(project, code_id)}"
    return _edit_code(project, label, code_id, expected_version, overwrite, change)


def _edit_code(
    project: Project,
    label: str,
    code_id: int,
    expected_version: int | None,
    overwrite: bool,
    change: Callable[[Session, Code], CodeNode],
) -> CodeNode:
    """One edit of a code, optimistic as ``codings._edit_coding``: a code no longer at
    ``expected_version``, or changed by another writer between this action's read and write,
    raises ``StaleEditError``; without a check such a race runs the edit again."""
    check = expected_version is not None and not overwrite

    def action(session: Session) -> CodeNode:
        code = get_code(session, code_id)
        what = f"the code {code.name!r}"
        if check and code.version != expected_version:
            raise history.stale_edit(session, what, "codes", code.id)
        try:
            return change(session, code)
        except StaleDataError as exc:
            if not check:
                raise
            raise history.stale_edit_after(project, what, "codes", code_id) from exc

    return project.run_write(label, action)


def set_cues(project: Project, code_id: int, language: str, phrases: Iterable[str]) -> CodeNode:
    """Replace a code's cue phrases of one language (no phrases: remove the language)."""
    cues = _validated({"cues": {language: list(phrases)}})["cues"]
    with project.write(f"codebook: edit cues of {code_name(project, code_id)}") as session:
        code = get_code(session, code_id)
        merged = {lang: list(p) for lang, p in (code.cues or {}).items() if lang != language}
        merged.update(cues)
        _apply(session, code, {"cues": dict(sorted(merged.items()))})
        return node(project, session, code)


def _validated(changes: Mapping[str, object]) -> dict[str, Any]:
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise CodebookError(f"unknown code field {unknown[0]!r}")
    values: dict[str, Any] = {}
    for field, value in changes.items():
        if field in TEXT_FIELDS:
            values[field] = checked(rules.check_text, value, field)
        elif field == "colour":
            values[field] = checked(rules.check_colour, value)
        elif field == "shortcut":
            values[field] = checked(rules.check_shortcut, value)
        elif field == "kind":
            values[field] = checked(rules.check_kind, value)
        else:
            cues = checked(rules.check_cues, value)
            values[field] = {lang: list(phrases) for lang, phrases in cues.items() if phrases}
    return values


def _apply(session: Session, code: Code, values: Mapping[str, Any]) -> None:
    kind = values.get("kind", code.kind)
    if kind == "group" and code.kind != "group" and count_codings(session, [code.id]):
        raise CodebookError(f"{code.name!r} has codings; it cannot become a group")
    shortcut = values.get("shortcut", code.shortcut)
    if shortcut is not None and "shortcut" in values:
        _check_shortcut(session, code, shortcut)
    if shortcut is not None and kind == "group":
        raise CodebookError(f"{code.name!r} is a group; only codes take a shortcut")
    for field, value in values.items():
        if getattr(code, field) != value:
            setattr(code, field, value)


def _check_shortcut(session: Session, code: Code, key: str) -> None:
    if key in RESERVED_KEYS:
        raise CodebookError(f"shortcut {key!r} is an app key; choose another")
    other = session.scalar(select(Code).where(Code.shortcut == key, Code.id != code.id))
    if other is not None:
        raise CodebookError(f"shortcut {key!r} is already used by {code_path(session, other)!r}")


def codebook_document(project: Project) -> str:
    """The whole codebook as Markdown (definitions, criteria, examples, coding counts)."""
    counts = {n.path: n.coding_count for n in codebook.tree(project)}
    return codebook_to_markdown(codebook.current_spec(project), counts)
