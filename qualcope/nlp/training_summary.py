"""What a suggestion run learnt from, in words a researcher can check.

``qualcope suggest`` prints these lines (and the TUI shows them after learning), so a
project imported from another tool says at once whether its codings were used, which
documents gave negatives and which codes are suggested how.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from qualcope.nlp.corpus import Codebook, Corpus
from qualcope.nlp.results import ModelInfo
from qualcope.nlp.training import MIN_POSITIVES, NEGATIVES_CODED_THROUGH

MAX_NAMED = 3


def training_notes(
    book: Codebook,
    corpus: Corpus,
    models: Iterable[ModelInfo],
    codes: Collection[int],
    langs: Collection[str],
) -> list[str]:
    """Lines: the labels learnt from, then how each code is suggested (classifier, cues, not)."""
    coded_documents = {s.document_id for s in corpus.codings}
    through = corpus.coded_through() if corpus.negatives == NEGATIVES_CODED_THROUGH else set()
    negatives = [f"{len(corpus.finished)} marked finished"]
    if corpus.negatives == NEGATIVES_CODED_THROUGH:
        negatives.append(
            f"{len(through)} coded from start to end, whose uncoded sentences count as "
            "negatives (`--negatives finished` to use finished marks only)"
        )
    lines = [
        f"learnt from {len(corpus.codings)} codings in {len(coded_documents)} documents "
        f"and {len(corpus.rejections)} rejected suggestions; documents giving negatives: "
        + ", ".join(negatives)
    ]
    learnt = {code for info in models for code in info.labels}
    with_cues = {code for code in codes if any(book.cues.get(code, {}).get(lang) for lang in langs)}
    chosen = set(codes)
    cue_only = (chosen & with_cues) - learnt
    neither = chosen - learnt - with_cues
    lines.append(
        f"codes: {len(chosen & learnt)} by classifier and cues, {len(cue_only)} by cue phrases "
        f"only (fewer than {MIN_POSITIVES} coded examples, or too few negatives), "
        f"{len(neither)} not suggested (no cues and too few examples"
        + (f": {_names(book, neither)})" if neither else ")")
    )
    return lines


def _names(book: Codebook, codes: Collection[int]) -> str:
    paths = sorted(book.paths.get(c, "?") for c in codes)
    shown = ", ".join(paths[:MAX_NAMED])
    return shown + (f" and {len(paths) - MAX_NAMED} more" if len(paths) > MAX_NAMED else "")
