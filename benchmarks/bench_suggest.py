"""Benchmark: suggestion throughput against spaCy's blank tokenizer in the same run.

Generates an English corpus of respondent sentences (default 1,000,000 words) in which a few
sentences carry a cue phrase of the ICVC codebook (some inflected, as people say them), and
measures, in rounds that alternate the three so a change of load hits all of them:

* baseline: ``spacy.blank("en")`` tokenising the same sentence texts with ``nlp.pipe``;
* cues only: qualcope's suggestion generation (``nlp.generate.generate``) with the codebook's
  cue phrases of every code expanded into their inflected forms, the learnt cue precisions and
  the candidates with their reasons (everything ``qualcope suggest`` does except reading and
  writing the project);
* cues + classifier: the same with the bag-of-words classifier trained on 2,000 labelled
  segments (its training time is reported too).

Each phase builds its pipeline inside the clock (the cue expansion is part of the work).
Peak RSS is the process's maximum resident size after each phase.

    python benchmarks/bench_suggest.py                    # 1,000,000 words, 3 rounds
    python benchmarks/bench_suggest.py --words 50000 --rounds 1    # quick

Targets: cues only >= 50% of the baseline's words/second; cues + classifier >= 20%.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qualcope.interchange.codebook_yaml import read_codebook_yaml  # noqa: E402
from qualcope.nlp.corpus import Codebook, Corpus, train_model  # noqa: E402
from qualcope.nlp.generate import Done, generate  # noqa: E402
from qualcope.nlp.results import Unit  # noqa: E402
from qualcope.nlp.training import SpanLabel  # noqa: E402

TARGETS = {"cues only": 0.5, "cues + classifier": 0.2}
VOCABULARY = (
    "we the city volunteers neighbourhood meeting residents rules budget time people "
    "because but and so then really never always the council care service quality "
    "everyone inclusion waited wrote coming together slowly money report nurse "
    "coordinator project plan street school children traffic space building users I it "
    "was were had they them said thought about with for of in on at to a an that this"
).split()
INFLECT = {"stop": "stopped", "go": "went", "drop": "dropped", "have": "had", "make": "made"}
SENTENCES_PER_DOCUMENT = 200


def codebook() -> Codebook:
    spec = read_codebook_yaml(ROOT / "codebooks" / "icvc.yaml")
    book = Codebook()
    for index, (path, code) in enumerate(spec.walk(), start=1):
        if code.kind == "group":
            continue
        book.paths[index] = path
        book.cues[index] = {lang: tuple(p) for lang, p in code.cues.items()}
        book.examples[index] = code.example
    return book


def sentence(rng: random.Random, book: Codebook) -> tuple[str, int | None]:
    words = [rng.choice(VOCABULARY) for _ in range(rng.randint(8, 20))]
    code = None
    if rng.random() < 0.06:
        code = rng.choice([c for c in book.paths if book.cues[c].get("en")])
        cue = rng.choice(book.cues[code]["en"]).split()
        cue = [INFLECT.get(w, w) if rng.random() < 0.5 else w for w in cue]
        at = rng.randrange(len(words))
        words[at:at] = cue
    return " ".join(words).capitalize() + ".", code


def corpus(words: int, book: Codebook, seed: int = 5) -> tuple[Corpus, dict[int, int | None]]:
    """A corpus of about ``words`` words; also the code each unit's cue came from."""
    rng = random.Random(seed)
    out = Corpus()
    truth: dict[int, int | None] = {}
    total = 0
    doc = 0
    while total < words:
        doc += 1
        out.languages[doc] = "en"
        units, position = [], 0
        for _ in range(SENTENCES_PER_DOCUMENT):
            text, code = sentence(rng, book)
            units.append(Unit(doc, None, position, position + len(text), text))
            truth[id(units[-1])] = code
            position += len(text) + 1
            total += len(text.split())
        out.units[doc] = units
    return out, truth


def labelled(book: Codebook, segments: int) -> Corpus:
    """``segments`` finished, coded sentences: the cue's code is the analyst's code, mostly."""
    rng = random.Random(11)
    data = Corpus()
    for index in range(segments):
        doc = 100_000 + index // SENTENCES_PER_DOCUMENT
        data.languages[doc] = "en"
        text, code = sentence(rng, book)
        if code is None and rng.random() < 0.03:  # a coded segment without a cue
            code = rng.choice(list(book.paths))
        units = data.units.setdefault(doc, [])
        start = units[-1].end + 1 if units else 0
        units.append(Unit(doc, None, start, start + len(text), text))
        if code is not None and rng.random() < 0.8:  # analysts disagree with some cues
            data.codings.append(SpanLabel(doc, start, start + len(text), code))
        data.finished.add(doc)
    return data


def baseline(texts: list[str]) -> float:
    import spacy

    began = time.perf_counter()
    nlp = spacy.blank("en")
    for _ in nlp.pipe(texts, batch_size=512):
        pass
    return time.perf_counter() - began


def suggestions(book: Codebook, data: Corpus, models: dict) -> tuple[float, int]:
    began = time.perf_counter()
    result = generate(book, data, sorted(data.languages), set(book.paths), models, Done({}, set()))
    assert result is not None
    return time.perf_counter() - began, len(result[0])


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--words", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--train", type=int, default=2000, help="labelled segments to train on")
    args = parser.parse_args()

    book = codebook()
    data, _ = corpus(args.words, book)
    texts = [u.text for units in data.units.values() for u in units]
    words = sum(len(t.split()) for t in texts)
    print(f"corpus: {words:,} words, {len(texts):,} sentences, {len(book.paths)} codes")
    import spacy

    spacy.blank("en")  # imports, not the tokenizer, stay outside the clock
    memory = {"start": peak_mb()}

    training = labelled(book, args.train)
    # The labelled documents are part of the corpus the cue precisions are learnt from.
    scored = Corpus(
        {**data.languages, **training.languages},
        {**data.units, **training.units},
        training.codings,
        finished=training.finished,
    )
    began = time.perf_counter()
    model = train_model("en", book, scored)
    train_seconds = time.perf_counter() - began
    assert model is not None
    memory["training"] = peak_mb()
    print(
        f"training: {args.train:,} labelled segments, {len(model.meta['labels'])} codes, "
        f"{model.meta['examples']:,} examples: {train_seconds:.2f} s "
        f"(model {len(model.data) / 1e6:.1f} MB)"
    )

    times: dict[str, list[float]] = {"baseline": [], "cues only": [], "cues + classifier": []}
    found: dict[str, int] = {}
    only_corpus = Corpus(data.languages, data.units, training.codings, finished=training.finished)
    for round_ in range(args.rounds):
        times["baseline"].append(baseline(texts))
        seconds, found["cues only"] = suggestions(book, only_corpus, {})
        times["cues only"].append(seconds)
        memory["cues only"] = peak_mb()
        seconds, found["cues + classifier"] = suggestions(book, only_corpus, {"en": model.nlp})
        times["cues + classifier"].append(seconds)
        memory["cues + classifier"] = peak_mb()
        print(f"round {round_ + 1}: " + ", ".join(f"{k} {v[-1]:.2f} s" for k, v in times.items()))

    base = words / statistics.median(times["baseline"])
    print(f"\nbaseline (spacy.blank + nlp.pipe): {base:,.0f} words/s")
    failed = False
    for name, target in TARGETS.items():
        rate = words / statistics.median(times[name])
        ratio = rate / base
        ok = ratio >= target
        failed |= not ok
        print(
            f"{name}: {rate:,.0f} words/s = {ratio:.0%} of the baseline "
            f"(target >= {target:.0%}: {'met' if ok else 'MISSED'}); "
            f"{found[name]:,} suggestions"
        )
    print("peak RSS: " + ", ".join(f"{phase} {mb:,.0f} MB" for phase, mb in memory.items()))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
