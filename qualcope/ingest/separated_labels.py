"""Speaker labels set off by a tab or a spaced dash (``turns``).

``Maria<TAB>Yes, we...`` is a table pasted as text or a Word table without a header row, with
a timestamp cell before or after the label or none; ``Maria - Yes, we...`` a typed shape. Both
are also tables of values and prose, so they count only in a text that alternates between
speakers in that shape.
"""

from __future__ import annotations

import re
from collections import Counter

from qualcope.ingest.labels import (
    CAPS_NOT_SPEAKERS,
    NOT_SPEAKERS,
    NOTE_WORDS,
    label_key,
    name_like,
    plausible,
)
from qualcope.ingest.line_starts import TIME, Found, line_starts
from qualcope.ingest.normalise import collapse_spaces

_TAB_LINE = (
    rf"[ \t]*(?:[\[(]?(?P<ts_a>{TIME})[\])]?\t+)?(?P<label>[^\W\d_][^\t\n:]{{0,59}}?) *\t+"
    rf"[ \t]*(?:[\[(]?(?P<ts_b>{TIME})[\])]?[ \t]+)?(?=\S)"
)
_DASH_LINE = r"[ \t]*(?P<label>[^\W\d_][^\t\n:]{0,59}?)[ \t]+[-–—][ \t]+(?=\S)"
_TEXT_LINE = re.compile(r"^[ \t]*\S", re.MULTILINE)


def separated_labels(text: str, others: int) -> list[Found]:
    """Labels set off by a tab or a spaced dash, when the text alternates in that shape and
    they outnumber the ``others`` lines that start with a label of another shape (a colon
    transcript whose paragraphs often open with 'So - ' keeps its colon labels only)."""
    found: list[Found] = []
    shapes = []
    if "\t" in text:
        shapes.append((_TAB_LINE, "tab"))
    if " - " in text or " – " in text or " — " in text:
        shapes.append((_DASH_LINE, "dash"))
    for pattern, style in shapes:
        lines: list[Found] = []
        for start, match in line_starts(pattern, text):
            label = collapse_spaces(match.group("label"))
            if plausible(label) and name_like(label) and label.casefold() not in NOTE_WORDS:
                stamp = match.groupdict().get("ts_a") or match.groupdict().get("ts_b")
                lines.append((start, match.end(), label, style, stamp))
        if len(lines) > others and _alternating(lines, text):
            found.extend(lines)
    return found


def _alternating(lines: list[Found], text: str) -> bool:
    """Whether the text is turns in that shape: at least two labels each start two lines or
    more, and such lines are a third of its lines or more. A table of values, or paragraphs
    that open with 'So - ' and 'And - ' in a long transcript, are not."""
    uses = Counter(label_key(item[2]) for item in lines)
    recurring = [
        key
        for key, count in uses.items()
        if count >= 2 and key not in NOT_SPEAKERS and key not in CAPS_NOT_SPEAKERS
    ]
    if len(recurring) < 2:
        return False
    return len(lines) * 3 >= len(_TEXT_LINE.findall(text))
