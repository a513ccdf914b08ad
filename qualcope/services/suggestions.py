"""Suggestions: compute and store them, review them (accept, reject, skip), retrain, evaluate.

``suggest`` scores the respondent's sentences of the chosen documents for the
chosen codes and stores the ones worth showing as *pending* suggestions of
the current coder (derived data: recomputing replaces them, outside the undo
history). A decision is one undoable action: accepting creates the coding
(origin 'suggestion', carrying the suggestion's id) and marks the suggestion
in the same transaction, so undo removes both. Rejected suggestions are kept:
they are the negatives the classifier learns from.

The classifier of each language is stored in the project (``model_artifacts``)
with what it was trained on. It is retrained when asked, when there is none
yet, when the codebook changed, or after RETRAIN_EVERY new decisions; a
stored model that cannot be loaded is discarded with a warning and retrained.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from qualcope.db.models import (
    Coder,
    Coding,
    Document,
    DocumentStatus,
    ModelArtifact,
    Segment,
)
from qualcope.db.models import Suggestion as Row
from qualcope.domain import (
    ProgressCallback,
    StopCallback,
    never_stop,
    no_progress,
)
from qualcope.errors import NotFoundError, SuggestionError
from qualcope.nlp.corpus import (
    MODEL_KIND,
    Codebook,
    Corpus,
    TrainedModel,
    model_info,
    retrain_due,
    train_model,
)
from qualcope.nlp.results import Candidate, Evaluation, ModelInfo, SuggestRun
from qualcope.nlp.training import SpanLabel
from qualcope.services import codetree
from qualcope.services.project import Project
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

RETRAIN_EVERY = 20
# A rejection, or an acceptance under another code: a negative for the suggested code.
NEGATIVE = (Row.status == "rejected") | (
    (Row.status == "accepted") & Row.decided_code_id.is_not(None)
)
NOTHING_TO_LEARN = (
    "nothing to learn from yet: the codebook has no cue phrases and nothing is coded; "
    "add cues to the codebook or code a few segments, then run `qualcope suggest` again"
)


# ------------------------------------------------------------------ reading
def _codebook(session: Session) -> Codebook:
    book = Codebook()
    for code, path, _depth in codetree.ordered(codetree.all_codes(session)):
        if code.kind == "group":
            continue
        book.paths[code.id] = path
        book.cues[code.id] = {lang: tuple(p) for lang, p in sorted((code.cues or {}).items()) if p}
        book.examples[code.id] = code.example or ""
    return book


def _corpus(session: Session, documents: Iterable[int] | None = None) -> Corpus:
    from qualcope.nlp.pipeline import spacy_lang
    from qualcope.nlp.units import SegmentRow, units_of_document

    corpus = Corpus()
    segments: dict[int, list[SegmentRow]] = {}
    seg_query = select(
        Segment.document_id,
        Segment.id,
        Segment.kind,
        Segment.start,
        Segment.end,
        Segment.is_interviewer,
    )
    query = select(Document.id, Document.text, Document.language).order_by(Document.id)
    if documents is not None:
        chosen = list(documents)
        query = query.where(Document.id.in_(chosen))
        seg_query = seg_query.where(Segment.document_id.in_(chosen))
    for doc_id, *rest in session.execute(seg_query):
        segments.setdefault(doc_id, []).append(SegmentRow(*rest))
    for doc_id, text, language in session.execute(query):
        lang = spacy_lang(language)
        corpus.languages[doc_id] = lang
        corpus.units[doc_id] = units_of_document(doc_id, text, segments.get(doc_id, []), lang)
    corpus.codings = [
        SpanLabel(*row)
        for row in session.execute(
            select(Coding.document_id, Coding.start, Coding.end, Coding.code_id)
        )
    ]
    corpus.rejections = [
        SpanLabel(*row)
        for row in session.execute(
            select(Row.document_id, Row.start, Row.end, Row.code_id).where(NEGATIVE)
        )
    ]
    corpus.accepted = [
        SpanLabel(d, s, e, decided if decided is not None else c)
        for d, s, e, c, decided in session.execute(
            select(Row.document_id, Row.start, Row.end, Row.code_id, Row.decided_code_id).where(
                Row.status == "accepted"
            )
        )
    ]
    corpus.finished = set(
        session.scalars(select(DocumentStatus.document_id).where(DocumentStatus.finished))
    )
    return corpus


def _decisions(session: Session) -> int:
    """A count that grows with every coding, rejection and finished mark (retraining clock)."""
    counts = [
        select(func.count()).select_from(Coding),
        select(func.count()).select_from(Row).where(NEGATIVE),
        select(func.count()).select_from(DocumentStatus).where(DocumentStatus.finished),
    ]
    return sum(int(session.scalar(q) or 0) for q in counts)


def _coder_id(project: Project, session: Session) -> int | None:
    return session.scalar(select(Coder.id).where(Coder.name == project.coder))


# ------------------------------------------------------------------ models
def _stored_model(project: Project, lang: str, warnings: list[str]) -> tuple[Any, Any]:
    """(nlp, (id, meta)) of a language's stored classifier; (None, None) if none or damaged."""
    from qualcope.nlp.classifier import CorruptModelError, from_artifact

    with project.read() as session:
        row = session.scalar(
            select(ModelArtifact)
            .where(ModelArtifact.kind == MODEL_KIND, ModelArtifact.lang == lang)
            .order_by(ModelArtifact.id.desc())
        )
        if row is None:
            return None, None
        data, config, meta, model_id = row.data, row.config, dict(row.meta or {}), row.id
    try:
        return from_artifact(data, config, meta.get("sha256")), (model_id, meta)
    except CorruptModelError as exc:
        warnings.append(f"the stored {lang} suggestion model was discarded ({exc}); retraining")
        with project.write("discard damaged model", undoable=False) as session:
            session.execute(delete(ModelArtifact).where(ModelArtifact.id == model_id))
        return None, None


def _store_model(project: Project, lang: str, trained: TrainedModel) -> int:
    with project.write(f"train {lang} suggestion model", undoable=False) as session:
        session.execute(
            delete(ModelArtifact).where(
                ModelArtifact.kind == MODEL_KIND, ModelArtifact.lang == lang
            )
        )
        return int(
            session.execute(
                insert(ModelArtifact)
                .values(
                    kind=MODEL_KIND,
                    lang=lang,
                    data=trained.data,
                    config=trained.config,
                    meta=trained.meta,
                )
                .returning(ModelArtifact.id)
            ).scalar_one()
        )


def _models(
    project: Project,
    langs: Iterable[str],
    book: Codebook,
    corpus: Corpus,
    decisions: int,
    *,
    retrain: bool,
    warnings: list[str],
    on_progress: ProgressCallback,
    should_stop: StopCallback,
) -> dict[str, tuple[Any, ModelInfo]]:
    """The classifier of each language: stored, or (re)trained when due."""
    out: dict[str, tuple[Any, ModelInfo]] = {}
    for lang in sorted(langs):
        nlp, stored = (None, None) if retrain else _stored_model(project, lang, warnings)
        if nlp is not None and not retrain_due(stored[1], book, decisions, RETRAIN_EVERY):
            out[lang] = (nlp, model_info(stored[0], lang, stored[1]))
            continue
        trained = train_model(
            lang,
            book,
            corpus,
            decisions=decisions,
            on_progress=on_progress,
            should_stop=should_stop,
        )
        if trained is not None:
            model_id = _store_model(project, lang, trained)
            out[lang] = (trained.nlp, model_info(model_id, lang, trained.meta))
        elif nlp is not None:  # too little to learn from now: keep the model there is
            out[lang] = (nlp, model_info(stored[0], lang, stored[1]))
    return out


def retrain(
    project: Project,
    *,
    on_progress: ProgressCallback = no_progress,
    should_stop: StopCallback = never_stop,
) -> tuple[ModelInfo, ...]:
    """Retrain the classifier of every language that has enough labelled segments."""
    with project.read() as session:
        book = _codebook(session)
        corpus = _corpus(session)
        decisions = _decisions(session)
    models = _models(
        project,
        set(corpus.languages.values()),
        book,
        corpus,
        decisions,
        retrain=True,
        warnings=[],
        on_progress=on_progress,
        should_stop=should_stop,
    )
    return tuple(info for _nlp, info in models.values())


def decisions_since_training(project: Project) -> int:
    """Decisions the stored models have not learnt from yet (for 'retrain every N')."""
    with project.read() as session:
        seen = [
            int((m or {}).get("decisions", 0)) for m in session.scalars(select(ModelArtifact.meta))
        ]
        return max(0, _decisions(session) - max(seen, default=0))


# ------------------------------------------------------------------ suggesting
def suggest(
    project: Project,
    *,
    code: str | None = None,
    document_id: int | None = None,
    retrain: bool = False,
    on_progress: ProgressCallback = no_progress,
    should_stop: StopCallback = never_stop,
) -> SuggestRun:
    """Compute and store this coder's pending suggestions (for one code/document when given)."""
    from qualcope.nlp.generate import generate
    from qualcope.nlp.pipeline import trained_pipeline_warning

    with project.read() as session:
        book = _codebook(session)
        codes = set(book.paths)
        if code is not None:
            codes &= codetree.descendant_ids(session, codetree.find_code(session, code).id)
            if not codes:
                raise SuggestionError(f"{code!r} is a group without codes inside it")
        if document_id is not None and session.get(Document, document_id) is None:
            raise NotFoundError(f"no document {document_id}")
        corpus = _corpus(session)
        decisions = _decisions(session)
        done = _done(session, _coder_id(project, session))
    if not book.has_cues() and not corpus.codings:
        return SuggestRun(0, 0, 0, 0, len(codes), 0, message=NOTHING_TO_LEARN)
    scope = [document_id] if document_id is not None else sorted(corpus.languages)
    langs = {corpus.languages[d] for d in scope}
    warnings = [w for lang in sorted(langs) if (w := trained_pipeline_warning(lang))]
    models = _models(
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
    if result is None:
        return SuggestRun(0, 0, 0, 0, len(codes), len(scope), infos, tuple(warnings), stopped=True)
    candidates, scored = result
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
def evaluate(
    project: Project,
    *,
    folds: int = 5,
    on_progress: ProgressCallback = no_progress,
    should_stop: StopCallback = never_stop,
) -> Evaluation | None:
    """Cross-validate cue-only, classifier-only and combined on the project's codings.

    The labelled documents are the ones marked finished by a coder, or (when
    none is) every document with a coding: there, a sentence without a code
    counts as a negative for it. None when stopped.
    """
    from qualcope.nlp.evaluation import LanguageSetup, cross_validate
    from qualcope.nlp.training import LabelledUnits

    if folds < 2:
        raise SuggestionError("--folds must be at least 2")
    with project.read() as session:
        book = _codebook(session)
        corpus = _corpus(session)
    documents, notes = corpus.evaluation_documents()
    if not corpus.codings or not documents:
        return Evaluation(folds, "document", 0, 0, (), {}, message=NOTHING_TO_LEARN)
    langs = sorted({corpus.languages[d] for d in documents})
    data = LabelledUnits()
    for lang in langs:
        data.extend(corpus.labelled(lang, book.paths, documents, finished=documents))
    setups = {lang: LanguageSetup(book.cues_for(lang), book.texts_for(lang)) for lang in langs}
    result = cross_validate(
        data,
        corpus.languages,
        setups,
        book.paths,
        folds=folds,
        on_progress=on_progress,
        should_stop=should_stop,
    )
    return None if result is None else replace(result, notes=tuple(notes) + result.notes)
