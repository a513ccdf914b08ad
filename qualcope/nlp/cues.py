"""Cue matching: a codebook's cue phrases found in text, with their inflected forms.

``qualcope_cues`` is a registered spaCy factory. Its patterns are the cue
phrases of one language, each expanded once into the forms that share its
lemmas (from spacy-lookups-data read in reverse), so "stopped going" is found
by the cue "stop going" while one ``PhraseMatcher`` on LOWER does all the
work. When the pipeline has its own lemmatizer (a trained pipeline the user
installed) the cues are matched on LEMMA as well. Matches go to
``doc.spans["qualcope_cues"]``: label = the code's label, ``id_`` = the cue.
A verb and its particle are found apart too ("haakte ... af" for "afhaken",
"gave it up" for "give up"): see ``qualcope.nlp.separable``.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from qualcope.nlp import lemmas, separable

CUES_KEY = "qualcope_cues"
FACTORY = "qualcope_cues"
# Enough for every tense of a three-word cue; a cap keeps odd phrases from exploding.
MAX_VARIANTS = 96
KEY_SEPARATOR = "\x1f"


def phrase_variants(
    words: Sequence[str], lang: str, limit: int = MAX_VARIANTS
) -> list[tuple[str, ...]]:
    """The cue's words in every combination of their inflected forms (the cue itself first)."""
    options: list[list[str]] = []
    for word in words:
        lower = word.lower()
        others = sorted(lemmas.forms_of(word, lang) - {lower})
        options.append([lower, *others])
    return list(itertools.islice(itertools.product(*options), limit))


class CueMatcher:
    """Finds cue phrases (and their inflected forms) and stores them in ``doc.spans``."""

    def __init__(self, nlp: Language, name: str, spans_key: str, match_lemmas: bool) -> None:
        self.nlp = nlp
        self.name = name
        self.spans_key = spans_key
        self.lang = nlp.lang
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.lemma_matcher = PhraseMatcher(nlp.vocab, attr="LEMMA") if match_lemmas else None
        self.keys: dict[int, tuple[str, str]] = {}
        self.separated = separable.SeparatedMatcher(nlp.vocab, self.lang)
        self.labels: set[str] = set()

    def __len__(self) -> int:
        return len(self.keys)

    def add_cues(self, label: str, phrases: Iterable[str]) -> int:
        """Add a code's cue phrases under ``label``; returns how many patterns were added."""
        added = 0
        for phrase in phrases:
            tokens = [t for t in self.nlp.make_doc(phrase) if not t.is_space]
            if not any(t.is_alpha or t.like_num for t in tokens):
                continue  # nothing a person would call a word: never matches usefully
            key = f"{label}{KEY_SEPARATOR}{phrase}"
            key_id = self.nlp.vocab.strings.add(key)
            self.nlp.vocab.strings.add(label)
            self.nlp.vocab.strings.add(phrase)
            self.keys[key_id] = (label, phrase)
            self.labels.add(label)
            spaces = [bool(t.whitespace_) for t in tokens]
            patterns = [
                Doc(self.nlp.vocab, words=list(variant), spaces=spaces)
                for variant in phrase_variants([t.text for t in tokens], self.lang)
            ]
            split = separable.split_cue([t.text for t in tokens], self.lang)
            if split is not None:  # "af te haken", "afhaakte": contiguous forms of its own
                patterns.extend(
                    Doc(self.nlp.vocab, words=list(variant), spaces=[True] * len(variant))
                    for variant in split.variants
                )
            self.matcher.add(key, patterns)
            if split is not None:
                self.separated.add(key_id, split, self.matcher)
            if self.lemma_matcher is not None:
                with self.nlp.select_pipes(disable=[self.name]):
                    self.lemma_matcher.add(key, [self.nlp(phrase)])
            added += len(patterns)
        return added

    def __call__(self, doc: Doc) -> Doc:
        matches = self.separated.resolve(doc, self.matcher(doc))
        if self.lemma_matcher is not None:
            matches = sorted(set(matches) | set(self.lemma_matcher(doc)), key=lambda m: m[1:])
        if not matches:
            return doc  # most sentences: no span group at all (cheaper than an empty one)
        spans = []
        for key_id, start, end in matches:
            label, cue = self.keys[key_id]
            spans.append(Span(doc, start, end, label=label, span_id=cue))
        doc.spans[self.spans_key] = spans
        return doc


@Language.factory(
    FACTORY,
    default_config={"spans_key": CUES_KEY, "match_lemmas": False},
    assigns=["doc.spans"],
)
def make_cue_matcher(nlp: Language, name: str, spans_key: str, match_lemmas: bool) -> CueMatcher:
    return CueMatcher(nlp, name, spans_key, match_lemmas)


def add_cue_matcher(
    nlp: Language, cues: Mapping[str, Iterable[str]], *, before: str | None = None
) -> CueMatcher:
    """Add a ``qualcope_cues`` component holding ``cues`` (label -> phrases) to ``nlp``."""
    from qualcope.nlp.pipeline import has_lemmas

    if nlp.has_pipe(FACTORY):  # a pipeline reused with another codebook: replace its cues
        nlp.remove_pipe(FACTORY)
    config: dict[str, Any] = {"match_lemmas": has_lemmas(nlp) and not _lookup_only(nlp)}
    kwargs: dict[str, Any] = {"before": before} if before and nlp.has_pipe(before) else {}
    component = nlp.add_pipe(FACTORY, config=config, **kwargs)
    assert isinstance(component, CueMatcher)
    for label, phrases in cues.items():
        component.add_cues(label, phrases)
    return component


def _lookup_only(nlp: Language) -> bool:
    # A lookup lemmatizer adds nothing the expanded forms do not already match.
    for name in nlp.pipe_names:
        pipe = nlp.get_pipe(name)
        if "lemmatizer" in name and getattr(pipe, "mode", "") != "lookup":
            return False
    return True


def cue_hits(doc: Doc, key: str = CUES_KEY) -> list[tuple[str, str, int, int]]:
    """(label, cue, start_char, end_char) of every cue match of a processed doc."""
    if key not in doc.spans:
        return []
    return [(span.label_, span.id_, span.start_char, span.end_char) for span in doc.spans[key]]
