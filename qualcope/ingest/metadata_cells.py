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
# direction overrides that make a value read as something else (C1-14). The CLI's terminal
# tables mark the same characters (``cli.common.visible``).
UNSAFE_POINTS = (
    *(code for code in range(0x20) if code not in (0x09, 0x0A, 0x0D)),
    *range(0x7F, 0xA0),
    *range(0x202A, 0x202F),
    *range(0x2066, 0x206A),
)
_CONTROL = re.compile("[" + "".join(re.escape(chr(code)) for code in UNSAFE_POINTS) + "]")


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
