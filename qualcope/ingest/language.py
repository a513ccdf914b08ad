"""A cheap guess of a transcript's language (English or Dutch) from common function words.

Used only when neither ``--lang`` nor the manifest says the language; the guess is recorded
with the document like any other, and a user can re-import with ``--lang`` when it is wrong.
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
}
_WORD = re.compile(r"[^\W\d_]+")
SAMPLE_CHARS = 20_000


def guess_language(text: str, default: str = "en") -> str:
    """'en' or 'nl' by which language's function words are more frequent; else ``default``."""
    words = [w.casefold() for w in _WORD.findall(text[:SAMPLE_CHARS])]
    scores = {lang: sum(1 for w in words if w in vocab) for lang, vocab in _WORDS.items()}
    best = max(scores, key=lambda lang: scores[lang])
    if scores[best] == 0 or list(scores.values()).count(scores[best]) > 1:
        return default
    return best
