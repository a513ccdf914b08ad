"""What the suggestion engine learns from, read from the project, and its stored models.

``read_codebook`` and ``read_corpus`` turn the project into the engine's plain
inputs (``nlp.corpus``) in one read. The classifier of each language lives in
``model_artifacts`` (outside the undo history: it is derived data, replaced on
every retrain); ``models`` loads it, or retrains it when asked, when there is
none, when the codebook changed or after RETRAIN_EVERY new decisions. A stored
model that cannot be loaded is discarded with a warning and retrained.

Blind coding (``Project.blind``): the corpus holds the coder's own codings, decisions and
finished marks only (``read_corpus(coder=...)``), and the classifier is trained from it for
the run at hand and never stored, nor is the stored model loaded: the shared model learnt
from everyone, and one stored per coder would need its own key, clock and clean-up for a
saving of seconds (training takes a few seconds; the workspace retrains on every learn
anyway).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from qualcope.db.models import Coder, Coding, Document, DocumentStatus, ModelArtifact
from qualcope.db.models import Suggestion as Row
from qualcope.domain import ProgressCallback, StopCallback, never_stop, no_progress
from qualcope.nlp.corpus import (
    MODEL_KIND,
    Codebook,
    Corpus,
    TrainedModel,
    model_info,
    retrain_due,
    train_model,
)
from qualcope.nlp.results import ModelInfo
from qualcope.nlp.training import SpanLabel
from qualcope.services import codetree
from qualcope.services.documents import segments_of_documents
from qualcope.services.project import Project

RETRAIN_EVERY = 20
# A rejection, or an acceptance under another code: a negative for the suggested code.
NEGATIVE = (Row.status == "rejected") | (
    (Row.status == "accepted") & Row.decided_code_id.is_not(None)
)


# ------------------------------------------------------------------ reading
def read_codebook(session: Session) -> Codebook:
    book = Codebook()
    for code, path, _depth in codetree.ordered(codetree.all_codes(session)):
        if code.kind == "group":
            continue
        book.paths[code.id] = path
        book.cues[code.id] = {lang: tuple(p) for lang, p in sorted((code.cues or {}).items()) if p}
        book.examples[code.id] = code.example or ""
    return book


def _coder_filter(session: Session, column: Any, coder: str | None) -> list[Any]:
    """Where-clauses keeping one coder's rows (none: everyone; an unknown coder: no rows)."""
    if coder is None:
        return []
    found = session.scalar(select(Coder.id).where(Coder.name == coder))
    return [column == (found if found is not None else -1)]


def read_corpus(
    session: Session,
    documents: Iterable[int] | None = None,
    *,
    coder: str | None = None,
    unit: str = "sentence",
) -> Corpus:
    """Units of the documents and every label; with ``coder``, only that coder's codings,
    decisions and finished marks (blind coding: nothing learnt from anyone else);
    ``unit``: 'sentence' or 'turn' (``units.units_of_document``)."""
    from qualcope.nlp.pipeline import spacy_lang
    from qualcope.nlp.units import SegmentRow, units_of_document

    corpus = Corpus()
    query = select(Document.id, Document.text, Document.language).order_by(Document.id)
    chosen = None if documents is None else list(documents)
    if chosen is not None:
        query = query.where(Document.id.in_(chosen))
    # A sentence's unit points at the turn that holds it (sentences have no row of their own).
    segments = {
        doc_id: [
            SegmentRow(
                v.id if v.kind == "turn" else v.parent_id, v.kind, v.start, v.end, v.is_interviewer
            )
            for v in views
        ]
        for doc_id, views in segments_of_documents(session, chosen).items()
    }
    for doc_id, text, language in session.execute(query):
        lang = spacy_lang(language)
        corpus.languages[doc_id] = lang
        corpus.units[doc_id] = units_of_document(
            doc_id, text, segments.get(doc_id, []), lang, unit=unit
        )
    own_coding = _coder_filter(session, Coding.coder_id, coder)
    own_decision = _coder_filter(session, Row.coder_id, coder)
    corpus.codings = [
        SpanLabel(*row)
        for row in session.execute(
            select(Coding.document_id, Coding.start, Coding.end, Coding.code_id).where(*own_coding)
        )
    ]
    corpus.rejections = [
        SpanLabel(*row)
        for row in session.execute(
            select(Row.document_id, Row.start, Row.end, Row.code_id).where(NEGATIVE, *own_decision)
        )
    ]
    corpus.accepted = [
        SpanLabel(d, s, e, decided if decided is not None else c)
        for d, s, e, c, decided in session.execute(
            select(Row.document_id, Row.start, Row.end, Row.code_id, Row.decided_code_id).where(
                Row.status == "accepted", *own_decision
            )
        )
    ]
    corpus.finished = set(
        session.scalars(
            select(DocumentStatus.document_id).where(
                DocumentStatus.finished, *_coder_filter(session, DocumentStatus.coder_id, coder)
            )
        )
    )
    return corpus


def decision_count(session: Session, coder: str | None = None) -> int:
    """A count that grows with every coding, rejection and finished mark (retraining clock);
    with ``coder``, that coder's only."""
    counts = [
        select(func.count())
        .select_from(Coding)
        .where(*_coder_filter(session, Coding.coder_id, coder)),
        select(func.count())
        .select_from(Row)
        .where(NEGATIVE, *_coder_filter(session, Row.coder_id, coder)),
        select(func.count())
        .select_from(DocumentStatus)
        .where(DocumentStatus.finished, *_coder_filter(session, DocumentStatus.coder_id, coder)),
    ]
    return sum(int(session.scalar(q) or 0) for q in counts)


def coder_id(project: Project, session: Session) -> int | None:
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
        if "earlier qualcope" in str(exc):
            warnings.append(
                f"the stored {lang} suggestion model was made by an earlier qualcope; "
                "retraining it with the calibrated classifier"
            )
        else:
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


def models(
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
    """The classifier of each language: stored, or (re)trained when due.

    Blind (``project.blind``), each is trained from ``corpus`` (the coder's own labels) for
    this run only: the stored models are neither loaded nor replaced.
    """
    out: dict[str, tuple[Any, ModelInfo]] = {}
    for lang in sorted(langs):
        if project.blind:
            blind = train_model(
                lang,
                book,
                corpus,
                decisions=decisions,
                on_progress=on_progress,
                should_stop=should_stop,
            )
            if blind is not None:
                out[lang] = (blind.nlp, model_info(None, lang, blind.meta))
            continue
        nlp, stored = (None, None) if retrain else _stored_model(project, lang, warnings)
        if nlp is not None and not retrain_due(
            stored[1], book, decisions, RETRAIN_EVERY, corpus.negatives
        ):
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
    """Retrain the classifier of every language that has enough labelled segments
    (blind: from the coder's own labels, and not stored)."""
    with project.read() as session:
        book = read_codebook(session)
        corpus = read_corpus(session, coder=project.visible_coder)
        decisions = decision_count(session, project.visible_coder)
    found = models(
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
    return tuple(info for _nlp, info in found.values())


def decisions_since_training(project: Project) -> int:
    """Decisions the stored models have not learnt from yet (for 'retrain every N')."""
    with project.read() as session:
        seen = [
            int((m or {}).get("decisions", 0)) for m in session.scalars(select(ModelArtifact.meta))
        ]
        return max(0, decision_count(session) - max(seen, default=0))
