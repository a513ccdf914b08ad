"""Benchmark: `qualcope import folder/` as a user runs it, start-up included.

A user imports 20-100 files at a time, so the fixed costs of a command (starting Python,
loading spaCy, SQLAlchemy and Alembic, opening the project) weigh as much as the words.
This measures whole processes, wall clock from start to exit, on the same generated corpus
(default 28 transcripts, 200,000 words, `bench_import.generate`):

* baseline: a fresh `python` that imports spaCy, builds `spacy.blank("en")` + sentencizer,
  reads every file and runs `nlp.pipe` over the texts, counting sentences;
* qualcope: `qualcope --db NEW.db import folder/ --lang en` into a new, empty project
  (made with `qualcope init` beforehand, untimed: a study does that once).

Each is run ``--repeat`` times alternately (the machines are noisy); the medians count.

    python benchmarks/bench_import_cli.py                  # 28 files, 200,000 words
    python benchmarks/bench_import_cli.py --files 100 --words 1000000

Target: qualcope's words/second >= 25% of the baseline's (a ratio of times).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGET = 0.25
BASELINE = """
import sys
from pathlib import Path
import spacy
nlp = spacy.blank("en")
nlp.add_pipe("sentencizer")
texts = [p.read_text(encoding="utf-8") for p in sorted(Path(sys.argv[1]).glob("*.txt"))]
print(sum(sum(1 for _ in doc.sents) for doc in nlp.pipe(texts)))
"""


def qualcope_command() -> list[str]:
    found = shutil.which("qualcope", path=str(Path(sys.executable).parent)) or shutil.which(
        "qualcope"
    )
    return [found] if found else [sys.executable, "-c", "from qualcope.cli import main; main()"]


def timed(command: list[str]) -> float:
    environment = dict(os.environ)
    environment.pop("QUALCOPE_DB", None)
    began = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=environment)
    return time.perf_counter() - began


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--words", type=int, default=200_000)
    parser.add_argument("--files", type=int, default=28)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    from bench_import import generate

    baseline_times: list[float] = []
    qualcope_times: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        folder.mkdir()
        words = generate(folder, args.words, args.files)
        print(f"corpus: {words:,} words in {args.files} files")
        for run in range(args.repeat):
            baseline_times.append(timed([sys.executable, "-c", BASELINE, str(folder)]))
            database = Path(tmp) / f"run{run}.db"
            subprocess.run(
                [*qualcope_command(), "--db", str(database), "init"],
                check=True,
                capture_output=True,
            )  # once per study, not timed
            command = [*qualcope_command(), "--db", str(database), "import", str(folder)]
            qualcope_times.append(timed([*command, "--lang", "en"]))
    baseline = statistics.median(baseline_times)
    qualcope = statistics.median(qualcope_times)
    print(
        f"baseline (python + spaCy load + read + blank en + sentencizer): {baseline:.2f} s "
        f"({words / baseline:,.0f} words/s; runs {', '.join(f'{t:.2f}' for t in baseline_times)})"
    )
    print(
        f"qualcope import (the CLI, a new project):                       {qualcope:.2f} s "
        f"({words / qualcope:,.0f} words/s; runs {', '.join(f'{t:.2f}' for t in qualcope_times)})"
    )
    ratio = baseline / qualcope
    verdict = "meets" if ratio >= TARGET else "MISSES"
    print(f"ratio: {ratio:.2f} of the baseline ({verdict} the target of {TARGET:.2f})")
    return 0 if ratio >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
