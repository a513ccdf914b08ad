"""A bag-of-words text classifier architecture suited to a few dozen examples per code.

spaCy's ``TextCatBOW`` sums a weight per n-gram over the raw tokens. On
interview sentences with a handful of positives per code that has two
problems we measured on the sample corpus (held-out AUC below 0.5): the sum
grows with sentence length, so long sentences (where coded material tends
to be) are pushed towards the majority "no"; and "chose", "chooses" and
"choosing" are unrelated features. ``qualcope.TextCatBOWNorm.v1`` is the same
sparse linear model over n-grams of the NORM attribute with counts divided by
the number of n-grams (a mean instead of a sum), and ``install_lemma_norms``
sets NORM to the lookup lemma, so inflections share one weight. Both are
registered with spaCy, so a stored model's config loads them by name.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from spacy.attrs import NORM
from spacy.language import Language
from spacy.ml.extract_ngrams import extract_ngrams
from spacy.ml.models.textcat import NEG_VALUE, resize_and_set_ref
from spacy.util import registry
from thinc.api import Logistic, Model, SparseLinear_v2, chain, resizable, with_cpu
from thinc.layers.resizable import resize_linear_weighted

from qualcope.nlp import lemmas

ARCHITECTURE = "qualcope.TextCatBOWNorm.v1"
# Mean counts are ~1/16 each; Adam moves a weight by about the learning rate per step
# whatever the feature size, so scale them back to the size of a count.
FEATURE_SCALE = 8.0


def norm_counts(ngram_size: int) -> Model:
    """Per document, each NORM (or n-gram of NORMs) with its count divided by their total.

    The same as spaCy's ``extract_ngrams`` followed by a mean, but unigrams of a whole
    batch are counted with one sort instead of one ``numpy.unique`` per document (the
    classifier's hot path when thousands of sentences are scored).
    """

    def forward(model: Model, docs: list[Any], is_train: bool) -> tuple[Any, Callable]:
        xp = model.ops.xp
        if ngram_size > 1:
            keys, values, lengths = extract_ngrams(ngram_size, attr=NORM).predict(docs)
        else:
            arrays = [doc.to_array(NORM) for doc in docs]
            sizes = xp.asarray([len(a) for a in arrays], dtype="int64")
            flat = xp.concatenate(arrays) if arrays else xp.zeros(0, dtype="uint64")
            owner = xp.repeat(xp.arange(len(arrays)), sizes)
            order = xp.lexsort((flat, owner))
            flat, owner = flat[order], owner[order]
            new = xp.ones(flat.shape[0], dtype=bool)
            new[1:] = (flat[1:] != flat[:-1]) | (owner[1:] != owner[:-1])
            starts = xp.flatnonzero(new)
            keys = flat[starts]
            values = xp.diff(xp.append(starts, flat.shape[0])).astype("f")
            lengths = xp.bincount(owner[starts], minlength=len(arrays)).astype("int32")
        if values.size:
            totals = xp.zeros(lengths.shape[0], dtype=values.dtype)
            nonempty = lengths > 0
            ends = xp.cumsum(lengths)
            totals[nonempty] = xp.add.reduceat(values, (ends - lengths)[nonempty])
            values = values * (FEATURE_SCALE / xp.repeat(totals, lengths))
        return (keys, values, lengths), lambda d_inputs: []

    return Model("norm_counts", forward)


@registry.architectures(ARCHITECTURE)
def build_bow_norm_classifier(
    exclusive_classes: bool,
    ngram_size: int,
    no_output_layer: bool,
    length: int = 2**15,
    nO: int | None = None,
) -> Model:
    length = 2 ** (length - 1).bit_length()
    sparse_linear = SparseLinear_v2(nO=nO, length=length)
    fill_defaults = {"b": NEG_VALUE if not no_output_layer else 0, "W": 0}
    resizable_layer = resizable(
        sparse_linear, resize_layer=partial(resize_linear_weighted, fill_defaults=fill_defaults)
    )
    model = chain(norm_counts(ngram_size), resizable_layer)
    model = with_cpu(model, model.ops)
    if not no_output_layer:
        output = Logistic()
        model = chain(model, with_cpu(output, output.ops))
    if nO is not None:
        model.set_dim("nO", nO)
    model.set_ref("output_layer", sparse_linear)
    model.attrs["multi_label"] = not exclusive_classes
    model.attrs["resize_output"] = partial(resize_and_set_ref, resizable_layer=resizable_layer)
    return model


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
