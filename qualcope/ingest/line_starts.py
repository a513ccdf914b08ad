"""What the label finders share: the timestamp pattern, a found label, lines' starts.

``turns`` finds labels of every shape, ``separated_labels`` those set off by a tab or a dash,
``header_lines`` looks at the first of them; each finds a pattern at the start of lines.
"""

from __future__ import annotations

import re
from functools import lru_cache

TIME = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
# A label found at a line start: (line start, content start, label, style, timestamp).
Found = tuple[int, int, str, str, str | None]


def line_starts(pattern: str, text: str, flags: int = 0) -> list[tuple[int, re.Match[str]]]:
    """(line start, match) of ``pattern`` at each line start, searched as "\\n" + pattern:
    the search skips to the next line break at C speed, where ``^`` with MULTILINE would be
    tried at every character."""
    found = [(m.start() + 1, m) for m in _compiled("\n" + pattern, flags).finditer(text)]
    first = _compiled(pattern, flags).match(text)
    return [(0, first), *found] if first is not None else found


@lru_cache(maxsize=64)
def _compiled(pattern: str, flags: int) -> re.Pattern[str]:
    return re.compile(pattern, flags)
