"""A transcript's header of role lines: ``Interviewer: Anna de Vries`` above the talk.

Many transcripts open with who took part, in the shape of a turn::

    Interview 7
    Interviewer: Anna de Vries
    Interviewee: Karel Peeters (coordinator)
    Date: 12 March 2023

    Anna: How did it start?
    Karel: With a school.

Read as turns, ``Interviewer`` would say "Anna de Vries", and Anna's questions would count as a
respondent's answers. A leading labelled line is a header line when its label is a role word
used nowhere else, its words are a few short names, and either one of them is a speaker's label
later on (``Anna`` for ``Anna de Vries``; ``AdV`` for ``Anna de Vries (AdV)``) or a label of
the same role speaks at least twice later (``Interviewer: Dr. Smith`` above ``I:`` turns).
Header lines are preamble; a speaker the interviewer's header line names is the interviewer.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from qualcope.ingest.labels import (
    INTERVIEWER_KEYS,
    MAX_LABEL_CHARS,
    PARTICLES,
    RESPONDENT_KEYS,
    base_of,
    label_key,
    name_like,
    plausible,
    role_word,
)
from qualcope.ingest.line_starts import Found

MAX_NAME_WORDS = 6
_ROLE_LINE = re.compile(
    r"^[ \t]*(?P<role>[^\W\d_][\w ]{0,30}?)[ \t]*(?::[ \t]*|\t+)(?P<names>[^\t\n]+?)[ \t]*$",
    re.MULTILINE,
)
_LIST = re.compile(r"\s*(?:[,&/;]|\b(?:and|en|und|et|y|e)\b)\s*")
# Label shapes a header line can take: not a label line of its own (Otter, film caps).
_HEADER_STYLES = frozenset({"colon", "md", "bracket", "hint", "tab", "dash"})


def header_lines(text: str, labels: Sequence[Found]) -> tuple[int, list[str]]:
    """How many of the leading ``labels`` are header lines, and the later speakers' labels
    that an interviewer's header line names (the interviewer's turns)."""
    uses: Counter[str] = Counter()  # counted when a line first looks like a header line
    taken = 0
    interviewers: list[str] = []
    for index, (_start, content, label, style, _stamp) in enumerate(labels):
        role = role_word(label)
        if not role or style not in _HEADER_STYLES:
            break
        end = text.find("\n", content)
        names = _names(text[content : end if end >= 0 else len(text)].strip())
        if not names:
            break
        if not uses:
            uses.update(label_key(item[2]) for item in labels)
        if uses[label_key(label)] != 1:
            break
        later = labels[index + 1 :]
        named = _named(names, later)
        if not named and not _same_role_speaks(role, later, uses):
            break
        taken = index + 1
        if role in INTERVIEWER_KEYS:
            interviewers.extend(n for n in named if n not in interviewers)
    return taken, interviewers


def preamble_interviewers(preamble: str, labels: Sequence[Found]) -> list[str]:
    """Speakers' labels that a role line of the preamble names as the interviewer: a Word
    table of who took part (``Interviewer<TAB>Anna de Vries``) above ``Anna:`` turns."""
    found: list[str] = []
    for match in _ROLE_LINE.finditer(preamble):
        if role_word(match.group("role")) not in INTERVIEWER_KEYS:
            continue
        names = _names(match.group("names").strip())
        if names:
            found.extend(n for n in _named(names, labels) if n not in found)
    return found


def _names(value: str) -> list[str]:
    """The people a header line's words name ('Karel, Els and Jan'), or [] when they are not
    a few short names ('Welcome Karel.' is said, not a header; 'Anna V.' ends with an
    initial)."""
    base = base_of(value)
    if not base or len(base) > MAX_LABEL_CHARS or not plausible(base):
        return []
    names = [part.strip() for part in _LIST.split(base)]
    if not all(names):
        return []
    for name in names:
        words = name.split()
        if len(words) > MAX_NAME_WORDS or not name_like(name):
            return []
        if name.endswith((".", "!", "?")) and not (len(words[-1]) == 2 and words[-1][0].isupper()):
            return []
    qualifier = value[len(base) :].strip().strip("()")
    return [*names, qualifier] if qualifier and name_like(qualifier) else names


def _named(names: list[str], later: Sequence[Found]) -> list[str]:
    """Labels of later lines that name a person of a header line: by the whole name, one of
    its words but particles ('Anna' for 'Anna de Vries'), or its qualifier ('AdV')."""
    aliases: set[str] = set()
    for name in names:
        aliases.add(label_key(name))
        aliases.update(
            word.strip(".").casefold() for word in name.split() if word.casefold() not in PARTICLES
        )
    aliases.discard("")
    found: list[str] = []
    for item in later:
        label = item[2]
        if label not in found and (
            label_key(label) in aliases or label_key(base_of(label)) in aliases
        ):
            found.append(label)
    return found


def _family(role: str) -> str:
    if role in INTERVIEWER_KEYS:
        return "interviewer"
    return "respondent" if role in RESPONDENT_KEYS else ""


def _same_role_speaks(role: str, later: Sequence[Found], uses: Counter[str]) -> bool:
    """Whether a later label of the same role (interviewer or respondent) speaks twice."""
    family = _family(role)
    return bool(family) and any(
        _family(role_word(item[2])) == family and uses[label_key(item[2])] >= 2 for item in later
    )
