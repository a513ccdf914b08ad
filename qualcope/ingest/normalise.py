"""Normalising text once, at import: LF line endings, NFC, control and escape characters out.

After this the canonical text never changes while codings exist, so every offset stays valid.
One line model: every character ``str.splitlines`` treats as a line break (CR, CRLF, VT, FF,
FS/GS/RS, NEL, U+2028, U+2029) becomes ``\\n``, so ``text.split("\\n")`` and
``text.splitlines()`` agree on the stored text (reliability.md C1-4, C1-5).
Terminal escape sequences and C0/C1 control characters are removed, because terminals execute
them and XML and spreadsheets refuse them (C1-8); the removals are counted for the report.
"""

from __future__ import annotations

import re
import unicodedata

# Whole escape sequences first, so their parameters ("[2J", "]52;...") do not stay behind.
_ESCAPE_SEQUENCE = re.compile(
    r"""
      \x1b\[[0-?]*[ -/]*[@-~]                        # CSI: ESC [ params final
    | \x9b[0-?]*[ -/]*[@-~]                          # 8-bit CSI
    | (?:\x1b\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?   # OSC ... BEL or ST
    | (?:\x1b[PX^_]|[\x90\x98\x9e\x9f])[^\x1b\x9c]*(?:\x1b\\|\x9c)?  # DCS, SOS, PM, APC
    | \x1b[ -/]*[0-~]                                # other ESC sequences
    """,
    re.VERBOSE,
)
_C1_INTRODUCERS = re.compile("[\x90\x98\x9b\x9d\x9e\x9f]")
_LINE_BREAK = re.compile("\r\n|[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
# Tab (09) and LF (0a) stay; the other line breaks were turned into LF before this runs.
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ufeff\ufffe\uffff]")
# Any character one of the passes above would change: most transcripts have none (fast path).
_NEEDS_WORK = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")


def normalise(text: str, *, strip: bool = True) -> tuple[str, int]:
    """The canonical form of ``text`` and the number of control characters/sequences removed."""
    sequences = controls = 0
    if _NEEDS_WORK.search(text):
        if "\x1b" in text or _C1_INTRODUCERS.search(text):
            text, sequences = _ESCAPE_SEQUENCE.subn("", text)
        text = _LINE_BREAK.sub("\n", text)
        text, controls = _CONTROL.subn("", text)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if strip:
        text = text.strip()
    return text, sequences + controls


def collapse_spaces(text: str) -> str:
    """One line of text with runs of white space made single spaces (labels, cue lines)."""
    return " ".join(text.split())
