"""Normalising text once, at import, with an exact map back to the file's positions.

After this the stored text never changes while codings exist, so every offset stays valid.
What changes, and only that: line breaks become ``\\n`` (one line model: every character
``str.splitlines`` treats as a break, so ``text.split("\\n")`` and ``text.splitlines()``
agree; reliability.md C1-4, C1-5); terminal escape sequences and C0/C1 control characters
are removed, because terminals execute them and XML and spreadsheets refuse them (C1-8);
decomposed accents are composed (NFC). Nothing is trimmed: leading blank lines and trailing
spaces stay, so positions other tools count in the file still point at the same characters.
Every change is counted for the import report and recorded in an ``OffsetMap``.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import cache

from qualcope.ingest.offsets import OffsetMap, Region

# What each kind of change is called in an import report.
CRLF = "CRLF -> LF"
CR = "CR -> LF"
OTHER_BREAK = "other line breaks -> LF"
CONTROL = "control characters removed"
ESCAPE = "terminal escape sequences removed"
NFC = "accents composed (NFC)"
INLINE_MARKS = "qcoder marks taken out"  # not normalising: ``inline_codes``, counted alike

_ESCAPE_SEQUENCE = r"""
      \x1b\[[0-?]*[ -/]*[@-~]                        # CSI: ESC [ params final
    | \x9b[0-?]*[ -/]*[@-~]                          # 8-bit CSI
    | (?:\x1b\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?   # OSC ... BEL or ST
    | (?:\x1b[PX^_]|[\x90\x98\x9e\x9f])[^\x1b\x9c]*(?:\x1b\\|\x9c)?  # DCS, SOS, PM, APC
    | \x1b[ -/]*[0-~]                                # other ESC sequences
"""
# Whole escape sequences first, so their parameters ("[2J", "]52;...") do not stay behind;
# then line breaks (NEL U+0085 is a break before it is a C1 control); then controls.
_TROUBLE = re.compile(
    rf"""
      (?P<esc>{_ESCAPE_SEQUENCE})
    | (?P<crlf>\r\n)
    | (?P<cr>\r)
    | (?P<brk>[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029])
    | (?P<ctl>[\x00-\x08\x0e-\x1f\x7f-\x9f\ufeff\ufffe\uffff])
    """,
    re.VERBOSE,
)
_KIND = {"esc": ESCAPE, "crlf": CRLF, "cr": CR, "brk": OTHER_BREAK, "ctl": CONTROL}
_REPLACEMENT = {"esc": "", "crlf": "\n", "cr": "\n", "brk": "\n", "ctl": ""}
# Any character the passes above would change: most transcripts have none (fast path).
_NEEDS_WORK = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")
# Characters below U+0300 never change under NFC and never compose with what precedes them,
# so NFC of a text is NFC of its pieces split before each of them: only runs of higher
# characters (with the one before them) can change.
_HIGH_RUN = re.compile("[\x00-\u02ff]?[^\x00-\u02ff]+")


@dataclass(frozen=True)
class Normalised:
    """A text made canonical, the map from the original's positions, and what changed."""

    text: str
    offsets: OffsetMap = field(default_factory=OffsetMap)
    changes: dict[str, int] = field(default_factory=dict)

    @property
    def removed(self) -> int:
        """Control characters and escape sequences removed."""
        return self.changes.get(CONTROL, 0) + self.changes.get(ESCAPE, 0)


def normalise(text: str) -> Normalised:
    """The canonical form of ``text``, with its offset map and the changes counted."""
    if not _NEEDS_WORK.search(text):
        if unicodedata.is_normalized("NFC", text):
            return Normalised(text)
        return _normalise(text)
    return _normalise(text)


def _normalise(text: str) -> Normalised:
    pieces: list[str] = []
    regions: list[Region] = []
    changes: Counter[str] = Counter()
    stored = 0  # length of the output so far
    position = 0
    for match in _TROUBLE.finditer(text):
        stored = _compose_run(text, position, match.start(), stored, pieces, regions, changes)
        kind = match.lastgroup or "ctl"
        replacement = _REPLACEMENT[kind]
        start, end = match.span()
        if end - start != len(replacement):  # a one-for-one swap moves no position
            regions.append((start, end, stored, stored + len(replacement)))
        pieces.append(replacement)
        stored += len(replacement)
        changes[_KIND[kind]] += 1
        position = end
    _compose_run(text, position, len(text), stored, pieces, regions, changes)
    return Normalised("".join(pieces), OffsetMap(tuple(regions)), dict(changes))


def _compose_run(
    text: str,
    start: int,
    end: int,
    stored: int,
    pieces: list[str],
    regions: list[Region],
    changes: Counter[str],
) -> int:
    """Append ``text[start:end]`` in NFC, recording each changed cluster; the new length.

    Characters on the two sides of a removed control character are not composed together:
    each run between changes is composed on its own.
    """
    run = text[start:end]
    if unicodedata.is_normalized("NFC", run):
        pieces.append(run)
        return stored + len(run)
    position = 0
    for match in _HIGH_RUN.finditer(run):
        chunk = match.group()
        if unicodedata.is_normalized("NFC", chunk):
            continue
        pieces.append(run[position : match.start()])
        stored += match.start() - position
        for a, b in _clusters(chunk):
            cluster = chunk[a:b]
            composed = unicodedata.normalize("NFC", cluster)
            if composed != cluster:
                if len(composed) != len(cluster):
                    at = start + match.start()
                    regions.append((at + a, at + b, stored, stored + len(composed)))
                changes[NFC] += 1
            pieces.append(composed)
            stored += len(composed)
        position = match.end()
    pieces.append(run[position:])
    return stored + len(run) - position


def _clusters(chunk: str) -> list[tuple[int, int]]:
    """Pieces of ``chunk`` that NFC composes independently: each starts at a character that
    composes with nothing before it."""
    joining = _backward_composers()
    bounds = [0]
    for index in range(1, len(chunk)):
        char = chunk[index]
        if unicodedata.combining(char) == 0 and ord(char) not in joining:
            bounds.append(index)
    bounds.append(len(chunk))
    return list(zip(bounds, bounds[1:], strict=False))


@cache
def _backward_composers() -> frozenset[int]:
    """Characters of combining class 0 that NFC joins to the character before them (Hangul
    vowels and final consonants, some Indic vowel signs). Computed from the Unicode data of
    this Python once, when a text first needs composing (~0.1 s)."""
    found = set(range(0x1161, 0x1176)) | set(range(0x11A8, 0x11C3))  # Hangul V and T jamo
    for code in range(0x110000):
        decomposition = unicodedata.decomposition(chr(code))
        if decomposition and decomposition[0] != "<":
            parts = decomposition.split()
            if len(parts) == 2:
                second = int(parts[1], 16)
                if unicodedata.combining(chr(second)) == 0:
                    found.add(second)
    return frozenset(found)


def clean_line(text: str) -> tuple[str, int]:
    """A short text fit to show (a file name, a speaker label): canonical, trimmed; and the
    number of control characters and sequences removed from it."""
    done = normalise(text)
    return done.text.strip(), done.removed


def collapse_spaces(text: str) -> str:
    """One line of text with runs of white space made single spaces (labels, cue lines)."""
    return " ".join(text.split())


def describe_changes(changes: dict[str, int]) -> str:
    """'CRLF -> LF in 1,204 places; 3 control characters removed' for an import report."""
    parts = []
    for kind in (CRLF, CR, OTHER_BREAK, NFC):
        if changes.get(kind):
            parts.append(f"{kind} in {changes[kind]:,} place{'' if changes[kind] == 1 else 's'}")
    for kind, noun, done in (
        (CONTROL, "control character", "removed"),
        (ESCAPE, "terminal escape sequence", "removed"),
        (INLINE_MARKS, "qcoder coding mark", "taken out (now codings)"),
    ):
        count = changes.get(kind, 0)
        if count:
            parts.append(f"{count:,} {noun}{'' if count == 1 else 's'} {done}")
    return "; ".join(parts)
