"""Benchmark: co-occurrence, crosstab and plots on a 300-code codebook (30 groups x 10 codes).

Generates a project with ``tests/report/wide_builder.py`` (1,000 interviews of 40 turns
with 3 sentences of 12 words each: about 1.4M words; 200,000 codings by two coders, each
covering one whole sentence, codes drawn with Zipf-like weights), then, in the same run:

- ``reports.cooccurrence`` (within segment, every code and group: a 330 x 330 table)
  against one SQL self-join that counts the same pairs (code tree closure by a recursive
  CTE, distinct sentences); the script checks both give the same numbers;
- ``reports.crosstab`` (code x role by case, participants) against its SQL GROUP BY
  (the query of ``bench_report.py``);
- the peak memory of ``qualcope report plot cooccurrence --top 100`` (the largest heatmap
  allowed) against the full co-occurrence plot of the 36-code ICVC codebook on a project
  generated the same way: maximum RSS of each command in a child process, and the
  ``tracemalloc`` peak of drawing the figure alone.

    python benchmarks/bench_cooccurrence.py                    # 200,000 codings (minutes)
    python benchmarks/bench_cooccurrence.py --codings 20000 --documents 100   # quick

Targets: co-occurrence <= 3x the self-join; crosstab <= 3x its GROUP BY; plot peak
memory <= 2x the 36-code plot's. Exits non-zero when a target is missed.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from sqlalchemy import text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_report import BASELINE  # noqa: E402

from qualcope.report import matrix_limits, plot  # noqa: E402
from qualcope.report.model import CooccurrenceRequest, CrosstabRequest  # noqa: E402
from qualcope.services import codetree, reports  # noqa: E402
from qualcope.services.project import Project  # noqa: E402
from tests.report.wide_builder import generate  # noqa: E402

SELF_JOIN = """
WITH RECURSIVE closure(ancestor, code) AS (
    SELECT id, id FROM codes
    UNION ALL
    SELECT closure.ancestor, codes.id FROM closure JOIN codes ON codes.parent_id = closure.code
),
kept AS (
    SELECT c.document_id AS d, c.start AS s, cl.ancestor AS code
    FROM codings c JOIN closure cl ON cl.code = c.code_id
    GROUP BY c.document_id, c.start, cl.ancestor
)
SELECT a.code, b.code, COUNT(*) FROM kept a JOIN kept b ON a.d = b.d AND a.s = b.s
GROUP BY a.code, b.code
"""


def timed(func, repeat: int = 3) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def max_rss_mb(*args: str) -> float:
    """The peak resident set size (VmHWM) of a child running ``qualcope ARGS``, in MB.

    Read from /proc in the child itself (``ru_maxrss`` would carry the parent's peak over
    the fork on Linux)."""
    code = (
        "import sys; from qualcope.cli import cli\n"
        "try:\n    cli.main(sys.argv[1:], standalone_mode=False)\n"
        "finally:\n"
        "    for line in open('/proc/self/status'):\n"
        "        if line.startswith('VmHWM:'):\n"
        "            print(int(line.split()[1]), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=True
    )
    return int(done.stderr.strip().splitlines()[-1]) / 1024


def figure_peak_mb(project: Project, top: int | None) -> tuple[float, tuple[int, int]]:
    table = reports.cooccurrence(project, CooccurrenceRequest())
    tables = matrix_limits.limit([table], top)
    tracemalloc.start()
    plot.figure_bytes(tables, "png")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1e6, tables[0].shape


def check(project: Project, rows: list[tuple], table) -> None:
    with project.read() as session:
        paths = {c.id: p for c, p, _ in codetree.ordered(codetree.all_codes(session))}
    at = {k["code"]: i for i, k in enumerate(table.row_keys)}
    found = {(paths[a], paths[b]): n for a, b, n in rows}
    for (a, b), n in found.items():
        assert table.counts[at[a]][at[b]] == n, (a, b, table.counts[at[a]][at[b]], n)
    assert sum(map(sum, table.counts)) == sum(found.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--codings", type=int, default=200_000)
    parser.add_argument("--documents", type=int, default=1_000)
    args = parser.parse_args()
    failed = []
    with tempfile.TemporaryDirectory() as folder:
        wide, icvc = Path(folder) / "wide.db", Path(folder) / "icvc.db"
        started = time.perf_counter()
        words = generate(wide, documents=args.documents, codings=args.codings)
        generate(
            icvc,
            documents=args.documents,
            codings=args.codings,
            codebook_file=ROOT / "codebooks/icvc.yaml",
        )
        print(
            f"generated two projects of {args.codings:,} codings over {args.documents:,} "
            f"documents ({words / 1e6:.2f} M words each) in {time.perf_counter() - started:.0f} s"
        )
        project = Project.open(wide, "bench")

        def self_join() -> list[tuple]:
            with project.engine.connect() as conn:
                return list(conn.execute(text(SELF_JOIN)))

        def cooc():
            return reports.cooccurrence(project, CooccurrenceRequest())

        def group_by() -> list[tuple]:
            with project.engine.connect() as conn:
                return list(conn.execute(text(BASELINE)))

        request = CrosstabRequest(rows="code", cols="role", by="case", unit="participants")

        def crosstab():
            return reports.crosstab(project, request)

        cooc()  # warm the page cache and the imports
        t_join, pairs = timed(self_join)
        t_cooc, table = timed(cooc)
        check(project, pairs, table)
        ratio = t_cooc / t_join
        print(f"SQL self-join ({len(pairs):,} pairs): {t_join:.3f} s")
        print(f"report cooccurrence ({table.shape[0]} x {table.shape[1]}): {t_cooc:.3f} s")
        print(f"  ratio {ratio:.2f}x (target <= 3x) {'OK' if ratio <= 3 else 'OVER TARGET'}")
        failed += [] if ratio <= 3 else ["cooccurrence"]
        t_group, _ = timed(group_by)
        t_cross, tables = timed(crosstab)
        ratio = t_cross / t_group
        print(f"SQL GROUP BY (crosstab baseline): {t_group:.3f} s")
        print(f"report crosstab ({len(tables)} tables of {tables[0].shape}): {t_cross:.3f} s")
        print(f"  ratio {ratio:.2f}x (target <= 3x) {'OK' if ratio <= 3 else 'OVER TARGET'}")
        failed += [] if ratio <= 3 else ["crosstab"]

        small_project = Project.open(icvc, "bench")
        peak_small, small_shape = figure_peak_mb(small_project, None)
        peak_wide, wide_shape = figure_peak_mb(project, 100)
        small_project.close()
        project.close()
        out = Path(folder)
        rss_small = max_rss_mb(
            "report", "plot", "cooccurrence", "--db", str(icvc), "-o", str(out / "s.png")
        )
        rss_wide = max_rss_mb(
            "report", "plot", "cooccurrence", "--db", str(wide), "--top", "100",
            "-o", str(out / "w.png"),
        )  # fmt: skip
        refused = subprocess.run(
            [sys.executable, "-m", "qualcope", "report", "plot", "cooccurrence"]
            + ["--db", str(wide), "-o", str(out / "x.png")],
            capture_output=True,
            text=True,
        )
        print(f"ICVC plot ({small_shape[0]} x {small_shape[1]}): max RSS {rss_small:.0f} MB, "
              f"figure tracemalloc peak {peak_small:.1f} MB")  # fmt: skip
        print(f"300-code plot --top 100 ({wide_shape[0]} x {wide_shape[1]}): max RSS "
              f"{rss_wide:.0f} MB, figure tracemalloc peak {peak_wide:.1f} MB")  # fmt: skip
        ratio = rss_wide / rss_small
        print(f"  RSS ratio {ratio:.2f}x (target <= 2x) {'OK' if ratio <= 2 else 'OVER TARGET'}")
        print(f"  tracemalloc ratio {peak_wide / peak_small:.2f}x (for information)")
        failed += [] if ratio <= 2 else ["plot memory"]
        print(f"without --top: exit {refused.returncode}: {refused.stderr.strip()}")
    if failed:
        sys.exit(f"over target: {', '.join(failed)}")


if __name__ == "__main__":
    main()
