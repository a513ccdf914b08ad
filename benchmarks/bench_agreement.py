"""Benchmark: `qualcope agreement` for 2 coders over 1M words, sentence units, 300 codes.

Generates a project (a codebook of 300 codes in 30 groups; interviews of 40 turns with three
12-word sentences each, about 1M words; two coders who code about a third of the respondent
sentences, the second agreeing with the first most of the time; every document finished by
both), then times, in the same run:

* baseline: one SQL query that fetches the coded units agreement is computed from: the two
  coders' codings (coder, code, document, start, end) in the documents both finished (the
  sentences themselves are packed offsets in each document's row, which SQL cannot join);
* agreement: ``services.agreement.agreement`` with every metric, per code and pooled (scope,
  units, codings, presence per code and coder, four coefficients for 301 rows).

It checks the units each coder applied each code to against a plain Python count (sentence by
sentence, not timed).

    python benchmarks/bench_agreement.py                 # 1M words (about a minute)
    python benchmarks/bench_agreement.py --documents 70  # quick

Target: agreement / baseline <= 3x.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import insert, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qualcope.db.models import Code, Coder, Coding, Document, DocumentStatus, Segment  # noqa: E402
from qualcope.domain import CodebookSpec, CodeSpec  # noqa: E402
from qualcope.sentence_bounds import pack, unpack  # noqa: E402
from qualcope.services import codebook  # noqa: E402
from qualcope.services.agreement import agreement  # noqa: E402
from qualcope.services.project import Project  # noqa: E402

TARGET = 3.0
WORDS = (
    "we tried to reach everybody in the neighbourhood but the rules of the municipality "
    "made it slow and in the end some volunteers just stopped coming to the meetings"
).split()
BASELINE = """
SELECT c.coder_id, c.code_id, c.document_id, c.start, c."end"
FROM codings c
JOIN document_status a ON a.document_id = c.document_id AND a.coder_id = :a AND a.finished
JOIN document_status b ON b.document_id = c.document_id AND b.coder_id = :b AND b.finished
WHERE c.coder_id IN (:a, :b)
"""


def generate(path: Path, n_documents: int, seed: int = 7) -> int:
    """Build the project; returns the number of words of transcript text."""
    rng = random.Random(seed)
    project = Project.create(path, "bench")
    spec = CodebookSpec(
        name="bench",
        codes=tuple(
            CodeSpec(
                name=f"group {g}",
                kind="group",
                children=tuple(CodeSpec(name=f"code {g}.{c}") for c in range(10)),
            )
            for g in range(30)
        ),
    )
    codebook.import_codebook(project, spec)
    words = 0
    with project.engine.begin() as conn:
        conn.execute(insert(Coder), [{"name": "A"}, {"name": "B"}])
        named = dict(conn.execute(select(Coder.name, Coder.id)).all())
        coder_a, coder_b = named["A"], named["B"]
        leaves = list(conn.scalars(select(Code.id).where(Code.kind == "code")))
        codings: list[dict[str, object]] = []
        statuses: list[dict[str, object]] = []
        for d in range(n_documents):
            body, segments, sentences = "", [], []
            for t in range(40):
                interviewer = t % 2 == 0
                start = len(body)
                body += "I: " if interviewer else "R: "
                spans = []
                for _ in range(3):
                    s_start = len(body)
                    body += " ".join(rng.choices(WORDS, k=12)) + ". "
                    spans.append((s_start, len(body) - 1))
                segments.append(("turn", start, len(body), interviewer, t))
                sentences.extend((s, e, interviewer) for s, e in spans)
                body += "\n"
            words += len(body.split())
            doc_id = conn.execute(
                insert(Document).returning(Document.id),
                {
                    "name": f"interview-{d:04d}.txt",
                    "content_hash": f"h{d}",
                    "text": body,
                    "sentence_bounds": pack((s, e) for s, e, _ in sentences),
                },
            ).scalar_one()
            conn.execute(
                insert(Segment),
                [
                    {
                        "document_id": doc_id,
                        "kind": kind,
                        "start": s,
                        "end": e,
                        "is_interviewer": interviewer,
                        "turn_index": index,
                    }
                    for kind, s, e, interviewer, index in segments
                ],
            )
            for s, e, interviewer in sentences:
                if interviewer or rng.random() > 0.33:
                    continue
                code = rng.choice(leaves)
                mine = [(coder_a, code)]
                roll = rng.random()
                if roll < 0.75:
                    mine.append((coder_b, code))  # agrees
                elif roll < 0.9:
                    mine.append((coder_b, rng.choice(leaves)))  # another code
                for coder, chosen in mine:  # (else B missed it)
                    codings.append(
                        {
                            "document_id": doc_id,
                            "start": s + 3,
                            "end": e,
                            "snippet": body[s + 3 : e][:300],
                            "code_id": chosen,
                            "coder_id": coder,
                        }
                    )
            statuses += [
                {"document_id": doc_id, "coder_id": c, "finished": True} for c in (coder_a, coder_b)
            ]
        conn.execute(insert(Coding), codings)
        conn.execute(insert(DocumentStatus), statuses)
    project.close()
    return words


def timed(func, repeat: int = 3) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=700)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        started = time.perf_counter()
        words = generate(path, args.documents)
        print(
            f"generated {args.documents:,} documents, {words:,} words, "
            f"in {time.perf_counter() - started:.1f} s"
        )
        project = Project.open(path, "bench")
        with project.read() as session:
            ids = dict(session.execute(select(Coder.name, Coder.id)).all())

        def sql() -> list[tuple]:
            with project.engine.connect() as conn:
                return list(conn.execute(text(BASELINE), {"a": ids["A"], "b": ids["B"]}))

        def ours():
            return agreement(project, coders=["A", "B"])

        ours()  # warm imports and the page cache for both
        t_sql, rows = timed(sql, args.repeat)
        t_ours, result = timed(ours, args.repeat)
        check(project, rows, result, ids)
        ratio = t_ours / t_sql
        pooled = result.rows[-1]
        alpha = next(v.value for v in pooled.values if v.metric == "krippendorff")
        print(f"one SQL query of the coded units: {t_sql:.3f} s ({len(rows):,} rows)")
        print(
            f"agreement ({len(result.rows) - 1} codes + pooled, {result.units:,} sentences, "
            f"4 metrics): {t_ours:.3f} s; pooled alpha {alpha:.3f}"
        )
        print(f"ratio: {ratio:.2f}x (target <= {TARGET:g}x) {'OK' if ratio <= TARGET else 'OVER'}")
        project.close()
        return 0 if ratio <= TARGET else 1


def check(project: Project, rows: list[tuple], result, ids: dict[str, int]) -> None:
    """Each coder's units per code equal a plain count: respondent sentences a coding of the
    code overlaps, in the documents both finished."""
    with project.read() as session:
        paths = {
            c.id: p for c, p, _ in codebook.codetree.ordered(codebook.codetree.all_codes(session))
        }
        bounds = dict(session.execute(select(Document.id, Document.sentence_bounds)).all())
        turns = {}
        for doc, start, end, interviewer in session.execute(
            select(Segment.document_id, Segment.start, Segment.end, Segment.is_interviewer)
        ):
            turns.setdefault(doc, []).append((start, end, interviewer))
    spans = {doc: unpack(blob) for doc, blob in bounds.items()}
    covered: set[tuple[int, int, int, int]] = set()
    for coder, code, doc, start, end in rows:
        for s, e in spans[doc]:
            said_by_interviewer = any(a <= s < b and i for a, b, i in turns[doc])
            if s < end and e > start and not said_by_interviewer:
                covered.add((coder, code, doc, s))
    expected = Counter((coder, code) for coder, code, _, _ in covered)
    by_path = {row.label: row for row in result.rows}
    for (coder, code), count in expected.items():
        column = 0 if coder == ids["A"] else 1
        assert by_path[paths[code]].applied[column] == count, (paths[code], coder)
    assert sum(expected.values()) == sum(result.rows[-1].applied)


if __name__ == "__main__":
    sys.exit(main())
