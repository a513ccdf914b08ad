"""Metadata cells (a participant, a case, a role, an attribute): no control characters.

A transcript's text is normalised and its removed control characters are counted (C1-8); a
metadata cell is a short name or value that lists, tables and the terminal show as it is. An
escape sequence in one would run in the terminal of whoever lists the documents, so such a
cell is refused with the file, the line and the column, and the user fixes the sheet. Tabs
and line breaks inside a cell (a spreadsheet's Alt+Enter) are white space, not controls.
"""

from __future__ import annotations

import re
from pathlib import Path

from qualcope.errors import ImportFileError

# C0 and C1 controls (ESC among them) except tab, line feed and carriage return, and the
# direction overrides that make a value read as something else (C1-14).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def checked_cell(value: str, column: str, path: Path, line: int | None) -> str:
    """The cell, or an error naming the column when it holds a control character."""
    found = _CONTROL.search(value)
    if found is not None:
        code = f"U+{ord(found.group()):04X}"
        raise ImportFileError(
            f"the {column!r} cell holds a control character ({code}); remove it from the sheet",
            path=path,
            line=line,
        )
    return value
