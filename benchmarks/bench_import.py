"""Benchmark: `qualcope import` of a generated corpus against a spaCy baseline in the same run.

Generates interview transcripts (.txt, ``Interviewer:``/``Respondent:`` turns; default
1,000,000 words in 500 files), then measures, each in its own child process so that peak
memory is per phase:

* baseline: read every file and run the same blank spaCy pipeline (``spacy.blank("en")`` +
  sentencizer) over the texts with ``nlp.pipe``, counting sentences;
* qualcope: ``import_paths`` of the folder into a new project (checks, decoding,
  normalisation, turn detection, sentence segmentation, storage, one transaction per file),
  as ``qualcope import`` runs it: on Linux with more than one core, forked worker processes
  prepare files while the importer stores them;
* qualcope in one process (``QUALCOPE_IMPORT_WORKERS=0``), for comparison.

All phases load spaCy and build the pipeline before the clock starts. The baseline runs
before and after the imports and the faster of the two counts (the stricter comparison).
Peak RSS of an import counts its worker processes too (the larger of the two).

    python benchmarks/bench_import.py                          # 1,000,000 words, 500 files
    python benchmarks/bench_import.py --words 50000 --files 25 # quick

Target: qualcope's words/second >= 50% of the baseline's; peak RSS flat in corpus size
(compare the figures of a small and a large run).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TARGET = 0.5
QUESTIONS = (
    "How did you get involved?",
    "What did you expect from the professionals?",
    "Can you give an example of that?",
    "How did you deal with it?",
    "What happened after that meeting?",
    "Who decided in the end?",
)
VOCABULARY = (
    "we the city volunteers neighbourhood meeting residents rules budget time people "
    "because but and so then really never always the council alderman care service quality "
    "everyone inclusion decided waited wrote stopped coming together slowly money report "
    "nurse coordinator project plan street school children traffic space building users"
).split()


def generate(folder: Path, words: int, files: int, seed: int = 3) -> int:
    """Write ``files`` transcripts of about ``words / files`` words; returns the word count."""
    rng = random.Random(seed)
    per_file = max(words // files, 20)
    total = 0
    for index in range(files):
        parts: list[str] = []
        count = 0
        while count < per_file:
            question = rng.choice(QUESTIONS)
            sentences = []
            for _ in range(rng.randint(2, 7)):
                body = " ".join(rng.choice(VOCABULARY) for _ in range(rng.randint(6, 18)))
                sentences.append(body[0].upper() + body[1:] + rng.choice(".!?.."))
            answer = " ".join(sentences)
            parts.append(f"Interviewer: {question}\n\nRespondent: {answer}")
            count += len(question.split()) + len(answer.split()) + 2
        text = "\n\n".join(parts) + "\n"
        (folder / f"interview_{index:04d}.txt").write_text(text, encoding="utf-8")
        total += len(text.split())
    return total


def peak_rss_mb() -> float:
    """The larger peak RSS of this process and of any child (Linux reports KiB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def phase_baseline(folder: Path) -> dict[str, float]:
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp("Warm up. The tokenizer.")
    began = time.perf_counter()
    texts = [path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.txt"))]
    sentences = 0
    for doc in nlp.pipe(texts):
        sentences += sum(1 for _ in doc.sents)
    seconds = time.perf_counter() - began
    return {"seconds": seconds, "sentences": sentences, "rss_mb": peak_rss_mb()}


def phase_import(folder: Path, database: Path) -> dict[str, float]:
    sys.path.insert(0, str(ROOT))
    from qualcope.ingest.manifest import ImportItem
    from qualcope.ingest.prepare import worker_count
    from qualcope.nlp.sentences import pipeline
    from qualcope.services import importing
    from qualcope.services.importing import import_paths
    from qualcope.services.project import Project

    # Time the two halves: preparing (read, turns, spaCy) and storing (one transaction a file).
    storing = [0.0]
    store = importing.store_prepared

    def timed_store(*args: Any, **kwargs: Any) -> Any:
        began = time.perf_counter()
        try:
            return store(*args, **kwargs)
        finally:
            storing[0] += time.perf_counter() - began

    importing.store_prepared = timed_store  # type: ignore[assignment]
    pipeline("en")("Warm up. The tokenizer.")
    project = Project.create(database, "bench")
    try:
        began = time.perf_counter()
        report = import_paths(project, [folder], lang="en")
        seconds = time.perf_counter() - began
    finally:
        project.close()
    if report.failed:
        raise SystemExit(f"import failed: {report.failed[0].path}: {report.failed[0].message}")
    sentences = sum(o.sentences for o in report.imported)
    items = [ImportItem(path) for path in sorted(folder.glob("*.txt"))]
    return {
        "seconds": seconds,
        "workers": worker_count(items),
        "store_seconds": storing[0],
        "sentences": sentences,
        "files": len(report.imported),
        "rss_mb": peak_rss_mb(),
        "db_mb": database.stat().st_size / 2**20,
    }


def run_phase(*args: str, workers: str | None = None) -> dict[str, float]:
    environment = dict(os.environ)
    environment.pop("QUALCOPE_IMPORT_WORKERS", None)
    if workers is not None:
        environment["QUALCOPE_IMPORT_WORKERS"] = workers
    out = subprocess.run(
        [sys.executable, __file__, "--phase", *args],
        check=True,
        capture_output=True,
        text=True,
        env=environment,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--words", type=int, default=1_000_000, help="corpus size in words")
    parser.add_argument("--files", type=int, default=500, help="number of transcripts")
    parser.add_argument("--phase", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:  # a child process: one phase, JSON on stdout
        name, *rest = args.phase
        if name == "baseline":
            result = phase_baseline(Path(rest[0]))
        else:
            result = phase_import(Path(rest[0]), Path(rest[1]))
        print(json.dumps(result))
        return 0

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        folder.mkdir()
        words = generate(folder, args.words, args.files)
        print(f"corpus: {words:,} words in {args.files} files ({folder})")
        first = run_phase("baseline", str(folder))
        imported = run_phase("import", str(folder), str(Path(tmp) / "bench.db"))
        alone = run_phase("import", str(folder), str(Path(tmp) / "alone.db"), workers="0")
        second = run_phase("baseline", str(folder))
    baseline = min(first, second, key=lambda r: r["seconds"])
    base_rate = words / baseline["seconds"]
    import_rate = words / imported["seconds"]
    ratio = import_rate / base_rate
    print(
        f"baseline (read + blank en + sentencizer, nlp.pipe): {base_rate:>10,.0f} words/s "
        f"({baseline['seconds']:.2f} s, {int(baseline['sentences']):,} sentences, "
        f"peak RSS {baseline['rss_mb']:.0f} MB)"
    )
    for label, run in (("qualcope import", imported), ("qualcope import, one process", alone)):
        rate = words / run["seconds"]
        print(
            f"{label + ':':<51}{rate:>10,.0f} words/s "
            f"({run['seconds']:.2f} s, {int(run['sentences']):,} sentences, "
            f"peak RSS {run['rss_mb']:.0f} MB, project {run['db_mb']:.0f} MB)"
        )
        stored = run["store_seconds"]
        workers = int(run["workers"])
        where = f"{workers} worker process{'es' if workers != 1 else ''}" if workers else "here"
        print(
            f"  preparing ({where}: read, normalise, turns, sentences) and storing "
            f"({int(run['files'])} transactions): storing {stored:.2f} s, "
            f"the rest {run['seconds'] - stored:.2f} s"
        )
    print(f"one process: {(words / alone['seconds']) / base_rate:.2f} of the baseline")
    verdict = "meets" if ratio >= TARGET else "MISSES"
    print(f"ratio: {ratio:.2f} of the baseline ({verdict} the target of {TARGET:.2f})")
    return 0 if ratio >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
