"""Turns from structured pieces (subtitle cues, spreadsheet rows): labels, assembly.

Subtitle files and turn tables have no running text of their own: each cue or row is a piece
with perhaps a speaker. The stored text is written from them, one paragraph per turn,
``Speaker: text``, so ``show`` reads like a transcript; the label is written once per turn,
as in a typed transcript. Consecutive pieces of one speaker form one turn (a cue is not a
paragraph: Teams repeats the speaker on every cue) unless ``merge`` is off (one row, one turn).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from qualcope.domain import SegmentSpec
from qualcope.ingest.base import Piece
from qualcope.ingest.label_lines import split_label
from qualcope.ingest.labels import (
    CAPS_NOT_SPEAKERS,
    NOT_SPEAKERS,
    Candidate,
    accepted_labels,
    is_interviewer,
    label_key,
    looks_like_a_label,
)
from qualcope.ingest.normalise import collapse_spaces, normalise
from qualcope.ingest.offsets import OffsetMap
from qualcope.ingest.turns import LabelNote, seconds


@dataclass(frozen=True)
class Assembled:
    """The text written from pieces, its turns, and what normalising it changed."""

    text: str
    turns: list[SegmentSpec]
    offsets: OffsetMap = field(default_factory=OffsetMap)
    changes: dict[str, int] = field(default_factory=dict)


def apply_text_labels(pieces: Sequence[Piece], given: Sequence[str] = ()) -> list[LabelNote]:
    """Take ``Name:`` labels from the start of unlabelled pieces (in place).

    A label is kept when it recurs or is a role word, as in running text, or when the user
    gave it (``given``). A piece that starts with what looks like a label but is not kept
    ('peter smit: I disagree' once) stays a turn of its own, without a speaker, and is
    listed: carried on as the previous cue's speaker, its words would be the interviewer's.
    """
    found = [split_label(p.text) if p.speaker is None else (None, p.text, None) for p in pieces]
    candidates = [Candidate(label, "colon", s is not None) for label, _, s in found if label]
    speakers = accepted_labels(candidates, given) | {label_key(name) for name in given}
    notes: list[LabelNote] = []
    for piece, (label, rest, stamp) in zip(pieces, found, strict=True):
        if label and label_key(label) in speakers:
            piece.speaker, piece.text = label, rest
            if stamp and "start" not in piece.meta:
                piece.meta["start"] = seconds(stamp)
        elif label and (looks_like_a_label(label) or _lower_case_name(label)):
            piece.meta[APART] = True
            line = piece.meta.get("line")
            notes.append(LabelNote(line if isinstance(line, int) else 0, label, _OWN_TURN))
    return notes


# A piece that starts with a label not taken, or one line of a cue of several speakers
# (dialogue dashes): never carried on as the previous speaker's turn.
APART = "apart"
_OWN_TURN = "a turn of its own, without a speaker"


def _lower_case_name(label: str) -> bool:
    """'peter smit': a name written in lower case, which a cue's structure makes a label."""
    words = label.split()
    key = label_key(label)
    return (
        0 < len(words) <= 3
        and label.islower()
        and all(word.replace(".", "").replace("'", "").isalpha() for word in words)
        and key not in NOT_SPEAKERS
        and key not in CAPS_NOT_SPEAKERS
    )


def inherit_speakers(pieces: Sequence[Piece]) -> None:
    """An unlabelled piece after a labelled one continues that speaker's turn (in place),
    unless it starts with a label that was not taken (``apply_text_labels``)."""
    current: str | None = None
    for piece in pieces:
        if piece.speaker:
            current = piece.speaker
        elif piece.meta.get(APART):
            current = None
        elif current is not None:
            piece.speaker = current


def assemble(
    pieces: Iterable[Piece],
    *,
    joiner: str,
    interviewers: Sequence[str] = (),
    merge: bool = True,
) -> Assembled:
    """The text of structured pieces: one paragraph per turn, ``Speaker: text``.

    Timestamps go to the turn's meta (``start``, ``end``; ``parts`` when pieces merged); a
    piece's own ``interviewer`` meta (a spreadsheet column) overrides the label rule. The
    written text is normalised once as a whole, like a file's text.
    """
    merged: list[tuple[str | None, list[str], dict[str, object]]] = []
    for piece in pieces:
        body = piece.text.strip()
        if not normalise(body).text.strip():
            continue
        speaker = collapse_spaces(normalise(piece.speaker).text) if piece.speaker else None
        speaker = speaker or None
        meta = {k: v for k, v in piece.meta.items() if k in ("start", "end", "interviewer")}
        if merge and merged and speaker is not None and merged[-1][0] == speaker:
            merged[-1][1].append(body)
            if "end" in meta:
                merged[-1][2]["end"] = meta["end"]
            continue
        merged.append((speaker, [body], meta))
    parts: list[str] = []
    spans: list[tuple[int, int, str | None, dict[str, object], int]] = []
    offset = 0
    for speaker, bodies, meta in merged:
        prefix = f"{speaker}: " if speaker else ""
        body = joiner.join(bodies)
        if parts:
            offset += 2  # the blank line between paragraphs
        start = offset + len(prefix)
        parts.append(prefix + body)
        offset += len(prefix) + len(body)
        spans.append((start, offset, speaker, meta, len(bodies)))
    done = normalise("\n\n".join(parts))
    turns: list[SegmentSpec] = []
    for start, end, speaker, meta, count in spans:
        marked = meta.pop("interviewer", None)
        interviewer = is_interviewer(speaker, interviewers) if marked is None else bool(marked)
        extra = {**meta, "parts": count} if meta else None
        turns.append(
            SegmentSpec(
                "turn",
                done.offsets.to_stored(start),
                done.offsets.to_stored(end, end=True),
                speaker=speaker,
                is_interviewer=interviewer,
                turn_index=len(turns),
                meta=extra,
            )
        )
    return Assembled(done.text, turns, done.offsets, done.changes)
