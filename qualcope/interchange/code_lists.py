"""Code lists from other tools, read as codebooks.

Researchers arrive with the list their last tool gave them, not with qualcope's CSV:

* a CSV with a column of names: Taguette's tag export (``tag,description,number of
  highlights``), rOpenSci qcoder's ``codes.csv`` (``code_id,code,code.description``), an
  NVivo codebook table (``code,files,references``, or ``Name,Description,...``);
* QualCoder's plain-text code list (``.txt``): one code a line, categories before it joined
  by ``>>``, a tab before its memo (``cat3>>cat2>>code4<TAB>memo``).

A description or memo becomes the code's definition. Counts and ids are not imported (qualcope
counts its own codings), and the notes say so, with every other column left out. An NVivo
list names its codes ``theme - code``: when every name has a `` - `` and some theme holds more
than one code, each name is split at its first `` - `` into a group and a code, and a note
says how many groups were made. Names obey the codebook's rules (``codebook_rules``); a
defect is one error naming the file and the line.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from qualcope.domain import PATH_SEPARATOR, CodebookSpec
from qualcope.errors import CodebookError
from qualcope.interchange import codebook_rules as rules
from qualcope.wording import plural

NAME_COLUMNS = ("code", "name", "tag", "node", "code name", "code_name")
DESCRIPTION_COLUMNS = ("description", "code.description", "memo", "definition")
# Columns a tool adds that qualcope works out itself: left out, and said.
COUNT_COLUMNS = ("files", "references", "number of highlights")
ID_COLUMNS = ("code_id", "id")
THEME_SEPARATOR = " - "
QUALCODER_SEPARATOR = ">>"

Row = tuple[int, list[str], str]  # line, the names from the top down, the definition


def is_code_list(header: list[str]) -> bool:
    """Whether a CSV header (lower-cased, trimmed) is another tool's list of codes."""
    return "path" not in header and any(column in NAME_COLUMNS for column in header)


def parse_code_list_csv(
    text: str, path: Path | str, header: list[str]
) -> tuple[CodebookSpec, list[str]]:
    """A CSV code list (see the module docstring) and the notes on what it made of it."""
    name_at = next(header.index(c) for c in NAME_COLUMNS if c in header)
    described = [c for c in DESCRIPTION_COLUMNS if c in header]
    description_at = header.index(described[0]) if described else None
    used = {name_at, description_at}
    reader = csv.reader(io.StringIO(text, newline=""))
    next(reader)  # the header, read by the caller
    rows: list[Row] = []
    for line, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) <= name_at or not cells[name_at].strip():
            raise CodebookError(f"no code name in column {header[name_at]!r}", path=path, line=line)
        described = description_at is not None and description_at < len(cells)
        rows.append((line, [cells[name_at]], cells[description_at] if described else ""))
    notes = [f"read as a list of codes: names from column {header[name_at]!r}"]
    if description_at is not None:
        notes[0] += f", definitions from {header[description_at]!r}"
    left = [c for i, c in enumerate(header) if i not in used and c]
    if left:
        counted = [c for c in left if c in COUNT_COLUMNS]
        ids = [c for c in left if c in ID_COLUMNS]
        other = [c for c in left if c not in COUNT_COLUMNS and c not in ID_COLUMNS]
        if counted:
            notes.append(f"not imported: {', '.join(counted)} (qualcope counts its own codings)")
        if ids:
            notes.append(f"not imported: {', '.join(ids)} (the other tool's ids)")
        if other:
            notes.append(f"not imported: column(s) {', '.join(other)}")
    rows, grouped = _themes(rows)
    if grouped:
        notes.append(grouped)
    return _codebook(rows, path), notes


def read_qualcoder_list(path: Path) -> tuple[CodebookSpec, list[str]]:
    """A QualCoder plain-text code list file (UTF-8, with or without a byte-order mark)."""
    return parse_qualcoder_list(rules.read_codebook_text(path), path)


def parse_qualcoder_list(text: str, path: Path | str) -> tuple[CodebookSpec, list[str]]:
    """QualCoder's plain-text code list and the notes on what it made of it."""
    rows: list[Row] = []
    for line, content in enumerate(text.splitlines(), start=1):
        if not content.strip():
            continue
        named, _, memo = content.partition("\t")
        names = [part for part in named.split(QUALCODER_SEPARATOR)]
        if any(not name.strip() for name in names):
            raise CodebookError(
                f"an empty category or code name in {named.strip()!r}", path=path, line=line
            )
        rows.append((line, names, memo))
    if not rows:
        raise CodebookError("the file holds no codes", path=path)
    spec = _codebook(rows, path)
    groups = sum(1 for _, code in spec.walk() if code.kind == "group")
    notes = [
        "read as a QualCoder code list: "
        f"{plural(len(rows), 'code')}, {plural(groups, 'category', 'categories')} (made groups), "
        "memos as definitions"
    ]
    return spec, notes


def _themes(rows: list[Row]) -> tuple[list[Row], str]:
    """``theme - code`` names split into a group and a code, when the list is so written."""
    names = [names[0] for _, names, _ in rows]
    if not names or not all(THEME_SEPARATOR in name.strip() for name in names):
        return rows, ""
    themes = [name.strip().split(THEME_SEPARATOR, 1)[0].strip() for name in names]
    if len(set(themes)) == len(themes):  # no theme holds two codes: not a grouping
        return rows, ""
    split = [
        (line, [part.strip() for part in names[0].strip().split(THEME_SEPARATOR, 1)], memo)
        for line, names, memo in rows
    ]
    message = (
        f"names read as 'theme - code': {plural(len(set(themes)), 'group')} of "
        f"{plural(len(rows), 'code')} "
        f"(split at the first '{THEME_SEPARATOR}')"
    )
    return split, message


def _codebook(rows: list[Row], path: Path | str) -> CodebookSpec:
    """The tree the rows' name paths make: every name before the last is a group."""
    fields: dict[tuple[str, ...], dict[str, object]] = {}
    order: list[tuple[str, ...]] = []
    for line, names, memo in rows:
        if len(names) > rules.MAX_DEPTH:
            raise CodebookError(
                f"codes are nested more than {rules.MAX_DEPTH} deep", path=path, line=line
            )
        try:
            clean = tuple(rules.check_name(name) for name in names)
            definition = rules.check_text(memo, "definition")
        except ValueError as exc:
            raise CodebookError(str(exc), path=path, line=line) from exc
        for depth in range(1, len(clean)):
            parent = clean[:depth]
            if parent not in fields:
                fields[parent] = {"name": parent[-1], "kind": "group"}
                order.append(parent)
            else:
                fields[parent]["kind"] = "group"  # a category that is also listed as a code
        if clean in fields and fields[clean].get("line"):
            raise CodebookError(
                f"code {PATH_SEPARATOR.join(clean)!r} is listed twice (also line "
                f"{fields[clean]['line']})",
                path=path,
                line=line,
            )
        if clean not in fields:
            fields[clean] = {"name": clean[-1], "kind": "code"}
            order.append(clean)
        fields[clean].update(line=line, definition=definition)
    parents = {key[:-1] for key in order}
    nodes = {
        key: {
            "name": values["name"],
            "kind": "group" if key in parents else values["kind"],
            "definition": values.get("definition", ""),
        }
        for key, values in fields.items()
    }
    return rules.tree_spec(Path(str(path)).stem, nodes, order, path)
