"""Codings written into a transcript's text by rOpenSci's qcoder, taken out at import.

qcoder keeps its codings in the document itself: ``(QCODE)coded words(/QCODE){#code1,
#code2}``, one pair of marks a passage, nested where passages overlap. Imported as plain
text, the marks would stay in every quote and the codings would be lost without a word. So
the marks are taken out of the (normalised) text, each passage becomes a coding of each code
it names, and the offset map gains the removed marks, so file positions still count the
file's characters, marks included.

The marks must pair up: a closing mark with no opening one, an opening mark never closed, a
closing mark without its ``{#code}`` list, a list naming no code, or an empty passage is an
error naming the line, since guessing would put codings where the coder did not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from qualcope.errors import ImportFileError
from qualcope.ingest.offsets import OffsetMap

OPEN = "(QCODE)"
CLOSE = "(/QCODE)"
# An opening mark, or a closing one with the code list that must follow it on its line.
_MARK = re.compile(r"\(QCODE\)|\(/QCODE\)(?:\{([^}\n]*)\})?")


@dataclass(frozen=True)
class InlineCoding:
    """A passage the marks coded: stored offsets (end exclusive), its codes, its line."""

    start: int
    end: int
    codes: tuple[str, ...]
    line: int  # the line of its closing mark in the file, for messages


@dataclass(frozen=True)
class TakenOut:
    """A text with its marks taken out, the map from the text given, and the codings."""

    text: str
    offsets: OffsetMap
    marks: int
    codings: tuple[InlineCoding, ...]


def has_inline_codes(text: str) -> bool:
    return OPEN in text or CLOSE in text


def take_inline_codes(text: str, path: Path) -> TakenOut:
    """The text without its qcoder marks, and the codings they made (see the docstring)."""
    kept: list[str] = []
    regions: list[tuple[int, int, int, int]] = []
    open_at: list[tuple[int, int]] = []  # (stored start, line) of each open passage
    codings: list[InlineCoding] = []
    last = stored = 0
    line, counted = 1, 0  # the line of position ``counted``, advanced as marks are found
    for mark in _MARK.finditer(text):
        line += text.count("\n", counted, mark.start())
        counted = mark.start()
        kept.append(text[last : mark.start()])
        stored += mark.start() - last
        regions.append((mark.start(), mark.end(), stored, stored))
        last = mark.end()
        if mark.group(0) == OPEN:
            open_at.append((stored, line))
            continue
        if mark.group(1) is None:
            raise _error(f"a {CLOSE} mark without its {{#code}} list", path, line)
        if not open_at:
            raise _error(f"a {CLOSE} mark closes no {OPEN} mark", path, line)
        codes = tuple(dict.fromkeys(c.strip().lstrip("#").strip() for c in mark[1].split(",")))
        codes = tuple(code for code in codes if code)
        if not codes:
            raise _error(f"{CLOSE}{{{mark[1]}}} names no code", path, line)
        start, _ = open_at.pop()
        if start == stored:
            raise _error(f"an empty coded passage before {CLOSE}{{{mark[1]}}}", path, line)
        codings.append(InlineCoding(start, stored, codes, line))
    if open_at:
        raise _error(f"a {OPEN} mark is never closed", path, open_at[-1][1])
    kept.append(text[last:])
    codings.sort(key=lambda coding: (coding.start, -coding.end))
    return TakenOut("".join(kept), OffsetMap(tuple(regions)), len(regions), tuple(codings))


def _error(message: str, path: Path, line: int) -> ImportFileError:
    return ImportFileError(f"qcoder marks: {message}", path=path, line=line)
