"""A cheap guess of a transcript's language from common function words.

English, Dutch, French, German, Spanish, Italian and Portuguese: the languages of the
European case studies qualcope is used on. Each list holds words frequent in its language
and rare in the others (and in English: no 'do', 'per', 'non', 'no', 'as', none of the
fillers 'um', 'em'), so a few hundred words of a transcript decide it.

Used only when neither ``--lang`` nor the manifest says the language; the guess is recorded
with the document like any other, the import says it was guessed, and a user can change it
with ``qualcope document set DOC --lang CODE``.
"""

from __future__ import annotations

import re

_WORDS = {
    "en": frozenset(
        "the and is was that it of to you they we not but with have this what for are".split()
    ),
    "nl": frozenset(
        "de het een en is was dat niet ik je we ze van voor met maar wat zijn ook die".split()
    ),
    "fr": frozenset(
        "le la les des une est et pas nous vous qui dans pour sur avec ce ont sont mais très "
        "aussi cette".split()
    ),
    "de": frozenset(
        "der die das und ist nicht ich sie wir ein eine zu mit auf für den dem aber auch sehr "
        "wird".split()
    ),
    "es": frozenset(
        "el los las del y es por con para una pero muy como está también porque esto lo".split()
    ),
    "it": frozenset(
        "il di che sono è della anche questo nel gli molto perché questa delle".split()
    ),
    "pt": frozenset("não é os uma também muito isso ele ela foi são mas com para da que".split()),
}
_WORD = re.compile(r"[^\W\d_]+")
SAMPLE_CHARS = 20_000


def guess_language(text: str, default: str = "en") -> str:
    """The language whose function words are the most frequent in the text's start; else
    (none found, or a tie) ``default``."""
    words = [w.casefold() for w in _WORD.findall(text[:SAMPLE_CHARS])]
    scores = {lang: sum(1 for w in words if w in vocab) for lang, vocab in _WORDS.items()}
    best = max(scores, key=lambda lang: scores[lang])
    if scores[best] == 0 or list(scores.values()).count(scores[best]) > 1:
        return default
    return best
