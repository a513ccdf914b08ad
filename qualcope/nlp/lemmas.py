"""Lemma lookup tables from spacy-lookups-data, and their reverse: lemma -> inflected forms.

Lemmatising every token of every transcript costs more than the tokenizer
itself; expanding each cue phrase once into its inflected forms ("stop going"
-> "stopped going", "stops going", ...) lets one PhraseMatcher on LOWER find
lemma matches at tokenizer speed. The tables are read from the installed
``spacy-lookups-data`` package (never downloaded) and cached per process.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

# Languages whose lookup tables we test; others with a 'lemma_lookup' table work too.
TESTED_LANGS = ("en", "nl")
# A form must look like a word: tables carry noise such as "'m" or "arst".
MIN_FORM_LENGTH = 2


def _table_path(lang: str) -> Path | None:
    try:
        import spacy_lookups_data
    except ImportError:
        return None
    entry = getattr(spacy_lookups_data, lang, None)
    if not isinstance(entry, dict) or "lemma_lookup" not in entry:
        return None
    path = Path(str(entry["lemma_lookup"]))
    for candidate in (path, path.with_name(path.name + ".gz")):
        if candidate.exists():
            return candidate
    return None


def has_lemma_table(lang: str) -> bool:
    """True when spacy-lookups-data has a lemma lookup table for this language."""
    return _table_path(lang) is not None


@lru_cache(maxsize=8)
def lemma_table(lang: str) -> dict[str, str]:
    """Lower-case form -> lemma (empty when the language has no table)."""
    path = _table_path(lang)
    if path is None:
        return {}
    import srsly

    raw = srsly.read_gzip_json(path) if path.suffix == ".gz" else srsly.read_json(path)
    table: dict[str, str] = {}
    for form, lemma in raw.items():
        if isinstance(form, str) and isinstance(lemma, str):
            # English tables are case-sensitive; we match on LOWER, so keep the first entry.
            table.setdefault(form.lower(), lemma.lower())
    return table


@lru_cache(maxsize=8)
def inflection_table(lang: str) -> dict[str, frozenset[str]]:
    """Lemma -> every form the lookup table maps to it (the table read in reverse)."""
    reverse: dict[str, set[str]] = {}
    for form, lemma in lemma_table(lang).items():
        reverse.setdefault(lemma, set()).add(form)
    return {lemma: frozenset(forms) for lemma, forms in reverse.items()}


def _is_word(form: str) -> bool:
    return len(form) >= MIN_FORM_LENGTH and form.replace("-", "").isalpha()


def forms_of(word: str, lang: str) -> frozenset[str]:
    """The word itself plus the forms sharing its lemma (lower case)."""
    lower = word.lower()
    table = lemma_table(lang)
    if not table or not _is_word(lower):
        return frozenset({lower})
    lemma = table.get(lower, lower)
    forms = {lower, lemma}
    forms.update(f for f in inflection_table(lang).get(lemma, ()) if _is_word(f))
    return frozenset(forms)


def _data_path(lang: str, table: str) -> Path | None:
    """Path of another spacy-lookups-data table of the language (None when absent)."""
    try:
        import spacy_lookups_data
    except ImportError:
        return None
    entry = getattr(spacy_lookups_data, lang, None)
    if not isinstance(entry, dict) or table not in entry:
        return None
    path = Path(str(entry[table]))
    for candidate in (path, path.with_name(path.name + ".gz")):
        if candidate.exists():
            return candidate
    return None


@lru_cache(maxsize=16)
def words_of_pos(lang: str, pos: str) -> frozenset[str]:
    """Lemmas the rule lemmatizer's tables list for a part of speech ('verb', 'noun').

    The ``lemma_index`` lists lemmas per part of speech and ``lemma_exc`` maps
    irregular forms to them; together they say whether a word can be, say, a verb
    ("haken", "give") without a tagger. Empty when the language has no such tables.
    """
    import srsly

    words: set[str] = set()
    for table in ("lemma_index", "lemma_exc"):
        path = _data_path(lang, table)
        if path is None:
            continue
        raw = srsly.read_gzip_json(path) if path.suffix == ".gz" else srsly.read_json(path)
        entry = raw.get(pos) if isinstance(raw, dict) else None
        if isinstance(entry, list):  # lemma_index: a list of lemmas
            words.update(w.lower() for w in entry if isinstance(w, str))
        elif isinstance(entry, dict):  # lemma_exc: form -> [lemma, ...]
            for found in entry.values():
                if isinstance(found, list):
                    words.update(w.lower() for w in found if isinstance(w, str))
    return frozenset(words)
