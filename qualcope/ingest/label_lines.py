"""Lines that start with a speaker label, in every shape a text writes one (``turns``'s finders).

``label_lines`` finds ``Name:``, ``**Name:**`` and the other Markdown emphases, ``[Name]``,
list items (``- Maria: ...``), times before or after (``[00:01:12] Maria:``, Rev's
``Maria: (00:02)``, Zoom's ``[Maria Jansen] 10:02:13``) and Otter's label lines
(``Maria Jansen  0:04``); ``caps_lines`` film-style ``INTERVIEWER`` lines; ``cue_label_lines``
Teams' cues with the name below; ``known_name_lines`` and ``given_label_lines`` the labels a
transcript or the user already named. Each gives ``Found`` tuples; which of them are speakers
is ``labels.accepted_labels``'s business, and ``turns.find_turns`` makes the turns.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from itertools import chain
from operator import itemgetter

from qualcope.ingest.labels import CAPS_NOT_SPEAKERS, NOTE_WORDS, label_key, plausible
from qualcope.ingest.line_starts import TIME, Found, line_starts
from qualcope.ingest.normalise import collapse_spaces

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
TIMED_LINE_SHARE = 0.5  # and timed label lines (Otter's) where they are this share or more
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


# Label groups -> (label, style) or None, shared by all texts; emptied past MAX_JUDGED.
_JUDGED: dict[tuple[str | None, ...], tuple[str, str] | None] = {}
MAX_JUDGED = 10_000


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


def label_lines(text: str) -> list[Found]:
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


def lower_case_words(text: str) -> Callable[[set[str]], set[str]]:
    """Which of some lower-case words the text holds as words (one pass for all of them)."""

    def found(words: set[str]) -> set[str]:
        if not words:
            return set()
        alternatives = "|".join(sorted(map(re.escape, words), key=len, reverse=True))
        return set(re.findall(rf"(?<!\w)(?:{alternatives})(?!\w)", text))

    return found


def stray_list_items_left_out(text: str, found: list[Found]) -> list[Found]:
    """Label lines written as list items (``- Maria: ...``, ``1. Maria: ...``) are labels in a
    transcript written so, where they are most of its label lines, and wherever their label
    also starts lines that are not list items. Elsewhere they are a list in someone's turn
    (``- Budget: too small.``) or in a header (``- Date: 12 March``) and stay its text."""
    item = [_LIST_ITEM.match(text, f[0]) is not None for f in found]
    return _minority_shape_left_out(found, item, LIST_SHARE)


def stray_timed_lines_left_out(found: list[Found]) -> list[Found]:
    """Label lines made of a name and a time alone (Otter's ``Maria Jansen  0:04``, ``00:00:02
    Maria``) are labels in a transcript of such lines, and wherever their label also starts
    other lines. Elsewhere they are someone's words: an agenda in an answer (``09:00 Opening``,
    ``Coffee Break 10:30``) was a speaker ``Coffee Break``, silently."""
    timed = [f[3] == "line" and f[4] is not None for f in found]
    return _minority_shape_left_out(found, timed, TIMED_LINE_SHARE)


def _minority_shape_left_out(found: list[Found], shaped: list[bool], share: float) -> list[Found]:
    """``found`` without the lines of one shape (``shaped``) when they are less than ``share``
    of them, but for those whose label also starts a line of another shape."""
    if not any(shaped) or sum(shaped) >= share * len(found):
        return found
    other = {label_key(f[2]) for f, odd in zip(found, shaped, strict=True) if not odd}
    return [f for f, odd in zip(found, shaped, strict=True) if not odd or label_key(f[2]) in other]


def cue_label_lines(text: str) -> list[Found]:
    """Teams' transcripts of 2020-2021 as Word or text: a cue's times (``0:0:5.120 -->
    0:0:9.0``), the speaker's name on the next line, the words below; the times and the
    name are the label (a label line with a time)."""
    found: list[Found] = []
    for start, match in line_starts(_CUE_LABEL, text):
        label = collapse_spaces(match.group("name"))
        if plausible(label):
            found.append((start, match.end(), label, "line", match.group("cue")))
    return found


def caps_lines(text: str) -> list[Found]:
    found: list[Found] = []
    for start, match in line_starts(_CAPS_LINE, text):
        label = collapse_spaces(match.group("caps"))
        if label.isupper() and plausible(label) and label.casefold() not in CAPS_NOT_SPEAKERS:
            found.append((start, match.end(), label, "caps", None))
    return found


def known_name_lines(text: str, names: set[str]) -> list[Found]:
    """Lines holding nothing but a known speaker's label (Otter's label line without its
    timestamp), followed by text."""
    return _named_lines(text, names, r"[ \t]*\n(?=[ \t]*\S)", "bare")


def given_label_lines(text: str, given: Sequence[str]) -> list[Found]:
    """Lines starting with a label the user named, then a separator qualcope does not take
    from an unknown label (``Spreker 1 -- Hoe``, ``Maria > Yes``, ``Maria | Yes``) and text:
    the user's word is enough."""
    return _named_lines(text, given, r"[ \t]*(?:[-–—:>|=.)\]]+|\t)[ \t]*(?=\S)", "given")


def _named_lines(text: str, names: Iterable[str], after: str, style: str) -> list[Found]:
    """Lines starting with one of ``names`` (any case, any spacing) and then ``after``."""
    words = sorted({collapse_spaces(n) for n in names if n.strip()}, key=len, reverse=True)
    if not words:
        return []
    alternatives = "|".join(r"[ \t]+".join(map(re.escape, w.split())) for w in words)
    pattern = rf"[ \t]*(?P<name>{alternatives}){after}"
    return [
        (start, m.end(), collapse_spaces(m.group("name")), style, None)
        for start, m in line_starts(pattern, text, re.IGNORECASE)
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
