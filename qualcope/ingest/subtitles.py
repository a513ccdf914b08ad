"""Readers for subtitle transcripts: WebVTT (.vtt) and SubRip (.srt).

Parsing is strict where a mistake would lose or misplace words: a bad timestamp, a cue ending
before it starts, text outside a cue or a missing blank line between cues is an error with
its line number, and no partial document is ever returned (reliability.md C1-12). Overlapping
cues are common in multi-speaker recordings and only give a warning. Speakers come from VTT
voice tags (``<v Ana>``) or from ``Name:`` prefixes; timestamps go to the turn's ``meta``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from pathlib import Path

from qualcope.errors import ImportFileError
from qualcope.ingest.base import Piece, Transcript
from qualcope.ingest.decode import bom_encoding, decode, is_wide
from qualcope.ingest.pieces import APART, apply_text_labels, assemble, inherit_speakers
from qualcope.ingest.plain import refuse_empty
from qualcope.ingest.sniff import refuse_binary

_VTT_TIME = r"(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})"
_VTT_TIMING = re.compile(rf"^{_VTT_TIME}[ \t]+-->[ \t]+{_VTT_TIME}(?:[ \t]+.*)?$")
_SRT_TIME = r"(\d{1,3}):([0-5]\d):([0-5]\d)[,.](\d{1,3})"
_SRT_TIMING = re.compile(rf"^\s*{_SRT_TIME}[ \t]*-->[ \t]*{_SRT_TIME}(?:[ \t]+.*)?$")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?(?:[ \t]+([^>]*))?>")
_VTT_TAG = re.compile(r"</?(?:c|i|b|u|v|ruby|rt|lang)(?:[.\s][^>]*)?>|<\d[\d:.]*>")
_SRT_TAG = re.compile(r"</?(?:i|b|u|font)(?:\s[^>]*)?>|\{\\[^}]*\}")
_NEWLINE = re.compile(r"\r\n|\r|\n")
_DIALOGUE_DASH = re.compile(r"^[ \t]*[-–—][ \t]+\S")
_DIALOGUE = "dialogue"  # a line of a cue of several speakers
MAX_WARNINGS = 20


def _lines(data: bytes, path: Path, encoding: str | None) -> tuple[list[str], str]:
    refuse_empty(data, path)
    wide = is_wide(encoding) or is_wide(bom_encoding(data))
    refuse_binary(data, path, path.suffix.lower(), wide_text=wide)
    text, used, _ = decode(data, path, encoding)
    if not text.strip():
        raise ImportFileError("the document is empty (only white space)", path=path)
    return _NEWLINE.split(text), used


def _blocks(lines: list[str], first: int) -> list[tuple[int, list[str]]]:
    """Blocks of consecutive non-blank lines as (1-based line number, lines)."""
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = first
    for number, line in enumerate(lines[first:], start=first + 1):
        if line.strip():
            if not current:
                start = number
            current.append(line)
        elif current:
            blocks.append((start, current))
            current = []
    if current:
        blocks.append((start, current))
    return blocks


def _seconds(groups: Sequence[str | None]) -> float:
    hours, minutes, secs, millis = groups
    return (
        int(hours or 0) * 3600
        + int(minutes or 0) * 60
        + int(secs or 0)
        + int(millis or 0) / (10 ** len(millis or "0"))
    )


def _finish(
    pieces: list[Piece],
    path: Path,
    source_format: str,
    encoding: str,
    warnings: list[str],
    interviewers: Sequence[str],
    speakers: Sequence[str],
) -> Transcript:
    if not pieces:
        raise ImportFileError("contains no cues with text", path=path)
    notes = apply_text_labels(pieces, [*interviewers, *speakers])
    # Told after the labels are taken: a dialogue line may name its speaker ('- Anna: Hi').
    dialogue = sorted(
        {
            line
            for p in pieces
            if p.meta.get(_DIALOGUE)
            and p.speaker is None
            and isinstance(line := p.meta["line"], int)
        }
    )
    if dialogue:
        warnings.append(
            f"{len(dialogue)} cue{'s' if len(dialogue) != 1 else ''} of several speakers "
            f"(dialogue dashes, the first at line {dialogue[0]}): each line is a turn without "
            "a speaker"
        )
    inherit_speakers(pieces)
    done = assemble(pieces, joiner=" ", interviewers=interviewers)
    if not done.text:
        raise ImportFileError("contains no cues with text", path=path)
    if len(warnings) > MAX_WARNINGS:
        warnings = [*warnings[:MAX_WARNINGS], f"... and {len(warnings) - MAX_WARNINGS} more"]
    return Transcript(
        text=done.text,
        turns=tuple(done.turns),
        source_format=source_format,
        encoding=encoding,
        offsets=done.offsets,
        changes=done.changes,
        warnings=tuple(warnings),
        label_notes=tuple(str(note) for note in notes),
    )


def read_vtt(
    data: bytes,
    path: Path,
    encoding: str | None = None,
    interviewers: Sequence[str] = (),
    speakers: Sequence[str] = (),
) -> Transcript:
    """A WebVTT file."""
    lines, used = _lines(data, path, encoding)
    if not re.match(r"^WEBVTT(?:[ \t].*)?$", lines[0]):
        raise ImportFileError(
            "not a WebVTT file (the first line must be WEBVTT)", path=path, line=1
        )
    header_end = next((i for i, line in enumerate(lines) if not line.strip()), len(lines))
    pieces: list[Piece] = []
    warnings: list[str] = []
    previous_end = 0.0
    for number, block in _blocks(lines, header_end):
        head = block[0].strip()
        if re.match(r"^(?:NOTE|STYLE|REGION)(?:[ \t]|$)", head) and "-->" not in head:
            continue
        timing_at = 0 if "-->" in block[0] else 1 if len(block) > 1 and "-->" in block[1] else -1
        if timing_at < 0:
            raise ImportFileError(
                "text outside a cue (expected a timing line 'start --> end')",
                path=path,
                line=number,
            )
        start, end, payload = _timed_cue(
            block, timing_at, number, _VTT_TIMING, "hh:mm:ss.ttt --> hh:mm:ss.ttt", path
        )
        if start < previous_end - 0.001:
            warnings.append(f"line {number}: cue overlaps the previous one")
        previous_end = max(previous_end, end)
        pieces.extend(_voices("\n".join(payload), start, end, number))
    return _finish(pieces, path, "vtt", used, warnings, interviewers, speakers)


def _voices(payload: str, start: float, end: float, line: int) -> list[Piece]:
    """Split a cue payload at voice tags; strip the other tags; unescape entities."""
    pieces: list[Piece] = []
    speaker: str | None = None
    position = 0
    for match in _VOICE.finditer(payload):
        _add_voice(pieces, speaker, payload[position : match.start()], start, end, line)
        speaker = (match.group(1) or "").strip() or None
        position = match.end()
    _add_voice(pieces, speaker, payload[position:], start, end, line)
    return pieces


def _add_voice(
    pieces: list[Piece], speaker: str | None, raw: str, start: float, end: float, line: int
) -> None:
    lines = [part.strip() for part in html.unescape(_VTT_TAG.sub("", raw)).split("\n")]
    _add_cue_text(pieces, speaker, [part for part in lines if part], _cue_meta(start, end, line))


def _add_cue_text(
    pieces: list[Piece], speaker: str | None, lines: list[str], meta: dict[str, object]
) -> None:
    """A cue's lines as one piece; or, when each line opens with a dialogue dash ('- How?' /
    '- With a school.', the subtitle convention for two speakers in one cue) and no voice
    names the speaker, one piece per line, none of them the previous cue's speaker's."""
    if speaker is None and len(lines) > 1 and all(_DIALOGUE_DASH.match(x) for x in lines):
        for part in lines:
            pieces.append(Piece(None, part, {**meta, APART: True, _DIALOGUE: True}))
        return
    text = " ".join(lines)
    if text:
        pieces.append(Piece(speaker, text, meta))


def _cue_meta(start: float, end: float, line: int) -> dict[str, object]:
    """A cue's times, and its line in the file for messages (not stored)."""
    return {"start": round(start, 3), "end": round(end, 3), "line": line}


def read_srt(
    data: bytes,
    path: Path,
    encoding: str | None = None,
    interviewers: Sequence[str] = (),
    speakers: Sequence[str] = (),
) -> Transcript:
    """A SubRip file."""
    lines, used = _lines(data, path, encoding)
    pieces: list[Piece] = []
    warnings: list[str] = []
    previous_end = 0.0
    for number, block in _blocks(lines, 0):
        timing_at = 1 if block[0].strip().isdigit() else 0
        if timing_at >= len(block) or "-->" not in block[timing_at]:
            raise ImportFileError(
                "expected a cue number and a timing line 'start --> end'",
                path=path,
                line=number + min(timing_at, len(block) - 1),
            )
        start, end, payload = _timed_cue(
            block, timing_at, number, _SRT_TIMING, "hh:mm:ss,ttt --> hh:mm:ss,ttt", path
        )
        if start < previous_end - 0.001:
            warnings.append(f"line {number}: cue overlaps the previous one")
        previous_end = max(previous_end, end)
        lines = [_SRT_TAG.sub("", line).strip() for line in payload if line.strip()]
        lines = [html.unescape(line) if "&" in line else line for line in lines]
        _add_cue_text(pieces, None, [line for line in lines if line], _cue_meta(start, end, number))
    return _finish(pieces, path, "srt", used, warnings, interviewers, speakers)


def _timed_cue(
    block: list[str],
    timing_at: int,
    number: int,
    pattern: re.Pattern[str],
    expected: str,
    path: Path,
) -> tuple[float, float, list[str]]:
    """The timing and text lines of one cue, or an error naming the line (VTT and SRT)."""
    timing = pattern.match(block[timing_at].strip())
    if timing is None:
        raise ImportFileError(
            f"bad cue timing {block[timing_at].strip()[:60]!r} (expected {expected})",
            path=path,
            line=number + timing_at,
        )
    start, end = _seconds(timing.groups()[:4]), _seconds(timing.groups()[4:])
    if end < start:
        raise ImportFileError("the cue ends before it starts", path=path, line=number)
    payload = block[timing_at + 1 :]
    for offset, line in enumerate(payload, start=number + timing_at + 1):
        if "-->" in line:
            raise ImportFileError(
                "a timing line inside a cue (is a blank line missing before it?)",
                path=path,
                line=offset,
            )
    return start, end, payload
