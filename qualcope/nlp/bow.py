"""Lemmas as the words' NORM: what the classifier's features are made of.

"chose", "chooses" and "choosing" should be one feature, not three: with a dozen coded
sentences per code, inflections would otherwise split what little evidence there is.
``install_lemma_norms`` makes a pipeline's NORM attribute the lookup lemma of the lower-case
form (spacy-lookups-data, no model), computed once per word type; ``linear.featurize`` hashes
NORM.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from spacy.attrs import NORM
from spacy.language import Language

from qualcope.nlp import lemmas


class LemmaNorm:
    """NORM = the lookup lemma of the lower-case form (computed once per word type)."""

    def __init__(self, lang: str, fallback: Callable[[str], str] | None = None) -> None:
        self.lang = lang
        self.fallback = fallback

    def __call__(self, text: str) -> str:
        norm = self.fallback(text) if self.fallback is not None else text.lower()
        return lemmas.lemma_table(self.lang).get(norm, norm)

    def __reduce__(self) -> tuple[Any, ...]:
        return (LemmaNorm, (self.lang, self.fallback))


def install_lemma_norms(nlp: Language) -> None:
    """Make new words' NORM their lemma (no effect for languages without a table)."""
    if not lemmas.has_lemma_table(nlp.lang):
        return
    getters = nlp.vocab.lex_attr_getters
    current = getters.get(NORM)
    if isinstance(current, LemmaNorm):
        return
    getters[NORM] = LemmaNorm(nlp.lang, current)
