"""Which pieces of a document are suggested and learnt from: the respondent's sentences.

Interviewer turns are never suggested (questions are not coded). A document
imported with sentence segments gives its respondent sentences; one with
turns only gives its respondent turns; a document without segments is split
into sentences here, with the same sentencizer the import uses. Every unit's
``text`` is exactly ``document_text[start:end]``.

``unit="turn"`` gives passages instead (``suggest evaluate`` reports both): the
respondent's turns; in a document with sentence segments but no turn segments,
the sentences grouped by the turn that holds them; a document without any
segments has no turns, so its passages are its sentences, split as above.

``content_words`` counts the words that carry meaning; a unit with fewer than
``MIN_CONTENT_WORDS`` ("Yes.", "Uh, okay.") is never suggested, but stays a unit:
it is still a negative to learn from. Not counted: fillers and the closed-class
words of ``FUNCTION_WORDS`` (articles, pronouns, auxiliaries, conjunctions, common
prepositions). spaCy's stop-word lists are not used: they hold "kept", "nothing",
"never", "together" and "enough", and with them one coded sentence in seven of the
sample corpus ("We didn't tell anyone.") could never be suggested; with these, one in
sixteen ("So we kept the ring.": two). A negation counts once ("didn't", "not",
"niet": avoidance is often said that way).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from qualcope.nlp.results import Unit

MIN_CONTENT_WORDS = 3
# Spoken fillers and bare answers that are not in spaCy's stop-word lists.
FILLERS: dict[str, frozenset[str]] = {
    "en": frozenset(
        "uh uhm um umm hmm hm mm mhm erm er ah oh eh yeah yep yes yup no nope nah ok okay "
        "right sure well like gonna wanna kinda sorta huh wow".split()
    ),
    "nl": frozenset(
        "uh uhm ehm eh hmm hm mm mhm ah oh nou ja jawel jazeker nee neen nah ok oké okay "
        "goed prima tja ach hè he zeg gewoon eigenlijk echt zo z'n m'n d'r".split()
    ),
}
# Closed-class words: what a sentence is built with, not what it is about.
FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        "a an the and or but so nor if then than that this these those there here it its i me "
        "my mine myself we us our ours you your yours he him his she her hers they them their "
        "theirs one to of in on at by for with from as into onto about up out off over "
        "do does did done doing be is am are was were been being have has had having will "
        "would shall should can could may might must ca wo which who whom whose what".split()
    ),
    "nl": frozenset(
        "de het een en of maar dus als dan dat dit die deze daar hier er ik mij me mijn wij we "
        "ons onze jij je jou jouw u uw hij hem zijn zij ze haar hun hen men het te van in op "
        "aan bij met voor om uit naar door over tot ben bent is was waren heb hebt heeft "
        "hebben had hadden word wordt worden werd werden zal zult zullen zou zouden kan kunt "
        "kunnen kon konden moet moeten mag mogen wat wie welke".split()
    ),
}
NEGATIONS = frozenset("not n't never no-one niet nooit geen".split())
_CLITIC = re.compile(r"(?:n't|'s|'re|'ve|'ll|'d|'m)$")
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


@dataclass(frozen=True)
class SegmentRow:
    """The facts of a stored segment that unit selection needs (``id``: the stored turn that
    is or holds it, None when none does)."""

    id: int | None
    kind: str
    start: int
    end: int
    is_interviewer: bool


@cache
def _ignored(lang: str) -> frozenset[str]:
    """The language's function words and fillers (English ones for other languages)."""
    return FUNCTION_WORDS.get(lang, FUNCTION_WORDS["en"]) | FILLERS.get(lang, FILLERS["en"])


def content_words(text: str, lang: str) -> int:
    """Words of ``text`` that carry meaning: alphabetic, two letters or more, neither a
    function word nor a filler; a negation counts once, an English contraction as its stem
    plus the negation ("didn't": "did", a function word, and a negation)."""
    ignored = _ignored(lang)
    count = 0
    negated = False
    for word in _WORD.findall(text.lower()):
        if "'" in word or "’" in word:
            word = word.replace("’", "'")
            negated |= word.endswith("n't")
            word = _CLITIC.sub("", word)
        if word in NEGATIONS:
            negated = True
            continue
        count += len(word) > 1 and word not in ignored
    return count + negated


def units_of_document(
    document_id: int,
    text: str,
    segments: Sequence[SegmentRow],
    lang: str,
    *,
    unit: str = "sentence",
) -> list[Unit]:
    """The units of one document, in text order: respondent sentences, or with
    ``unit="turn"`` respondent turns (see the module's docstring)."""
    if unit not in ("sentence", "turn"):
        raise ValueError(f"unknown unit {unit!r}: 'sentence' or 'turn'")
    respondent = [s for s in segments if not s.is_interviewer]
    sentences = [s for s in respondent if s.kind == "sentence"]
    turns = [s for s in respondent if s.kind == "turn"]
    if unit == "turn":
        chosen = turns or _turns_of(sentences)
    else:
        chosen = sentences or turns
    if chosen:
        return [
            Unit(document_id, s.id, s.start, s.end, text[s.start : s.end])
            for s in sorted(chosen, key=lambda s: (s.start, s.end))
            if 0 <= s.start < s.end <= len(text) and text[s.start : s.end].strip()
        ]
    if segments or not text.strip():
        return []  # only interviewer turns: nothing a respondent said
    from qualcope.domain import SegmentSpec
    from qualcope.nlp.pipeline import spacy_lang
    from qualcope.nlp.sentences import sentence_specs

    whole = SegmentSpec(kind="turn", start=0, end=len(text))
    return [
        Unit(document_id, None, spec.start, spec.end, text[spec.start : spec.end])
        for spec in sentence_specs(text, [whole], spacy_lang(lang))
        if text[spec.start : spec.end].strip()
    ]


def _turns_of(sentences: Sequence[SegmentRow]) -> list[SegmentRow]:
    """Sentences grouped by the turn that holds them (one without a turn stands alone)."""
    spans: dict[object, tuple[int, int]] = {}
    for s in sentences:
        key: object = s.id if s.id is not None else ("alone", s.start)
        low, high = spans.get(key, (s.start, s.end))
        spans[key] = (min(low, s.start), max(high, s.end))
    return [
        SegmentRow(key if isinstance(key, int) else None, "turn", start, end, False)
        for key, (start, end) in spans.items()
    ]
