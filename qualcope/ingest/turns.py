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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import chain
from operator import itemgetter

from qualcope.domain import SegmentSpec
from qualcope.ingest.base import LabelHint
from qualcope.ingest.header_lines import header_lines, preamble_interviewers
from qualcope.ingest.labels import (
    CAPS_NOT_SPEAKERS,
    NOTE_WORDS,
    Candidate,
    accepted_labels,
    is_interviewer,
    label_key,
    looks_like_a_label,
    name_like,
    plausible,
)
from qualcope.ingest.line_starts import TIME, Found, line_starts
from qualcope.ingest.normalise import collapse_spaces
from qualcope.ingest.separated_labels import separated_labels

_LABEL = rf"""
    [ \t]*
    (?:(?:[-*+•–]|\d{{1,3}}[.)])[ \t]+)?                 # a list item: "- ", "* ", "1. "
    (?:[\[(]?(?P<ts1>{TIME})[\])]?[ \t]+)?               # [00:01:23] before the label
    (?:
        (?P<em>\*\*|__|\*|_)(?P<md>[^*\n]{{1,60}}?)[ \t]*(?::[ \t]*(?P=em)|(?P=em)[ \t]*:)
                                                      # **Name:** / **Name**: / _Name:_ ...
      | \[(?P<br>[^\]\n]{{1,60}})\](?:[ \t]*:)?                       # [Name] / [Name]:
      | (?P<plain>[^\W\d_][^:\n]{{0,59}}?)[ \t]*(?:[\[(](?P<ts2>{TIME})[\])][ \t]*)?:
        (?=[ \t]|$)                                                   # Name: / Name (01:23):
      | (?P<line>[^\W\d_][^:\n]{{0,59}}?)[ \t]+(?:[-–—|·•][ \t]+)?    # Otter: Name  0:04
        [\[(]?(?P<ts3>{TIME})[\])]?[ \t]*$                            # (or Name - 0:04)
      | (?(ts1)(?P<tline>[^\W\d_][^:\n]{{0,59}}?)[ \t]*$|(?!))       # 00:00:02 Name
    )
    (?:[ \t]*[\[(](?P<ts4>{TIME})[\])])?          # a time after it: Maria: (00:02) / [00:02]
    (?(br)(?:[ \t]+(?P<ts5>{TIME})(?=[ \t]*$))?)   # Zoom's [Maria Jansen] 10:02:13, line end
    [ \t]*
    """
_LABEL_LINE = re.compile("^" + _LABEL, re.VERBOSE | re.MULTILINE)
_CUE_TIME = r"\d{1,2}:\d{1,2}:\d{1,2}(?:[.,]\d{1,3})?"
_CUE_LABEL = (
    rf"[ \t]*(?P<cue>{_CUE_TIME})[ \t]*-->[ \t]*{_CUE_TIME}[ \t]*\n"
    r"[ \t]*(?P<name>[^\W\d_][^:\n]{0,59}?)[ \t]*\n(?=[ \t]*\S)"
)
_LIST_ITEM = re.compile(r"[ \t]*(?:[-*+•–]|\d{1,3}[.)])[ \t]+")
LIST_SHARE = 0.8  # list-item label lines are labels where they are this share of them or more
# The same after a line break: its search skips to the next "\n" at C speed, where
# ``_LABEL_LINE.finditer`` tries ``^`` at every character. A match never contains a line
# break, so these matches (and a ``_LABEL_LINE.match`` at 0) are exactly ``finditer``'s.
_NEXT_LABEL_LINE = re.compile(r"\n" + _LABEL, re.VERBOSE | re.MULTILINE)
_STYLE_GROUPS = ("md", "br", "plain", "line", "tline")
_STYLES = {"md": "md", "br": "bracket", "plain": "colon", "line": "line", "tline": "line"}
_label_groups = itemgetter(*(_LABEL_LINE.groupindex[g] - 1 for g in _STYLE_GROUPS))
_STAMPS = ("ts1", "ts2", "ts3", "ts4", "ts5")
_stamp_groups = itemgetter(*(_LABEL_LINE.groupindex[g] - 1 for g in _STAMPS))
# Film-style label lines: a caps line (``INTERVIEWER``, ``MARIA JANSEN``) and the text on the
# next line.
_UPPER = "A-ZÀ-ÖØ-Þ"
_CAPS_LINE = (
    rf"[ \t]*(?P<caps>[{_UPPER}][{_UPPER}0-9 .'’\-&/()]{{0,58}}[{_UPPER}0-9.)])[ \t]*\n"
    r"(?=[ \t]*\S)"
)
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
# Label groups -> (label, style) or None, shared by all texts; emptied past MAX_JUDGED.
_JUDGED: dict[tuple[str | None, ...], tuple[str, str] | None] = {}
MAX_JUDGED = 10_000


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


def _judge(match: re.Match[str]) -> tuple[str, str] | None:
    """(label, style) of a label-line match, or None when it cannot be a label."""
    groups = _label_groups(match.groups())
    for name, value in zip(_STYLE_GROUPS, groups, strict=True):
        if value is not None:
            label = collapse_spaces(value.strip())
            if not plausible(label):
                return None
            if name == "br" and label.split()[0].casefold() in NOTE_WORDS:
                return None
            return label, _STYLES[name]
    return None


def _label_lines(text: str) -> list[Found]:
    """Lines that start with a plausible label, each distinct label text judged once."""
    found: list[Found] = []
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
            verdict = judged[key]
        except KeyError:
            verdict = judged[key] = _judge(match)
        if verdict is not None:
            start, end = match.span()
            if match is not first:
                start += 1  # the line starts after the "\n"
            stamp = next((t for t in _stamp_groups(groups) if t), None)
            append((start, end, verdict[0], verdict[1], stamp))
    return found


def _lower_case_words(text: str) -> Callable[[set[str]], set[str]]:
    """Which of some lower-case words the text holds as words (one pass for all of them)."""

    def found(words: set[str]) -> set[str]:
        if not words:
            return set()
        alternatives = "|".join(sorted(map(re.escape, words), key=len, reverse=True))
        return set(re.findall(rf"(?<!\w)(?:{alternatives})(?!\w)", text))

    return found


def _stray_list_items_left_out(text: str, found: list[Found]) -> list[Found]:
    """Label lines written as list items (``- Maria: ...``, ``1. Maria: ...``) are labels in a
    transcript written so, where they are most of its label lines, and wherever their label
    also starts lines that are not list items. Elsewhere they are a list in someone's turn
    (``- Budget: too small.``) or in a header (``- Date: 12 March``) and stay its text."""
    item = [_LIST_ITEM.match(text, f[0]) is not None for f in found]
    if not any(item) or sum(item) >= LIST_SHARE * len(found):
        return found
    plain = {label_key(f[2]) for f, listed in zip(found, item, strict=True) if not listed}
    return [
        f for f, listed in zip(found, item, strict=True) if not listed or label_key(f[2]) in plain
    ]


def _cue_label_lines(text: str) -> list[Found]:
    """Teams' transcripts of 2020-2021 as Word or text: a cue's times (``0:0:5.120 -->
    0:0:9.0``), the speaker's name on the next line, the words below; the times and the
    name are the label (a label line with a time)."""
    found: list[Found] = []
    for start, match in line_starts(_CUE_LABEL, text):
        label = collapse_spaces(match.group("name"))
        if plausible(label):
            found.append((start, match.end(), label, "line", match.group("cue")))
    return found


def _caps_lines(text: str) -> list[Found]:
    found: list[Found] = []
    for start, match in line_starts(_CAPS_LINE, text):
        label = collapse_spaces(match.group("caps"))
        if label.isupper() and plausible(label) and label.casefold() not in CAPS_NOT_SPEAKERS:
            found.append((start, match.end(), label, "caps", None))
    return found


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
    found = _stray_list_items_left_out(text, _label_lines(text))
    if "\n" in text:
        found.extend(_caps_lines(text))
    if "-->" in text:
        found.extend(_cue_label_lines(text))
    found.extend(separated_labels(text, len(found)))
    for hint in hints:
        stamp = str(hint.timestamp) if hint.timestamp is not None else None
        found.append((hint.start, hint.content, hint.label, "hint", stamp))
    given = [*interviewers, *speakers]
    # Distinct candidates, each at most twice: recurrence (two uses) is all that counts.
    distinct = Counter((f[2], f[3], f[4] is not None) for f in found)
    candidates = [Candidate(*k) for k, n in distinct.items() for _ in range(min(n, 2))]
    common = _lower_case_words(text)
    accepted = accepted_labels(candidates, given, common) | {label_key(name) for name in given}
    if not accepted:
        return TurnLayout(paragraph_turns(text))
    if any(f[3] in ("line", "caps") for f in found) or given:
        known = {label for label in {f[2] for f in found} if label_key(label) in accepted}
        known |= set(given)
        found.extend(_known_name_lines(text, known))
        found.extend(_given_label_lines(text, given))
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


def _known_name_lines(text: str, names: set[str]) -> list[Found]:
    """Lines holding nothing but a known speaker's label (Otter's label line without its
    timestamp), followed by text."""
    words = sorted({collapse_spaces(n) for n in names if n.strip()}, key=len, reverse=True)
    if not words:
        return []
    alternatives = "|".join(r"[ \t]+".join(map(re.escape, w.split())) for w in words)
    pattern = rf"[ \t]*(?P<name>{alternatives})[ \t]*\n(?=[ \t]*\S)"
    return [
        (start, m.end(), collapse_spaces(m.group("name")), "bare", None)
        for start, m in line_starts(pattern, text, re.IGNORECASE)
    ]


def _given_label_lines(text: str, given: Sequence[str]) -> list[Found]:
    """Lines starting with a label the user named, then a separator qualcope does not take
    from an unknown label (``Spreker 1 -- Hoe``, ``Maria > Yes``, ``Maria | Yes``) and text:
    the user's word is enough."""
    words = sorted({collapse_spaces(n) for n in given if n.strip()}, key=len, reverse=True)
    if not words:
        return []
    alternatives = "|".join(r"[ \t]+".join(map(re.escape, w.split())) for w in words)
    pattern = rf"[ \t]*(?P<name>{alternatives})[ \t]*(?:[-–—:>|=.)\]]+|\t)[ \t]*(?=\S)"
    return [
        (start, m.end(), collapse_spaces(m.group("name")), "given", None)
        for start, m in line_starts(pattern, text, re.IGNORECASE)
    ]


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


def split_label(line: str) -> tuple[str | None, str, str | None]:
    """(speaker, rest, timestamp) of one line such as 'Ana: Hello'; (None, line, None) if none.

    Used on subtitle cues, where the recurrence rule is applied by the caller.
    """
    match = _LABEL_LINE.match(line)
    if match is None:
        return None, line, None
    verdict = _judge(match)
    if verdict is None or verdict[1] == "line":
        return None, line, None
    stamp = next((t for t in _stamp_groups(match.groups()) if t), None)
    return verdict[0], line[match.end() :], stamp
