"""spaCy pipelines per document language, built offline.

The default is ``spacy.blank(lang)`` plus a sentencizer and, where
spacy-lookups-data has a table (English, Dutch and others), a lookup
lemmatizer. Nothing is downloaded. A user who has installed a trained spaCy
pipeline can ask for it per language with ``QUALCOPE_SPACY_PIPELINE_<LANG>``
(e.g. ``QUALCOPE_SPACY_PIPELINE_NL=nl_core_news_sm``); qualcope then matches
cues on its lemmas as well. When the named pipeline is not installed the
blank pipeline is used and the caller gets a warning to show.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from qualcope.nlp import lemmas

if TYPE_CHECKING:
    from spacy.language import Language

PIPELINE_ENV = "QUALCOPE_SPACY_PIPELINE_"
FALLBACK_LANG = "xx"
# Components of a trained pipeline that suggestions never need.
TRAINED_EXCLUDE = (
    "ner",
    "parser",
    "textcat",
    "textcat_multilabel",
    "entity_linker",
    "entity_ruler",
    "span_ruler",
    "spancat",
)


def spacy_lang(lang: str | None) -> str:
    """The spaCy language code for a document language ('xx' when spaCy has none)."""
    from spacy.util import get_lang_class

    code = (lang or "").strip().lower().split("-")[0].split("_")[0] or "en"
    try:
        get_lang_class(code)
    except (ImportError, KeyError, ValueError):
        return FALLBACK_LANG
    return code


def trained_pipeline_name(lang: str) -> str | None:
    """The trained pipeline the user asked for with QUALCOPE_SPACY_PIPELINE_<LANG>, if any."""
    value = os.environ.get(f"{PIPELINE_ENV}{lang.upper()}", "").strip()
    return value or None


def trained_pipeline_warning(lang: str) -> str | None:
    """A message when the requested trained pipeline is not installed (None when fine)."""
    name = trained_pipeline_name(lang)
    if name is None:
        return None
    from spacy.util import is_package

    if is_package(name):
        return None
    return (
        f"{PIPELINE_ENV}{lang.upper()} names {name!r}, which is not installed; "
        f"using the blank {lang} pipeline"
    )


def blank(lang: str) -> Language:
    """``spacy.blank`` for the language, falling back to the multi-language tokenizer."""
    import spacy

    return spacy.blank(spacy_lang(lang))


def base_pipeline(
    lang: str, *, sentencizer: bool = True, lemmatizer: bool = True, trained: bool = True
) -> Language:
    """Blank (or the user's trained) pipeline for a language, ready to process text.

    ``lemmatizer`` adds a lookup lemmatizer when spacy-lookups-data has a table.
    """
    import spacy

    code = spacy_lang(lang)
    name = trained_pipeline_name(code) if trained else None
    if name is not None and trained_pipeline_warning(code) is None:
        nlp = spacy.load(name, exclude=list(TRAINED_EXCLUDE))
        if sentencizer and not nlp.has_pipe("senter") and not nlp.has_pipe("sentencizer"):
            nlp.add_pipe("sentencizer", first=True)
        return nlp
    nlp = spacy.blank(code)
    if sentencizer:
        nlp.add_pipe("sentencizer")
    if lemmatizer and lemmas.has_lemma_table(code):
        nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
        nlp.initialize()
    return nlp


def has_lemmas(nlp: Language) -> bool:
    """True when the pipeline assigns lemmas (a lemmatizer of any kind)."""
    return any("lemmatizer" in name for name in nlp.pipe_names)
