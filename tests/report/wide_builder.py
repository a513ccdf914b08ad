"""A generated project with a wide codebook (groups x codes), for scale tests and benchmarks.

``generate(path, groups=30, per_group=10, ...)`` makes ``groups`` groups of ``per_group``
codes each ("Group 07/Code 07.03 ..."), documents of speaker turns (every other one an
interviewer turn) with three sentences each (packed sentence bounds, as an import stores
them), and codings that each cover one whole sentence. Codes are drawn with Zipf-like
weights, so code frequencies differ and "the N most frequent codes" is well defined.
Used by ``tests/report/test_large_codebooks.py``, ``tests/cli/test_report_scale_cli.py``
and ``benchmarks/bench_cooccurrence.py``.
"""

from __future__ import annotations

import random
import tempfile
from pathlib import Path

from sqlalchemy import insert, select

from qualcope import sentence_bounds
from qualcope.db.models import Case, Code, Coder, Coding, Document, Participant, Segment
from qualcope.domain import DEFAULT_ROLES
from qualcope.services import codebook
from qualcope.services.project import Project

CASES = ("social elderly care", "urban mobility planning", "temporary use of vacant spaces")
WORDS = (
    "we tried to reach everybody in the neighbourhood but the rules of the municipality "
    "made it slow and in the end some volunteers just stopped coming to the meetings"
).split()


def code_path(group: int, code: int) -> str:
    return f"Group {group:02d}/Code {group:02d}.{code:02d} with a rather long descriptive name"


def codebook_yaml(groups: int, per_group: int) -> str:
    lines = ["qualcope_codebook: 1", "name: Wide generated codebook", "codes:"]
    for g in range(groups):
        lines += [f"  - name: Group {g:02d}", "    kind: group", "    children:"]
        lines += [f"      - name: {code_path(g, c).split('/')[1]}" for c in range(per_group)]
    return "\n".join(lines) + "\n"


def generate(
    path: Path,
    *,
    groups: int = 30,
    per_group: int = 10,
    documents: int = 30,
    codings: int = 3000,
    turns: int = 40,
    seed: int = 11,
    codebook_file: Path | None = None,
) -> int:
    """Build the project at ``path``; returns the number of words of transcript text."""
    rng = random.Random(seed)
    project = Project.create(path, "wide")
    if codebook_file is None:
        with tempfile.TemporaryDirectory() as folder:
            codebook_file = Path(folder) / "wide.yaml"
            codebook_file.write_text(codebook_yaml(groups, per_group), encoding="utf-8")
            spec = codebook.read_codebook_file(codebook_file)
    else:
        spec = codebook.read_codebook_file(codebook_file)
    codebook.import_codebook(project, spec)
    words = 0
    with project.engine.begin() as conn:
        conn.execute(insert(Coder), [{"name": f"coder{i}"} for i in range(2)])
        coders = list(conn.scalars(select(Coder.id)))
        conn.execute(insert(Case), [{"name": name} for name in CASES])
        cases = list(conn.scalars(select(Case.id)))
        leaves = list(conn.scalars(select(Code.id).where(Code.kind == "code").order_by(Code.id)))
        rng.shuffle(leaves)
        weights = [1.0 / (rank + 3) for rank in range(len(leaves))]
        conn.execute(
            insert(Participant),
            [
                {"label": f"P{i:04d}", "role": DEFAULT_ROLES[i % 3], "case_id": cases[i % 3]}
                for i in range(documents)
            ],
        )
        people = list(conn.scalars(select(Participant.id).order_by(Participant.id)))
        per_doc = max(1, codings // documents)
        rows: list[dict[str, object]] = []
        for d in range(documents):
            body, segments, spoken = "", [], []
            sentences: list[tuple[int, int]] = []
            for t in range(turns):
                interviewer = t % 2 == 0
                start = len(body)
                body += "I: " if interviewer else "R: "
                for _ in range(3):
                    s_start = len(body)
                    body += " ".join(rng.choices(WORDS, k=12)) + ". "
                    sentences.append((s_start, len(body) - 1))
                    if not interviewer:
                        spoken.append(sentences[-1])
                segments.append((start, len(body), interviewer, t))
                body += "\n"
            words += len(body.split())
            doc_id = conn.execute(
                insert(Document).returning(Document.id),
                {
                    "name": f"interview-{d:04d}.txt",
                    "content_hash": f"h{d}",
                    "text": body,
                    "participant_id": people[d],
                    "case_id": cases[d % 3],
                    "word_count": len(body.split()),
                    "sentence_bounds": sentence_bounds.pack(sentences),
                },
            ).scalar_one()
            conn.execute(
                insert(Segment),
                [
                    {
                        "document_id": doc_id,
                        "kind": "turn",
                        "start": s,
                        "end": e,
                        "is_interviewer": i,
                        "turn_index": t,
                        "parent_id": None,
                    }
                    for s, e, i, t in segments
                ],
            )
            seen: set[tuple[int, int, int]] = set()
            limit = min(per_doc, len(spoken) * len(leaves) * len(coders))
            while len(seen) < limit:
                s, e = rng.choice(spoken)
                key = (s, rng.choices(leaves, weights)[0], rng.choice(coders))
                if key in seen:
                    continue
                seen.add(key)
                rows.append(
                    {
                        "document_id": doc_id,
                        "start": s,
                        "end": e,
                        "snippet": body[s:e][:300],
                        "code_id": key[1],
                        "coder_id": key[2],
                    }
                )
        conn.execute(insert(Coding), rows)
    project.close()
    return words
