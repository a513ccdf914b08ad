"""Benchmark: `report crosstab --rows code --cols role --by case --unit participants`.

Generates a project (ICVC codebook, 1,000 interviews with speaker turns and
sentences, 200,000 codings by three coders, some in interviewer turns), then
times the reporter against one hand-written SQL GROUP BY that computes the same
per-case cells (code tree closure by a recursive CTE, interviewer turns left
out), in the same run, and checks both give the same numbers.

    python benchmarks/bench_report.py                 # 200,000 codings (about a minute)
    python benchmarks/bench_report.py --codings 20000 # quick

Target: reporter / SQL <= 3x; peak Python memory of the report proportional to
the result (it never reads document texts).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from sqlalchemy import insert, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qualcope.db.models import Case, Code, Coder, Coding, Document, Participant, Segment  # noqa: E402
from qualcope.domain import DEFAULT_ROLES  # noqa: E402
from qualcope.report.model import CrosstabRequest  # noqa: E402
from qualcope.services import codebook, reports  # noqa: E402
from qualcope.services.project import Project  # noqa: E402

CASES = ("social elderly care", "urban mobility planning", "temporary use of vacant spaces")
WORDS = (
    "we tried to reach everybody in the neighbourhood but the rules of the municipality "
    "made it slow and in the end some volunteers just stopped coming to the meetings"
).split()

BASELINE = """
WITH RECURSIVE closure(ancestor, code) AS (
    SELECT id, id FROM codes
    UNION ALL
    SELECT closure.ancestor, codes.id FROM closure JOIN codes ON codes.parent_id = closure.code
),
kept AS (
    SELECT c.code_id AS code_id, d.participant_id AS participant_id, p.role AS role,
           COALESCE(d.case_id, p.case_id) AS case_id
    FROM codings c
    JOIN documents d ON d.id = c.document_id
    LEFT JOIN participants p ON p.id = d.participant_id
    LEFT JOIN segments t ON t.id = (
        SELECT s.id FROM segments s
        WHERE s.document_id = c.document_id AND s.kind = 'turn'
          AND s.start <= c.start AND s."end" > c.start
        ORDER BY s.start DESC LIMIT 1)
    WHERE t.id IS NULL OR NOT t.is_interviewer OR c."end" > t."end"
)
SELECT k.case_id, cl.ancestor, k.role, COUNT(DISTINCT k.participant_id)
FROM kept k JOIN closure cl ON cl.code = k.code_id
GROUP BY k.case_id, cl.ancestor, k.role
"""
# The plain GROUP BY the reporter itself starts from (no code tree, no distinct counting).
PLAIN = """
WITH kept AS (
    SELECT c.code_id AS code_id, d.participant_id AS participant_id, p.role AS role,
           COALESCE(d.case_id, p.case_id) AS case_id
    FROM codings c
    JOIN documents d ON d.id = c.document_id
    LEFT JOIN participants p ON p.id = d.participant_id
    LEFT JOIN segments t ON t.id = (
        SELECT s.id FROM segments s
        WHERE s.document_id = c.document_id AND s.kind = 'turn'
          AND s.start <= c.start AND s."end" > c.start
        ORDER BY s.start DESC LIMIT 1)
    WHERE t.id IS NULL OR NOT t.is_interviewer OR c."end" > t."end"
)
SELECT code_id, role, case_id, participant_id, COUNT(*) FROM kept
GROUP BY code_id, role, case_id, participant_id
"""


def generate(path: Path, n_codings: int, n_documents: int, seed: int = 7) -> int:
    """Build the project; returns the number of characters of transcript text."""
    rng = random.Random(seed)
    project = Project.create(path, "bench")
    codebook.import_codebook(project, codebook.read_codebook_file(ROOT / "codebooks/icvc.yaml"))
    chars = 0
    with project.engine.begin() as conn:
        conn.execute(insert(Coder), [{"name": f"coder{i}"} for i in range(3)])
        coders = list(conn.scalars(select(Coder.id)))
        conn.execute(insert(Case), [{"name": name} for name in CASES])
        cases = list(conn.scalars(select(Case.id)))
        leaves = list(conn.scalars(select(Code.id).where(Code.kind == "code")))
        conn.execute(
            insert(Participant),
            [
                {"label": f"P{i:04d}", "role": DEFAULT_ROLES[i % 3], "case_id": cases[i % 3]}
                for i in range(n_documents)
            ],
        )
        people = list(conn.scalars(select(Participant.id).order_by(Participant.id)))
        per_doc = max(1, n_codings // n_documents)
        codings: list[dict[str, object]] = []
        for d in range(n_documents):
            turns, body, sentences = [], "", []
            for t in range(40):
                interviewer = t % 2 == 0
                start = len(body)
                body += "I: " if interviewer else "R: "
                spans = []
                for _ in range(3):
                    s_start = len(body)
                    body += " ".join(rng.choices(WORDS, k=12)) + ". "
                    spans.append((s_start, len(body) - 1))
                turns.append((start, len(body), interviewer, t, spans))
                body += "\n"
                sentences.extend((s, e, interviewer) for s, e in spans)
            chars += len(body)
            doc_id = conn.execute(
                insert(Document).returning(Document.id),
                {
                    "name": f"interview-{d:04d}.txt",
                    "content_hash": f"h{d}",
                    "text": body,
                    "participant_id": people[d],
                    "case_id": cases[d % 3],
                    "word_count": len(body.split()),
                },
            ).scalar_one()
            rows = []
            for start, end, interviewer, index, spans in turns:
                rows.append(
                    {
                        "document_id": doc_id,
                        "kind": "turn",
                        "start": start,
                        "end": end,
                        "is_interviewer": interviewer,
                        "turn_index": index,
                        "parent_id": None,
                    }
                )
                rows.extend(
                    {
                        "document_id": doc_id,
                        "kind": "sentence",
                        "start": s,
                        "end": e,
                        "is_interviewer": interviewer,
                        "turn_index": index,
                        "parent_id": None,
                    }
                    for s, e in spans
                )
            conn.execute(insert(Segment), rows)
            seen: set[tuple[int, int, int, int]] = set()
            while len(seen) < per_doc:
                s, e, _ = rng.choice(sentences)
                key = (s, e, rng.choice(leaves), rng.choice(coders))
                if key in seen:
                    continue
                seen.add(key)
                codings.append(
                    {
                        "document_id": doc_id,
                        "start": key[0],
                        "end": key[1],
                        "snippet": body[key[0] : key[1]][:300],
                        "code_id": key[2],
                        "coder_id": key[3],
                    }
                )
        conn.execute(insert(Coding), codings)
    project.close()
    return chars


def timed(func, repeat: int = 3) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--codings", type=int, default=200_000)
    parser.add_argument("--documents", type=int, default=1_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        started = time.perf_counter()
        chars = generate(path, args.codings, args.documents)
        print(
            f"generated {args.codings:,} codings over {args.documents:,} documents "
            f"({chars / 1e6:.1f} M characters of text) in {time.perf_counter() - started:.1f} s"
        )
        project = Project.open(path, "bench")
        request = CrosstabRequest(rows="code", cols="role", by="case", unit="participants")

        def sql() -> list[tuple]:
            with project.engine.connect() as conn:
                return list(conn.execute(text(BASELINE)))

        def reporter() -> list:
            return reports.crosstab(project, request)

        def plain() -> list[tuple]:
            with project.engine.connect() as conn:
                return list(conn.execute(text(PLAIN)))

        reporter()  # warm the page cache and imports for both
        t_sql, rows = timed(sql)
        t_plain, plain_rows = timed(plain)
        t_rep, tables = timed(reporter)
        tracemalloc.start()
        reporter()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        check(project, rows, tables)
        ratio = t_rep / t_sql
        cells = sum(len(t.rows) * len(t.columns) for t in tables)
        print(f"hand-written SQL GROUP BY: {t_sql:.3f} s ({len(rows):,} groups)")
        print(
            f"plain GROUP BY code, role, case, participant (the reporter's input): "
            f"{t_plain:.3f} s ({len(plain_rows):,} rows)"
        )
        print(f"report crosstab (4 tables, {cells:,} cells with margins): {t_rep:.3f} s")
        print(f"ratio: {ratio:.2f}x (target <= 3x) {'OK' if ratio <= 3 else 'OVER TARGET'}")
        print(f"ratio to the plain GROUP BY: {t_rep / t_plain:.2f}x")
        print(
            f"peak Python memory of one report: {peak / 1e6:.1f} MB "
            f"(document text in the project: {chars / 1e6:.1f} MB)"
        )
        project.close()


def check(project: Project, rows: list[tuple], tables: list) -> None:
    """The reporter's per-case cells equal the hand-written query's."""
    with project.read() as session:
        paths = {
            c.id: p for c, p, _ in reports.codetree.ordered(reports.codetree.all_codes(session))
        }
        case_names = dict(session.execute(select(Case.id, Case.name)).all())
    expected = {(case_names[c], paths[a], r): n for c, a, r, n in rows}
    for table in tables[:-1]:
        case = table.by[1]
        for i, key in enumerate(table.row_keys[:-1]):
            for j, role in enumerate(table.columns[:-1]):
                want = expected.get((case, key["code"], role), 0)
                assert table.counts[i][j] == want, (case, key, role, table.counts[i][j], want)


if __name__ == "__main__":
    main()
