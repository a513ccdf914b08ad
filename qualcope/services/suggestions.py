"""Suggestions: compute and store them, review them (accept, reject, skip), retrain, evaluate.

``suggest`` scores the respondent's sentences of the chosen documents for the
chosen codes and stores the ones worth showing as *pending* suggestions of
the current coder (derived data: recomputing replaces them, outside the undo
history). A decision is one undoable action: accepting creates the coding
(origin 'suggestion', carrying the suggestion's id) and marks the suggestion
in the same transaction, so undo removes both. Rejected suggestions are kept:
they are the negatives the classifier learns from.

Reading the project and the stored models: ``suggestion_models``; reviewing:
``suggestion_review``. This module re-exports both, so callers need only it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import delete, distinct, func, insert, select, update
from sqlalchemy.orm import Session

from qualcope.db.models import Coder, Coding, Document
from qualcope.db.models import Suggestion as Row
from qualcope.domain import ProgressCallback, StopCallback, never_stop, no_progress
from qualcope.errors import NotFoundError, SuggestionError
from qualcope.nlp.engine import SUGGEST_THRESHOLD
from qualcope.nlp.results import Candidate, Evaluation, SuggestRun
from qualcope.nlp.training import NEGATIVE_RULES, NEGATIVES_CODED_THROUGH, SpanLabel
from qualcope.services import codetree, suggestion_models
from qualcope.services.project import Project
from qualcope.services.suggestion_models import (  # noqa: F401 - one entry point for callers
    RETRAIN_EVERY,
    coder_id,
    decision_count,
    decisions_since_training,
    read_codebook,
    read_corpus,
)
from qualcope.services.suggestion_models import models as load_models
from qualcope.services.suggestion_review import (  # noqa: F401 - one entry point for callers
    OPEN,
    ORDERS,
    STATUSES,
    accept,
    context,
    get_suggestion,
    list_suggestions,
    reject,
    skip,
)

if TYPE_CHECKING:
    from qualcope.nlp.generate import Done

NO_DOCUMENTS = "no documents yet: import transcripts first (`qualcope import`)"
NOTHING_TO_LEARN = (
    "nothing to learn from yet: the codebook has no cue phrases and nothing is coded; "
    "add cues to the codebook or code a few segments, then run `qualcope suggest` again"
)


# ------------------------------------------------------------------ suggesting
def suggest(
    project: Project,
    *,
    code: str | None = None,
    document_id: int | None = None,
    retrain: bool = False,
    negatives: str = NEGATIVES_CODED_THROUGH,
    on_progress: ProgressCallback = no_progress,
    should_stop: StopCallback = never_stop,
) -> SuggestRun:
    """Compute and store this coder's pending suggestions (for one code/document when given).

    ``negatives``: which unfinished documents give negatives (``nlp.training``): by default
    also those coded from start to end, so a project coded elsewhere learns at once.
    Blind (``project.blind``): learnt from this coder's own codings and decisions only, with
    a classifier trained for this run (``suggestion_models.models``).
    """
    from qualcope.nlp.generate import generate
    from qualcope.nlp.pipeline import trained_pipeline_warning
    from qualcope.nlp.training_summary import training_notes

    if negatives not in NEGATIVE_RULES:
        raise SuggestionError(
            f"--negatives must be one of {', '.join(NEGATIVE_RULES)}, not {negatives!r}"
        )

    with project.read() as session:
        book = read_codebook(session)
        codes = set(book.paths)
        if code is not None:
            codes &= codetree.descendant_ids(session, codetree.find_code(session, code).id)
            if not codes:
                raise SuggestionError(f"{code!r} is a group without codes inside it")
        if document_id is not None and session.get(Document, document_id) is None:
            raise NotFoundError(f"no document {document_id}")
        # Blind, the corpus holds only this coder's labels (``Project.visible_coder``).
        corpus = read_corpus(session, coder=project.visible_coder)
        corpus.negatives = negatives
        decisions = decision_count(session, project.visible_coder)
        done = _done(session, coder_id(project, session))
    if not book.has_cues() and not corpus.codings:
        return SuggestRun(0, 0, 0, 0, len(codes), 0, message=NOTHING_TO_LEARN)
    scope = [document_id] if document_id is not None else sorted(corpus.languages)
    if not scope:
        return SuggestRun(0, 0, 0, 0, len(codes), 0, message=NO_DOCUMENTS)
    langs = {corpus.languages[d] for d in scope}
    warnings = [w for lang in sorted(langs) if (w := trained_pipeline_warning(lang))]
    models = load_models(
        project,
        langs,
        book,
        corpus,
        decisions,
        retrain=retrain,
        warnings=warnings,
        on_progress=on_progress,
        should_stop=should_stop,
    )
    result = generate(
        book,
        corpus,
        scope,
        codes,
        {lang: nlp for lang, (nlp, _) in models.items()},
        done,
        on_progress=on_progress,
        should_stop=should_stop,
    )
    infos = tuple(info for _nlp, info in models.values())
    notes = tuple(training_notes(book, corpus, infos, codes, langs))
    if result is None:
        return SuggestRun(
            0, 0, 0, 0, len(codes), len(scope), infos, tuple(warnings), stopped=True, notes=notes
        )
    candidates, scored, held_back = result
    model_ids = {lang: info.model_id for lang, (_nlp, info) in models.items()}
    created, updated, removed = _store(project, scope, codes, candidates, model_ids)
    return SuggestRun(
        created=created,
        updated=updated,
        removed=removed,
        units=scored,
        codes=len(codes),
        documents=len(scope),
        models=infos,
        warnings=tuple(warnings),
        message="" if candidates else "no segment scored high enough to suggest",
        notes=notes,
        held_back=held_back,
    )


def _done(session: Session, coder_id: int | None) -> Done:
    """The coder's own codings and decided suggestions: not suggested again."""
    from qualcope.nlp.generate import Done

    codings: dict[int, list[SpanLabel]] = {}
    decided: set[tuple[int, int, int, int]] = set()
    if coder_id is not None:
        for row in session.execute(
            select(Coding.document_id, Coding.start, Coding.end, Coding.code_id)
            .where(Coding.coder_id == coder_id)
            .order_by(Coding.document_id, Coding.start)
        ):
            codings.setdefault(row[0], []).append(SpanLabel(*row))
        decided = {
            (d, s, e, c)
            for d, s, e, c in session.execute(
                select(Row.document_id, Row.start, Row.end, Row.code_id).where(
                    Row.coder_id == coder_id, Row.status.in_(("accepted", "rejected"))
                )
            )
        }
    return Done(codings, decided)


def _store(
    project: Project,
    scope: Sequence[int],
    codes: set[int],
    candidates: Sequence[tuple[Candidate, str]],
    model_ids: dict[str, int | None],
) -> tuple[int, int, int]:
    """Replace this coder's open suggestions in scope by the candidates (Core, not undoable)."""
    created = updated = 0
    now = datetime.now(UTC)
    with project.write("compute suggestions", undoable=False) as session:
        coder_id = project.coder_id(session)
        existing = {
            (d, s, e, c): (i, status)
            for i, d, s, e, c, status in session.execute(
                select(Row.id, Row.document_id, Row.start, Row.end, Row.code_id, Row.status).where(
                    Row.coder_id == coder_id, Row.document_id.in_(list(scope))
                )
            )
            if c in codes
        }
        keep: set[int] = set()
        rows = []
        for cand, lang in candidates:
            unit = cand.unit
            values = {
                "score": cand.score,
                "reason": cand.reason,
                "method": cand.method,
                "cue": cand.cue,
                "probability": cand.probability,
                "model_id": model_ids.get(lang) if cand.probability is not None else None,
            }
            found = existing.get((unit.document_id, unit.start, unit.end, cand.code_id))
            if found is None:
                rows.append(
                    dict(
                        values,
                        document_id=unit.document_id,
                        segment_id=unit.segment_id,
                        code_id=cand.code_id,
                        coder_id=coder_id,
                        start=unit.start,
                        end=unit.end,
                        status="pending",
                        created_at=now,
                    )
                )
            elif found[1] in OPEN:
                keep.add(found[0])
                session.execute(update(Row).where(Row.id == found[0]).values(**values))
                updated += 1
        stale = [i for i, status in existing.values() if status == "pending" and i not in keep]
        for start in range(0, len(stale), 500):
            session.execute(delete(Row).where(Row.id.in_(stale[start : start + 500])))
        if rows:
            session.execute(insert(Row), rows)
            created = len(rows)
    return created, updated, len(stale)


# ------------------------------------------------------------------ evaluating
EVALUATION_UNITS = {
    "sentence": ("sentence",),
    "passage": ("passage",),
    "both": ("sentence", "passage"),
}


def evaluate(
    project: Project,
    *,
    folds: int = 5,
    only_coder: str | None = None,
    unit: str = "both",
    on_progress: ProgressCallback = no_progress,
    should_stop: StopCallback = never_stop,
) -> Evaluation | None:
    """Cross-validate cue-only, classifier-only and combined on the project's codings.

    The labelled documents are the ones marked finished by a coder, or (when
    none is) every document with a coding: there, a sentence without a code
    counts as a negative for it. None when stopped. Blind: the coder's own codings only;
    ``only_coder``: that coder's codings, decisions and finished marks.

    ``unit``: 'sentence' (the respondent's sentences, what ``suggest`` proposes), 'passage'
    (the respondent's turns: a turn is a positive when a coding covers it or half of the
    coding lies in it) or 'both': the sentence evaluation, with the passage one in
    ``other_units``. Both use the same folds (whole documents, seeded).
    """
    from qualcope.nlp.engine import PASSAGE_THRESHOLD
    from qualcope.nlp.evaluation import (
        LanguageSetup,
        cross_validate,
        fold_ids,
        held_out_scores,
        passage_scores,
    )
    from qualcope.nlp.training import LabelledUnits

    if folds < 2:
        raise SuggestionError("--folds must be at least 2")
    if unit not in EVALUATION_UNITS:
        raise SuggestionError(f"unknown unit {unit!r}: sentence, passage or both")
    coder = only_coder or project.visible_coder
    kinds = EVALUATION_UNITS[unit]
    with project.read() as session:
        if (
            only_coder is not None
            and session.scalar(select(Coder.id).where(Coder.name == only_coder)) is None
        ):
            raise SuggestionError(f"no coder {only_coder!r} in the project")
        book = read_codebook(session)
        # Passages are scored from their sentences' held-out scores: sentences are always read.
        corpora = {"sentence": read_corpus(session, coder=coder, unit="sentence")}
        if "passage" in kinds:
            corpora["passage"] = read_corpus(session, coder=coder, unit="turn")
        pooled = [] if coder is not None else _coders_sharing_documents(session)
    documents, notes = corpora["sentence"].evaluation_documents()
    if not corpora["sentence"].codings or not documents:
        return Evaluation(folds, "document", 0, 0, (), {}, message=NOTHING_TO_LEARN)
    langs = sorted({corpora["sentence"].languages[d] for d in documents})
    setups = {lang: LanguageSetup(book.cues_for(lang), book.texts_for(lang)) for lang in langs}
    data: dict[str, LabelledUnits] = {}
    for kind, corpus in corpora.items():
        data[kind] = LabelledUnits()
        for lang in langs:
            data[kind].extend(corpus.labelled(lang, book.paths, documents, finished=documents))
    languages = corpora["sentence"].languages
    found = held_out_scores(
        data["sentence"],
        languages,
        setups,
        folds=folds,
        on_progress=on_progress,
        should_stop=should_stop,
        folding=fold_ids(data["sentence"], folds),
    )
    if found is None:
        return None
    predictions = {"sentence": found}
    if "passage" in kinds:
        predictions["passage"] = (
            passage_scores(data["sentence"], found[0], data["passage"]),
            found[1],
        )
    results: list[Evaluation] = []
    for kind in kinds:
        said = notes
        if pooled:
            said = [
                f"the codings of {', '.join(pooled)} are pooled as labels where they coded the "
                f"same documents (a {kind} any of them coded is a positive); evaluate against "
                "one coder with --only-coder NAME",
                *notes,
            ]
        result = cross_validate(
            data[kind],
            languages,
            setups,
            book.paths,
            folds=folds,
            unit=kind,
            predictions=predictions[kind],
            threshold=PASSAGE_THRESHOLD if kind == "passage" else SUGGEST_THRESHOLD,
        )
        if result is None:
            return None
        results.append(replace(result, notes=tuple(said) + result.notes))
    return replace(results[0], other_units=tuple(results[1:]))


def _coders_sharing_documents(session: Session) -> list[str]:
    """Coders whose codings meet another coder's in a document, by name."""
    shared = (
        select(Coding.document_id)
        .group_by(Coding.document_id)
        .having(func.count(distinct(Coding.coder_id)) > 1)
    )
    return list(
        session.scalars(
            select(Coder.name)
            .join(Coding, Coding.coder_id == Coder.id)
            .where(Coding.document_id.in_(shared))
            .distinct()
            .order_by(Coder.name)
        )
    )


# Retrain every language's classifier (the TUI's learning worker and `suggest --retrain`).
retrain = suggestion_models.retrain
