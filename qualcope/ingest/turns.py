"""Speaker turns: labels in plain text, assembly of structured pieces, interviewer marking.

A turn is the utterance after its label: ``Interviewer: How did it start?`` gives a turn whose
span covers only ``How did it start?``, with speaker ``Interviewer``. Labels recognised at the
start of a line: ``Name:``, ``NAME:``, ``Respondent 3:``, ``I:``/``R:``, ``[Name]``,
``**Name:**`` (Markdown), optionally with a timestamp (``[00:01:23] Ana:``, ``Ana (01:23):``)
that goes to the turn's ``meta``. A text is a labelled transcript when a role word
(interviewer, respondent, ...) or a label used twice starts lines; only then do other
name-like labels count, so that ``Note: ...`` in a monologue does not become a speaker.
Text without labels is split into paragraphs, one turn each.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import chain, repeat
from operator import itemgetter

from qualcope.domain import SegmentSpec
from qualcope.ingest.base import Piece
from qualcope.ingest.normalise import collapse_spaces, normalise

# First word of a label (case-folded) that marks the interviewer's turns.
INTERVIEWER_KEYS = frozenset(
    {
        "interviewer",
        "interviewster",
        "interviewers",
        "i",
        "int",
        "q",
        "question",
        "moderator",
        "facilitator",
        "researcher",
        "onderzoeker",
        "vraag",
    }
)
RESPONDENT_KEYS = frozenset(
    {
        "respondent",
        "r",
        "a",
        "answer",
        "interviewee",
        "participant",
        "geïnterviewde",
        "antwoord",
        "deelnemer",
        "p",
    }
)
# Bracketed words that are transcription notes, not speakers.
NOTE_WORDS = frozenset(
    {
        "laughs",
        "laughter",
        "inaudible",
        "pause",
        "crosstalk",
        "silence",
        "unclear",
        "coughs",
        "sighs",
        "music",
        "noise",
        "lacht",
        "onverstaanbaar",
        "stilte",
        "pauze",
        "gelach",
    }
)
# Capitalised words that start header or prose lines ("Date: 12 May") rather than turns.
NOT_SPEAKERS = frozenset(
    "note nb ps update edit example tip warning important summary title date location place "
    "time duration subject topic re aside transcript recording source".split()
)
MAX_LABEL_WORDS = 4
MAX_LABEL_CHARS = 40

_TIME = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
_LABEL = rf"""
    [ \t]*
    (?:[\[(]?(?P<ts1>{_TIME})[\])]?[ \t]+)?               # [00:01:23] before the label
    (?:
        \*\*(?P<md>[^*\n]{{1,40}}?)[ \t]*(?::[ \t]*\*\*|\*\*[ \t]*:)   # **Name:** / **Name**:
      | \[(?P<br>[^\]\n]{{1,40}})\](?:[ \t]*:)?                       # [Name] / [Name]:
      | (?P<plain>[^\W\d_][^:\n]{{0,39}}?)[ \t]*(?:[\[(](?P<ts2>{_TIME})[\])][ \t]*)?:
        (?=[ \t]|$)                                                   # Name: / Name (01:23):
      | (?P<alone>[^\W\d_][^:\n]{{0,39}}?)[ \t]+(?P<ts3>{_TIME})[ \t]*$   # Name  0:03 (Otter)
    )
    [ \t]*
    """
_LABEL_LINE = re.compile("^" + _LABEL, re.VERBOSE | re.MULTILINE)
# The same after a line break: its search skips to the next "\n" at C speed, where
# ``_LABEL_LINE.finditer`` tries ``^`` at every character. A match never contains a line
# break, so these matches (and a ``_LABEL_LINE.match`` at 0) are exactly ``finditer``'s.
_NEXT_LABEL_LINE = re.compile(r"\n" + _LABEL, re.VERBOSE | re.MULTILINE)
# ``_candidate``'s label depends on these groups only; its timestamp on the others.
_label_groups = itemgetter(*(_LABEL_LINE.groupindex[g] - 1 for g in ("md", "br", "plain", "alone")))
_stamp_groups = itemgetter(*(_LABEL_LINE.groupindex[g] - 1 for g in ("ts1", "ts2", "ts3")))
# Label groups -> ``_candidate``'s label (None: not a label), shared by all texts; emptied
# when it holds more than MAX_JUDGED.
_JUDGED: dict[tuple[str | None, ...], str | None] = {}
MAX_JUDGED = 10_000
_FIRST_WORD_END = re.compile(r"[\s\d#(]")  # a label key's first word ends here
_LABEL_CHARS = re.compile(r"[^\W\d_][\w .'’\-]*")
_PARAGRAPH = re.compile(r"\S(?:.*\S)?(?:\n(?![ \t]*\n).*\S)*", re.MULTILINE)


def label_key(label: str) -> str:
    """The comparison key of a speaker label (case-folded, spaces collapsed)."""
    return collapse_spaces(label).casefold()


def is_interviewer(label: str | None, interviewers: Iterable[str] = ()) -> bool:
    """Whether a speaker label names the interviewer (a role word or a name the user gave)."""
    if not label:
        return False
    key = label_key(label)
    if key in {label_key(name) for name in interviewers}:
        return True
    return _first_word(key) in INTERVIEWER_KEYS


def _first_word(key: str) -> str:
    return _FIRST_WORD_END.split(key, maxsplit=1)[0]


def _known_role(key: str) -> bool:
    first = _first_word(key)
    return first in INTERVIEWER_KEYS or first in RESPONDENT_KEYS


def accepted_labels(labels: Sequence[str]) -> set[str]:
    """The keys of the candidate labels that are speakers.

    Role words and labels used at least twice are speakers. Once a text has such speakers it
    is a labelled transcript, and a name-like label (capitalised words, not 'Note' or 'Date')
    is a speaker even if they speak once; in other text a lone ``Note:`` stays prose.
    """
    uses = Counter(labels)  # a transcript repeats few labels many times: work per label
    keys = {label: label_key(label) for label in uses}
    counts: Counter[str] = Counter()
    for label, n in uses.items():
        counts[keys[label]] += n
    sure = {key for key in counts if counts[key] >= 2 or _known_role(key)}
    if not sure:
        return set()
    names = {
        keys[label]
        for label in uses
        if all(word[:1].isupper() for word in label.split()) and keys[label] not in NOT_SPEAKERS
    }
    return sure | names


def seconds(stamp: str) -> float:
    """'01:02:03.5' or '02:03' -> seconds."""
    parts = stamp.replace(",", ".").split(":")
    total = 0.0
    for part in parts:
        total = total * 60 + float(part)
    return round(total, 3)


def _candidate(match: re.Match[str]) -> tuple[str, str | None] | None:
    """(label, timestamp) of a label-line match, or None when it is not a plausible label."""
    label = match.group("md") or match.group("br") or match.group("plain") or match.group("alone")
    if label is None:
        return None
    label = collapse_spaces(label.strip())
    if not label or len(label) > MAX_LABEL_CHARS or len(label.split()) > MAX_LABEL_WORDS:
        return None
    if not _LABEL_CHARS.fullmatch(label):
        return None
    if match.group("br") is not None and (not label[0].isupper() or label.casefold() in NOTE_WORDS):
        return None
    stamp = match.group("ts1") or match.group("ts2") or match.group("ts3")
    return label, stamp


def detect_turns(text: str, interviewers: Sequence[str] = ()) -> list[SegmentSpec]:
    """Speaker turns of a canonical text (offsets into ``text``)."""
    candidates = _label_lines(text)  # (line start, content start, label, timestamp)
    speakers = accepted_labels([c[2] for c in candidates])
    marks: dict[str, bool] = {}  # label -> interviewer?, computed once per label
    for label in {c[2] for c in candidates}:
        if label_key(label) in speakers:
            marks[label] = is_interviewer(label, interviewers)
    labels = [c for c in candidates if c[2] in marks]
    if not labels:
        return paragraph_turns(text)
    turns: list[SegmentSpec] = []
    preamble_end = labels[0][0]
    for match in _PARAGRAPH.finditer(text, 0, preamble_end):
        turns.append(SegmentSpec("turn", match.start(), match.end(), turn_index=len(turns)))
    # Labelled turns as columns, made into SegmentSpecs at once (tens of thousands in an import).
    starts: list[int] = []
    stops: list[int] = []
    names: list[str] = []
    metas: list[dict[str, object] | None] = []
    ends = [c[0] for c in labels[1:]]
    ends.append(len(text))
    for (_line, content, label, stamp), end in zip(labels, ends, strict=True):
        body = text[content:end].rstrip()
        if not body:
            continue
        starts.append(content + len(body) - len(body.lstrip()))
        stops.append(content + len(body))
        names.append(label)
        metas.append({"start": seconds(stamp)} if stamp else None)
    turns.extend(
        map(
            SegmentSpec,
            repeat("turn"),
            starts,
            stops,
            names,
            map(marks.__getitem__, names),
            range(len(turns), len(turns) + len(starts)),
            metas,
        )
    )
    return turns


def _label_lines(text: str) -> list[tuple[int, int, str, str | None]]:
    """(line start, content start, label, timestamp) of the lines that start with a plausible
    label: each ``_LABEL_LINE`` match as ``_candidate`` judges it, once per distinct label
    text (transcripts repeat few labels many times)."""
    found: list[tuple[int, int, str, str | None]] = []
    append = found.append
    judged = _JUDGED
    if len(judged) > MAX_JUDGED:
        judged.clear()
    first = _LABEL_LINE.match(text)
    matches = _NEXT_LABEL_LINE.finditer(text)
    for match in chain((first,), matches) if first is not None else matches:
        groups = match.groups()
        key = _label_groups(groups)
        try:
            label = judged[key]
        except KeyError:
            candidate = _candidate(match)
            label = judged[key] = candidate[0] if candidate is not None else None
        if label is not None:
            start, end = match.span()
            if match is not first:
                start += 1  # the line starts after the "\n"
            ts1, ts2, ts3 = _stamp_groups(groups)
            append((start, end, label, ts1 or ts2 or ts3))
    return found


def paragraph_turns(text: str) -> list[SegmentSpec]:
    """One turn per paragraph (blank-line separated) when a text has no speaker labels."""
    return [
        SegmentSpec("turn", m.start(), m.end(), turn_index=i)
        for i, m in enumerate(_PARAGRAPH.finditer(text))
    ]


def split_label(line: str) -> tuple[str | None, str, str | None]:
    """(speaker, rest, timestamp) of one line such as 'Ana: Hello'; (None, line, None) if none.

    Used on cues and paragraphs, where the recurrence rule is applied by the caller.
    """
    match = _LABEL_LINE.match(line)
    if match is None:
        return None, line, None
    found = _candidate(match)
    if found is None:
        return None, line, None
    return found[0], line[match.end() :], found[1]


def apply_text_labels(pieces: Sequence[Piece]) -> None:
    """Take ``Name:`` labels from the start of unlabelled pieces (in place).

    A label is kept when it recurs or is a role word, as in ``detect_turns``.
    """
    found = [split_label(p.text) if p.speaker is None else (None, p.text, None) for p in pieces]
    speakers = accepted_labels([label for label, _, _ in found if label])
    for piece, (label, rest, stamp) in zip(pieces, found, strict=True):
        if label and label_key(label) in speakers:
            piece.speaker, piece.text = label, rest
            if stamp and "start" not in piece.meta:
                piece.meta["start"] = seconds(stamp)


def inherit_speakers(pieces: Sequence[Piece]) -> None:
    """An unlabelled piece after a labelled one continues that speaker's turn (in place)."""
    current: str | None = None
    for piece in pieces:
        if piece.speaker:
            current = piece.speaker
        elif current is not None:
            piece.speaker = current


def assemble(
    pieces: Iterable[Piece], *, joiner: str, interviewers: Sequence[str] = ()
) -> tuple[str, list[SegmentSpec], int]:
    """Canonical text of structured pieces: one paragraph per turn, ``Speaker: text``.

    Consecutive pieces of one speaker merge into one turn (joined by ``joiner``); timestamps
    go to the turn's meta (``start``, ``end``, ``cues``). Each piece is normalised here, once.
    Returns (text, turns, control characters removed).
    """
    merged: list[tuple[str | None, list[str], dict[str, object]]] = []
    removed = 0
    for piece in pieces:
        body, count = normalise(piece.text)
        removed += count
        speaker = None
        if piece.speaker:
            speaker_text, count = normalise(piece.speaker)
            removed += count
            speaker = collapse_spaces(speaker_text) or None
        if not body:
            continue
        meta = {k: v for k, v in piece.meta.items() if k in ("start", "end")}
        if merged and speaker is not None and merged[-1][0] == speaker:
            merged[-1][1].append(body)
            if "end" in meta:
                merged[-1][2]["end"] = meta["end"]
            continue
        merged.append((speaker, [body], meta))
    parts: list[str] = []
    turns: list[SegmentSpec] = []
    offset = 0
    for speaker, bodies, meta in merged:
        prefix = f"{speaker}: " if speaker else ""
        body = joiner.join(bodies)
        if parts:
            offset += 2  # the blank line between paragraphs
        start = offset + len(prefix)
        parts.append(prefix + body)
        offset += len(prefix) + len(body)
        turns.append(
            SegmentSpec(
                "turn",
                start,
                offset,
                speaker=speaker,
                is_interviewer=is_interviewer(speaker, interviewers),
                turn_index=len(turns),
                meta={**meta, "parts": len(bodies)} if meta else None,
            )
        )
    return "\n\n".join(parts), turns, removed
