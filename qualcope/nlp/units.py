"""Which pieces of a document are suggested and learnt from: the respondent's sentences.

Interviewer turns are never suggested (questions are not coded). A document
imported with sentence segments gives its respondent sentences; one with
turns only gives its respondent turns; a document without segments is split
into sentences here, with the same sentencizer the import uses. Every unit's
``text`` is exactly ``document_text[start:end]``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from qualcope.nlp.results import Unit


@dataclass(frozen=True)
class SegmentRow:
    """The facts of a stored segment that unit selection needs (``id``: the stored turn that
    is or holds it, None when none does)."""

    id: int | None
    kind: str
    start: int
    end: int
    is_interviewer: bool


def units_of_document(
    document_id: int, text: str, segments: Sequence[SegmentRow], lang: str
) -> list[Unit]:
    """The units of one document, in text order."""
    respondent = [s for s in segments if not s.is_interviewer]
    sentences = [s for s in respondent if s.kind == "sentence"]
    chosen = sentences or [s for s in respondent if s.kind == "turn"]
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
