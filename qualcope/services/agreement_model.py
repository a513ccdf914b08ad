"""The suggester as a coder: its decision for each sentence, for `qualcope agreement`.

An honest measure needs decisions the model did not learn from: the compared documents are
split into folds by document (by sentence when there are fewer documents than folds, as
`suggest --evaluate` does), and every sentence is decided by an engine trained on the other
folds, from the compared human coders' codings only. A decision is the combined score at or
above the suggestion threshold, as in the coding screen. The model never decides on
interviewer turns or preambles: there it is "absent".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from qualcope.domain import ProgressCallback, StopCallback, never_stop, no_progress
from qualcope.errors import QualcopeError
from qualcope.services.agreement_data import Scope, Units
from qualcope.services.project import Project

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

FOLDS = 5


def model_presence(
    project: Project,
    scope: Scope,
    units: Units,
    rows_by_coder: Mapping[int | None, Sequence[tuple[int, int, int, int]]],
    *,
    folds: int = FOLDS,
    epochs: int | None = None,
    on_progress: ProgressCallback = no_progress,
    should_stop: StopCallback = never_stop,
) -> dict[int, NDArray[np.int8]]:
    """code id -> 0/1 per unit: whether the cross-validated suggester would suggest it."""
    import numpy as np

    from qualcope.nlp import classifier as clf
    from qualcope.nlp.engine import SUGGEST_THRESHOLD
    from qualcope.nlp.evaluation import LanguageSetup, held_out_scores
    from qualcope.nlp.training import LabelledUnits, SpanLabel
    from qualcope.services.suggestion_models import read_codebook, read_corpus

    if units.kind != "sentence":
        raise QualcopeError(
            "the model decides sentence by sentence: compare it with --unit sentence"
        )
    code_ids = [cid for cid, _ in scope.codes]
    with project.read() as session:
        book = read_codebook(session)
        corpus = read_corpus(session, scope.documents)
    humans = [i for i in scope.coder_ids if i is not None]
    corpus.codings = [SpanLabel(*row) for coder in humans for row in rows_by_coder.get(coder, [])]
    documents = list(scope.documents)
    data = LabelledUnits()
    for lang in sorted({corpus.languages[d] for d in documents}):
        data.extend(corpus.labelled(lang, code_ids, documents, finished=documents))
    setups = {
        lang: LanguageSetup(book.cues_for(lang, code_ids), book.texts_for(lang))
        for lang in {corpus.languages[d] for d in documents}
    }
    found = held_out_scores(
        data,
        corpus.languages,
        setups,
        folds=min(folds, max(2, len(data.units))),
        on_progress=on_progress,
        should_stop=should_stop,
        epochs=clf.EPOCHS if epochs is None else epochs,
    )
    if found is None:
        raise QualcopeError("stopped before the model decided")
    predictions, _split = found
    row_of = {
        (int(d), int(s), int(e)): i
        for i, (d, s, e) in enumerate(zip(units.document, units.start, units.end, strict=True))
    }
    out = {cid: np.zeros(len(units), dtype=np.int8) for cid in code_ids}
    for unit, scores in zip(data.units, predictions, strict=True):
        row = row_of.get((unit.document_id, unit.start, unit.end))
        if row is None:
            continue
        for cid, score in scores.get("combined", {}).items():
            if cid in out and score >= SUGGEST_THRESHOLD:
                out[cid][row] = 1
    return out
