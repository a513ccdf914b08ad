"""The array implementation of sentence segments gives exactly what the per-sentence one gave.

``reference_sentences_of_documents`` and its helpers below are the implementation of
qualcope/nlp/sentences.py before sentences became arrays, kept unchanged as the oracle: every
case compares ``sentences_of_documents`` (SegmentSpec lists) and
``sentence_bounds_of_documents`` (int64 arrays) with it, on the sample corpus, the import
benchmark's generated corpus and seeded fuzzed texts and turns.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import numpy
import pytest

from qualcope.domain import SegmentSpec
from qualcope.ingest.base import SUPPORTED_SUFFIXES
from qualcope.ingest.transcript import read_transcript
from qualcope.ingest.turns import detect_turns
from qualcope.nlp import sentence_arrays, sentences
from qualcope.nlp.sentence_arrays import OPENERS
from qualcope.nlp.sentences import (
    PIPE_BATCH,
    pipeline,
    sentence_bounds_of_documents,
    sentence_specs,
    sentences_of_documents,
    sentencizer_punct,
)

REPO = Path(__file__).resolve().parents[2]
Document = tuple[str, Sequence[SegmentSpec]]


# --- The reference: the former implementation, unchanged ------------------------------------


def reference_sentences_of_documents(
    documents: Iterable[tuple[str, Sequence[SegmentSpec]]], lang: str
) -> Iterator[list[SegmentSpec]]:
    from spacy.attrs import IDX, SENT_START

    nlp = pipeline(lang)
    punct = sentencizer_punct(lang)
    pending: list[tuple[str, Sequence[SegmentSpec]]] = []

    def texts() -> Iterator[str]:
        for text, turns in documents:
            pending.append((text, turns))
            yield text if turns else ""

    if punct is not None:  # the tokenizer, then the sentencizer's rule on arrays
        docs = (nlp.make_doc(text) for text in texts())
    else:  # another pipeline (not the import's): run it
        docs = nlp.pipe(texts(), batch_size=PIPE_BATCH)
    for doc in docs:
        text, turns = pending.pop(0)
        if not turns:
            yield []
            continue
        # Token offsets and sentence starts as arrays: no Python object per token or span.
        if punct is not None:
            starts = reference_rule_sentence_starts(doc, punct)
        else:
            array = doc.to_array([IDX, SENT_START])
            starts = array[array[:, 1] == 1][:, 0].tolist()
        if not starts or starts[0] != 0:
            starts.insert(0, 0)
        bounds = [*starts, len(text)]
        spans = reference_move_openers(text, list(zip(bounds[:-1], bounds[1:], strict=True)))
        yield reference_clip(text, spans, turns)


def reference_rule_sentence_starts(doc, punct: numpy.ndarray) -> list[int]:  # noqa: ANN001
    from spacy.attrs import IDX, IS_PUNCT, ORTH

    if len(doc) == 0:
        return []
    array = doc.to_array([IDX, ORTH, IS_PUNCT])
    orth = array[:, 1]
    # Membership in the sorted hashes by binary search (twice as fast as numpy.isin here).
    found = numpy.searchsorted(punct, orth)
    found[found == len(punct)] = 0
    marks = punct[found] == orth
    words = numpy.flatnonzero((array[:, 2] == 0) & ~marks)
    seen = numpy.cumsum(marks)  # marks up to and including each token
    # A word token is no mark itself: seen[w] counts the marks before it.
    before = seen[words]
    previous = numpy.concatenate(([0], before[:-1]))
    return [int(array[0, 0]), *array[words[before > previous], 0].tolist()]


def reference_move_openers(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    for i in range(len(spans) - 1):
        start, end = spans[i]
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start + 1 and text[end - 1] in OPENERS:
            spans[i] = (start, end - 1)
            spans[i + 1] = (end - 1, spans[i + 1][1])
    return spans


def reference_clip(
    text: str, spans: list[tuple[int, int]], turns: Sequence[SegmentSpec]
) -> list[SegmentSpec]:
    out: list[SegmentSpec] = []
    append = out.append  # a few hundred thousand sentences in a large import
    count = len(spans)
    first = 0
    for turn in sorted(turns, key=lambda t: t.start):
        turn_start, turn_end = turn.start, turn.end
        while first < count and spans[first][1] <= turn_start:
            first += 1
        speaker, interviewer, turn_index = turn.speaker, turn.is_interviewer, turn.turn_index
        index = first
        while index < count:
            start, end = spans[index]
            if start >= turn_end:
                break
            index += 1
            start = max(start, turn_start)
            piece = text[start : min(end, turn_end)]
            stripped = piece.strip()
            if not stripped:
                continue
            if not piece.startswith(stripped):  # white space in front (rare)
                start += len(piece) - len(piece.lstrip())
            append(
                SegmentSpec(
                    "sentence", start, start + len(stripped), speaker, interviewer, turn_index
                )
            )
    return out


# --- Comparison ----------------------------------------------------------------------------


def assert_same(documents: list[Document], lang: str) -> int:
    """Both new functions equal the reference on ``documents`` (one call each); the number
    of sentences compared."""
    expected = list(reference_sentences_of_documents(documents, lang))
    specs = list(sentences_of_documents(documents, lang))
    bounds = list(sentence_bounds_of_documents(documents, lang))
    assert len(specs) == len(bounds) == len(documents)
    for (text, turns), want, got, array in zip(documents, expected, specs, bounds, strict=True):
        assert got == want, (text, turns)
        assert [type(s.start) for s in got] == [int] * len(got)
        assert [type(s.end) for s in got] == [int] * len(got)
        assert isinstance(array, numpy.ndarray)
        assert array.dtype == numpy.int64 and array.shape == (len(want), 2)
        assert array.tolist() == [[s.start, s.end] for s in want], (text, turns)
    return sum(len(found) for found in expected)


def sample_documents() -> list[Document]:
    paths = sorted(
        path
        for path in (REPO / "sample_corpus").rglob("*")
        if path.suffix.lower() in SUPPORTED_SUFFIXES and path.is_file()
    )
    assert len(paths) >= 12
    out = []
    for path in paths:
        transcript = read_transcript(path)
        out.append((transcript.text, transcript.turns))
    return out


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_the_sample_corpus_gives_the_same_sentences(lang: str) -> None:
    documents = sample_documents()
    assert assert_same(documents, lang) > 500


def test_the_generated_benchmark_corpus_gives_the_same_sentences(tmp_path: Path) -> None:
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        import bench_import
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    bench_import.generate(tmp_path, 50_000, 10)
    documents = []
    for path in sorted(tmp_path.glob("*.txt")):
        transcript = read_transcript(path)
        documents.append((transcript.text, transcript.turns))
    assert len(documents) == 10
    assert assert_same(documents, "en") > 3000


# --- Fuzzed texts and turns ----------------------------------------------------------------

WORDS = (
    "we the city Ana said U.S. e.g. 3.5 it's don't (laughs) [inaudible] x:y mr. Dr. "
    "échec naïve leven gebouw (^_^) :-) http://example.org/a.b wait... ok?! no!!"
).split()
MARKS = [".", "!", "?", "…", "...", "?!", '"', "(", "[", "{", "“", "”", "‘", "’", "«", "»", "„"]
MARKS += [")", "]", "}", ",", ";", ":", "-", "—", "'", "。", "？"]
SPACES = [" ", " ", " ", "  ", "\t", "\u00a0", "\u2003", "\u3000", "\u200b", "\n", "\n\n"]
SPACES += [" \n", "\n \n", "\t\n", "\u2028", "\r\n", "\x0b", "\x1c", "\x85"]
LABELS = ["Interviewer: ", "Ana: ", "I: ", "R: ", "Respondent: ", "[Ana] ", "**Ben:** "]


def fuzzed_text(rng: random.Random) -> str:
    parts: list[str] = []
    for _ in range(rng.randint(0, 80)):
        roll = rng.random()
        if roll < 0.45:
            word = rng.choice(WORDS)
            parts.append(word.capitalize() if rng.random() < 0.2 else word)
        elif roll < 0.7:
            parts.append(rng.choice(MARKS))
        elif roll < 0.95:
            parts.append(rng.choice(SPACES))
        else:
            parts.append("\n" + rng.choice(LABELS))
        if rng.random() < 0.5:
            parts.append(" ")
    text = "".join(parts)
    if rng.random() < 0.3:
        text = rng.choice(LABELS) + text
    return text


def turn(start: int, end: int, rng: random.Random, index: int) -> SegmentSpec:
    speaker = rng.choice([None, "Ana", "Interviewer", "R"])
    return SegmentSpec("turn", start, end, speaker, speaker == "Interviewer", index)


def fuzzed_turns(text: str, rng: random.Random) -> list[SegmentSpec]:
    """Turns of many kinds: detected, none, whole text, adjacent with boundaries anywhere
    (inside words, in white space), with gaps, empty, overlapping, unsorted."""
    length = len(text)
    kind = rng.randrange(8)
    if kind == 0:
        return detect_turns(text)
    if kind == 7:  # offsets beyond the text, negative, end before start
        return [
            turn(rng.randint(-5, length + 5), rng.randint(-5, length + 5), rng, i) for i in range(3)
        ]
    if kind == 1:
        return []
    if kind == 2:
        return [turn(0, length, rng, 0)]
    cuts = sorted(rng.randint(0, length) for _ in range(rng.randint(1, 12)))
    if kind == 3:  # adjacent turns covering the text
        bounds = [0, *cuts, length]
        return [
            turn(a, b, rng, i) for i, (a, b) in enumerate(zip(bounds[:-1], bounds[1:], strict=True))
        ]
    if kind == 4:  # with gaps (labels between turns), some empty
        pairs = list(zip(cuts[::2], cuts[1::2], strict=False))
        return [turn(a, b, rng, i) for i, (a, b) in enumerate(pairs)]
    turns = []
    for index in range(rng.randint(1, 6)):  # overlapping, in any order
        a = rng.randint(0, length)
        turns.append(turn(a, rng.randint(a, length), rng, index))
    if kind == 6:
        rng.shuffle(turns)
    return turns


@pytest.mark.parametrize("batch_chars", [1, 500, sentences.BATCH_CHARS])
@pytest.mark.parametrize("lang", ["en", "nl"])
def test_fuzzed_texts_and_turns_give_the_same_sentences(
    lang: str, batch_chars: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sentences, "BATCH_CHARS", batch_chars)
    rng = random.Random(20240611 if lang == "en" else 31)
    documents = []
    for _ in range(400):
        text = fuzzed_text(rng)
        documents.append((text, fuzzed_turns(text, rng)))
    documents.append(("", [SegmentSpec("turn", 0, 0)]))
    documents.append(("   \n\t\u00a0", [SegmentSpec("turn", 0, 6)]))
    assert assert_same(documents, lang) > 1000
    for text, turns in documents[:50]:  # and one document at a time
        assert sentence_specs(text, turns, lang) == next(
            reference_sentences_of_documents([(text, turns)], lang)
        )


def test_a_pipeline_run_with_its_components_gives_the_same_sentences(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The branch for a pipeline that is not exactly tokenizer + sentencizer: nlp.pipe."""
    monkeypatch.setattr(sentences, "sentencizer_punct", lambda lang: None)
    monkeypatch.setattr(sys.modules[__name__], "sentencizer_punct", lambda lang: None)
    monkeypatch.setattr(sentences, "BATCH_CHARS", 2000)
    rng = random.Random(8)
    documents = []
    for _ in range(150):
        text = fuzzed_text(rng)
        documents.append((text, fuzzed_turns(text, rng)))
    assert assert_same(documents, "en") > 300


def test_turns_beyond_the_text_or_not_int_give_the_same_sentences() -> None:
    text = "Hello there. How are you? Fine.\n\nAna: Good. (Really.) [laughs"
    beyond: list[Document] = [
        (text, [SegmentSpec("turn", 5, len(text) + 20)]),
        (text, [SegmentSpec("turn", 20, 3), SegmentSpec("turn", 0, 4)]),
        (text, [SegmentSpec("turn", -7, 10)]),
        (text, [SegmentSpec("turn", len(text) + 1, len(text) + 9)]),
        ("", [SegmentSpec("turn", -3, 5)]),
        (text, [SegmentSpec("turn", -9, -2), SegmentSpec("turn", 30, len(text) + 1)]),
        (text, [SegmentSpec("turn", numpy.int64(3), numpy.int32(40))]),
        (text[:9], [SegmentSpec("turn", 2, 400)]),
    ]
    assert_same(beyond, "en")  # integers: one batch
    not_int: list[Document] = [
        *beyond,
        (text, [SegmentSpec("turn", 30, 2**70)]),
        (text, [SegmentSpec("turn", False, True), SegmentSpec("turn", True, 40)]),  # type: ignore[arg-type]
        *beyond,
    ]
    assert_same(not_int, "en")  # document by document
    with pytest.raises(TypeError):
        list(sentences_of_documents([(text, [SegmentSpec("turn", 2.0, 9)])], "en"))  # type: ignore[arg-type]


def test_openers_move_as_before() -> None:
    texts = [
        "Hij woonde er. (Toen niet.) En daarna. [Lacht] Nou. “Ja.” Zo ging het leven. [",
        "Yes. ( Really. [ « Non. » „Ja.” ‘Quote.’ { x. ((( Double. \u00a0( Space.",
        "End. (\n\n(Next.) A. [\u2003 B.",
    ]
    documents = [(text, [SegmentSpec("turn", 0, len(text))]) for text in texts]
    documents += [(text, detect_turns(text)) for text in texts]
    assert_same(documents, "en")
    assert_same(documents, "nl")


# --- The array helpers on arbitrary sentence starts ------------------------------------------


def test_cutting_arbitrary_sentence_starts_equals_the_reference() -> None:
    """``cut_batch`` (openers moved, clipped, stripped) against the reference helpers for
    random sentence starts, so also starts the sentencizer never gives (an opener alone at a
    start), one document at a time and many in a batch."""
    rng = random.Random(5)
    alphabet = ["a", "b", " ", " ", "\t", "\n", "\u00a0", "\u2003", "(", "[", "“", "«", "."]
    cases = []
    for _ in range(1500):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        cuts = sorted(rng.sample(range(1, len(text)), rng.randint(0, max(len(text) - 1, 0))))
        starts = [0, *cuts] if rng.random() < 0.8 else cuts
        turns = fuzzed_turns(text, rng)
        bounds = [*([0] if not starts or starts[0] != 0 else []), *starts, len(text)]
        spans = list(zip(bounds[:-1], bounds[1:], strict=True))
        expected = reference_clip(text, reference_move_openers(text, spans), turns)
        cases.append((text, turns, starts, expected))
    groups = [[case] for case in cases[:300]]
    groups += [cases[start : start + 40] for start in range(0, len(cases), 40)]
    for group in groups:
        items = [
            sentence_arrays.Item(text, turns, None, numpy.array(starts, dtype=numpy.int64))
            if turns
            else sentence_arrays.Item("", (), None, None)
            for text, turns, starts, _ in group
        ]
        got = []
        for batch in sentence_arrays.cut_batch(items, None, None):
            for index in range(len(batch.splits) - 1):
                part = slice(batch.splits[index], batch.splits[index + 1])
                found = [batch.turns[i].turn_index for i in batch.owners[part].tolist()]
                got.append((batch.bounds[part].tolist(), found))
        for (text, turns, starts, expected), (bounds, indices) in zip(group, got, strict=True):
            assert bounds == [[s.start, s.end] for s in expected], (text, starts, turns)
            assert indices == [s.turn_index for s in expected]


def test_the_white_space_table_is_str_isspace() -> None:
    solid, opener = sentence_arrays.char_tables()
    every = [code for code in range(sys.maxunicode + 1) if chr(code).isspace()]
    assert max(every) == sentence_arrays.LAST_SPACE
    assert numpy.flatnonzero(~solid).tolist() == every
    assert solid[-1] and not opener[-1]
    assert "".join(sorted(chr(c) for c in numpy.flatnonzero(opener))) == "".join(sorted(OPENERS))
    codes = sentence_arrays.code_points("a\u00e9\u3000\U0001f600\ud800 b")
    assert codes.tolist() == [0x61, 0xE9, 0x3000, 0x1F600, 0xD800, 0x20, 0x62]
    assert sentence_arrays.code_points("ab c").tolist() == [0x61, 0x62, 0x20, 0x63]


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_the_hash_table_finds_exactly_the_punct_chars(lang: str) -> None:
    punct = sentencizer_punct(lang)
    assert punct is not None
    table = sentence_arrays.hash_table(punct.tobytes())
    assert table is not None and len(table) <= 1 << sentence_arrays.MAX_TABLE_BITS
    rng = numpy.random.default_rng(3)
    values = numpy.concatenate(
        (punct, rng.integers(0, 2**64, 100_000, dtype=numpy.uint64), punct ^ numpy.uint64(1))
    )
    strings = pipeline(lang).vocab.strings
    values = numpy.concatenate(
        (values, numpy.array([strings.add(w) for w in WORDS + MARKS], dtype=numpy.uint64))
    )
    assert (sentence_arrays.members(values, punct) == numpy.isin(values, punct)).all()
    few = punct[:1]
    assert (sentence_arrays.members(values, few) == numpy.isin(values, few)).all()
    assert not sentence_arrays.members(values, punct[:0]).any()
