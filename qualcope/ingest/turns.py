"""Speaker turns of a canonical text: labelled turns, preambles, and labels not taken.

A turn is the utterance after its label: ``Interviewer: How did it start?`` gives a turn whose
span covers only ``How did it start?``. Every label starts a new turn, in every format; text
without a label continues the turn before it (the same rule for .txt, .docx, .odt and .rtf,
whose readers all hand over plain text). What a label looks like and which labels are
speakers is ``labels``'s business; structured files add labels they show (``LabelHint``).

Text before the first label (a title, a date line, Otter's keyword block, a docx heading) and
a transcription footer after the last turn ("Transcribed by ...") are *preamble*: no
speaker, not a turn of anyone, left out of counts, suggestions and reports, still shown.
A line that looks like a label but was not taken is reported with its line number, never
silently glued to a turn without a word. Text without any label is split into paragraphs,
one turn each.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from qualcope.domain import SegmentSpec
from qualcope.ingest.base import LabelHint
from qualcope.ingest.header_lines import header_lines, preamble_interviewers
from qualcope.ingest.label_lines import (
    caps_lines,
    cue_label_lines,
    given_label_lines,
    known_name_lines,
    label_lines,
    lower_case_words,
    stray_list_items_left_out,
    stray_timed_lines_left_out,
)
from qualcope.ingest.labels import (
    CAPS_NOT_SPEAKERS,
    Candidate,
    accepted_labels,
    is_interviewer,
    label_key,
    looks_like_a_label,
    name_like,
    plausible,
)
from qualcope.ingest.line_starts import Found, line_starts
from qualcope.ingest.normalise import collapse_spaces
from qualcope.ingest.separated_labels import separated_labels

# A short line of capitalised words alone before text: a label line whose timestamp is
# missing, in transcripts that use label lines (reported when not a known speaker).
_NAME_LINE = r"[ \t]*(?P<name>[^\W\d_][\w.'’\-]*(?:[ \t]+[\w.'’\-&()]+){0,4})[ \t]*\n(?=[ \t]*\S)"
_FOOTER = re.compile(
    r"^[ \t]*\[?(?:transcribed\ (?:by|with|using)|transcription\ (?:by|service)|"
    r"transcript(?:ion)?\ (?:generated|created|produced|provided)\ by|powered\ by|"
    r"end\ of\ (?:the\ )?(?:transcript|transcription|interview|recording)|"
    r"getranscribeerd\ door|einde\ (?:van\ het\ )?(?:transcript|interview|gesprek|opname))\b",
    re.IGNORECASE | re.MULTILINE | re.VERBOSE,
)
FOOTER_WINDOW = 1_000  # a footer starts within this many characters of the end
_PARAGRAPH = re.compile(r"\S(?:.*\S)?(?:\n(?![ \t]*\n).*\S)*", re.MULTILINE)
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


@dataclass(frozen=True)
class LabelNote:
    """A line that looks like a speaker label but was not taken as one."""

    line: int
    label: str
    kept_in: str  # where its words stay: "Interviewer's turn", "the preamble", ...

    def __str__(self) -> str:
        return (
            f"line {self.line}: {self.label!r} looks like a speaker label but was not taken; "
            f"its words stay in {self.kept_in} (add it with --speaker if it is one)"
        )


@dataclass(frozen=True)
class TurnLayout:
    """The turns, preamble spans and label notes of one text."""

    turns: list[SegmentSpec]
    preambles: list[SegmentSpec] = field(default_factory=list)
    notes: list[LabelNote] = field(default_factory=list)


def seconds(stamp: str) -> float:
    """'01:02:03.5' or '02:03' -> seconds."""
    total = 0.0
    for part in stamp.strip("[]() ").replace(",", ".").split(":"):
        total = total * 60 + float(part)
    return round(total, 3)


def find_turns(
    text: str,
    interviewers: Sequence[str] = (),
    speakers: Sequence[str] = (),
    hints: Sequence[LabelHint] = (),
) -> TurnLayout:
    """Turns, preambles and label notes of a canonical text (offsets into ``text``).

    ``interviewers`` and ``speakers`` are labels the user named: always speakers (the first
    also the interviewer's); ``hints`` are labels the file's structure shows.
    """
    found = stray_timed_lines_left_out(stray_list_items_left_out(text, label_lines(text)))
    if "\n" in text:
        found.extend(caps_lines(text))
    if "-->" in text:
        found.extend(cue_label_lines(text))
    found.extend(separated_labels(text, len(found)))
    for hint in hints:
        stamp = str(hint.timestamp) if hint.timestamp is not None else None
        found.append((hint.start, hint.content, hint.label, "hint", stamp))
    given = [*interviewers, *speakers]
    # Distinct candidates, each at most twice: recurrence (two uses) is all that counts.
    distinct = Counter((f[2], f[3], f[4] is not None) for f in found)
    candidates = [Candidate(*k) for k, n in distinct.items() for _ in range(min(n, 2))]
    common = lower_case_words(text)
    accepted = accepted_labels(candidates, given, common) | {label_key(name) for name in given}
    if not accepted:
        return TurnLayout(paragraph_turns(text))
    if any(f[3] in ("line", "caps") for f in found) or given:
        known = {label for label in {f[2] for f in found} if label_key(label) in accepted}
        known |= set(given)
        found.extend(known_name_lines(text, known))
        found.extend(given_label_lines(text, given))
    labels, rejected = _choose(found, accepted)
    if not labels:
        return TurnLayout(paragraph_turns(text))
    header, named = header_lines(text, labels)
    if 0 < header < len(labels):  # 'Interviewer: Anna de Vries' above the talk: preamble
        labels = labels[header:]
    else:
        named = []
    named += preamble_interviewers(text[: labels[0][0]], labels)
    if named:
        interviewers = [*interviewers, *named]
    if any(f[3] in ("line", "caps") for f in found):
        taken = {f[0] for f in labels}
        rejected.extend(_unknown_name_lines(text, accepted, taken, labels[0][0]))
    layout = _assemble(text, labels, interviewers)
    layout.notes.extend(_notes(text, rejected, layout))
    layout.notes.sort(key=lambda note: note.line)
    return layout


def detect_turns(
    text: str,
    interviewers: Sequence[str] = (),
    speakers: Sequence[str] = (),
    hints: Sequence[LabelHint] = (),
) -> list[SegmentSpec]:
    """The speaker turns of a canonical text (``find_turns`` without preambles and notes)."""
    return find_turns(text, interviewers, speakers, hints).turns


def _unknown_name_lines(text: str, accepted: set[str], taken: set[int], after: int) -> list[Found]:
    """Name-like lines alone before text, not speakers, after the first turn's label:
    reported in label-line transcripts."""
    found: list[Found] = []
    for start, match in line_starts(_NAME_LINE, text):
        name = collapse_spaces(match.group("name"))
        if (
            start > after
            and start not in taken
            and looks_like_a_label(name)
            and label_key(name) not in accepted
            and name.casefold() not in CAPS_NOT_SPEAKERS
            and name_like(name)
            and plausible(name)
            and len(name.split()) <= 4
        ):
            found.append((start, match.end(), name, "bare", None))
    return found


def _choose(found: list[Found], accepted: set[str]) -> tuple[list[Found], list[Found]]:
    """The accepted labels, one per line start (a structure hint first), and the rejected."""
    by_start: dict[int, Found] = {}
    rejected: list[Found] = []
    # At one line start: what the structure shows, then a label line, a tab or a dash label
    # ('Maria<TAB>Yes: we did' is Maria's, not a colon label 'Maria Yes').
    rank = {"hint": 0, "bare": 1, "tab": 1, "dash": 1, "given": 1}
    taken = {label: label_key(label) in accepted for label in {item[2] for item in found}}
    # In a transcript of label lines with times (Otter), any such line not taken is reported,
    # a name written in lower case ('speaker 3  0:20') too.
    timed_lines = any(item[3] == "line" and item[4] and taken[item[2]] for item in found)
    for item in found:
        if not taken[item[2]]:
            timed_line = timed_lines and item[3] == "line" and item[4] is not None
            if (looks_like_a_label(item[2]) or timed_line) and item[3] not in ("caps", "hint"):
                rejected.append(item)
            continue
        held = by_start.get(item[0])
        if held is None or rank.get(item[3], 2) < rank.get(held[3], 2):
            by_start[item[0]] = item
    labels = sorted(by_start.values())
    # A hint's label may cover a line that also matched as text ("Ana: ..." in bold): keep the
    # hint, drop the others starting inside it.
    kept: list[Found] = []
    for item in labels:
        if kept and item[0] < kept[-1][1]:
            continue
        kept.append(item)
    rejected = [r for r in rejected if r[0] not in by_start]
    return kept, rejected


def _assemble(text: str, labels: list[Found], interviewers: Sequence[str]) -> TurnLayout:
    """Turns from the accepted labels, and the preamble and footer around them.

    When only the interviewer is ever labelled (``Q:`` with unlabelled answers, a
    think-aloud with ``MODERATOR:`` interjections), the unlabelled voice is the respondent:
    an interviewer's turn ends with its paragraph and the unlabelled paragraphs after it are
    turns without a label, the respondent's; there is no preamble then, since the
    respondent may speak first. A paragraph is a line when the text has (almost) no blank
    lines, as Word documents without empty paragraphs.
    """
    marks = {label: is_interviewer(label, interviewers) for label in {item[2] for item in labels}}
    only_interviewer = all(marks.values())
    line_mode = only_interviewer and len(_BLANK_LINE.findall(text)) * 2 < len(labels)
    turns: list[SegmentSpec] = []
    preambles: list[SegmentSpec] = []
    if only_interviewer:
        turns.extend(_unlabelled(text, 0, labels[0][0], 0))
    else:
        preambles = [
            SegmentSpec("preamble", m.start(), m.end())
            for m in _PARAGRAPH.finditer(text, 0, labels[0][0])
        ]
    ends = [item[0] for item in labels[1:]]
    ends.append(len(text))
    footer_at = len(text)
    last_content = labels[-1][1]
    footer = _FOOTER.search(text, max(last_content, len(text) - FOOTER_WINDOW))
    if footer is not None and text[last_content : footer.start()].strip():
        footer_at = footer.start()
        ends[-1] = footer_at
    for (_line, content, label, _style, stamp), end in zip(labels, ends, strict=True):
        rest = end
        if only_interviewer:  # the turn is its paragraph; what follows is unlabelled
            after = text.find("\n", content) if line_mode else _paragraph_end(text, content)
            if 0 <= after < end:
                end = after
        body = text[content:end]
        stripped = body.strip()
        if stripped:
            start = content + len(body) - len(body.lstrip())
            turns.append(
                SegmentSpec(
                    "turn",
                    start,
                    start + len(stripped),
                    label,
                    marks[label],
                    len(turns),
                    {"start": seconds(stamp)} if stamp else None,
                )
            )
        if end < rest:
            turns.extend(_unlabelled(text, end, rest, len(turns)))
    if footer_at < len(text):
        preambles.extend(
            SegmentSpec("preamble", m.start(), m.end())
            for m in _PARAGRAPH.finditer(text, footer_at, len(text))
        )
    return TurnLayout(turns, preambles)


def _paragraph_end(text: str, position: int) -> int:
    """Where the paragraph holding ``position`` ends (its blank line), or -1 at the text's end."""
    blank = _BLANK_LINE.search(text, position)
    return blank.start() if blank is not None else -1


def _unlabelled(text: str, start: int, end: int, index: int) -> list[SegmentSpec]:
    """Turns without a label, one per paragraph of text[start:end] (the respondent's)."""
    return [
        SegmentSpec("turn", m.start(), m.end(), turn_index=index + number)
        for number, m in enumerate(_PARAGRAPH.finditer(text, start, end))
    ]


def _notes(text: str, rejected: list[Found], layout: TurnLayout) -> list[LabelNote]:
    notes = []
    spans = sorted(
        [
            (t.start, t.end, f"{t.speaker}'s turn" if t.speaker else "a turn without a label")
            for t in layout.turns
        ]
        + [(p.start, p.end, "the preamble") for p in layout.preambles]
    )
    seen: set[int] = set()
    for start, _content, label, _style, _stamp in sorted(rejected):
        if start in seen:
            continue
        seen.add(start)
        where = next((name for a, b, name in spans if a <= start < b), None)
        if where is None:  # the label itself sits before a turn's words
            where = next((name for a, _b, name in spans if a >= start), "no turn")
        notes.append(LabelNote(text.count("\n", 0, start) + 1, label, where))
    return notes


def paragraph_turns(text: str) -> list[SegmentSpec]:
    """One turn per paragraph (blank-line separated) when a text has no speaker labels."""
    return [
        SegmentSpec("turn", m.start(), m.end(), turn_index=i)
        for i, m in enumerate(_PARAGRAPH.finditer(text))
    ]
