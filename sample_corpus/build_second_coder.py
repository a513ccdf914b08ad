"""Build ``second_coder.csv``: a second coder's blind coding of three sample documents.

Usage:  python sample_corpus/build_second_coder.py      (after build_codings.py)

The demo needs double coding to show agreement and reconciliation. The second coder's
coding is scripted from the reference coding with the disagreements double coding really
shows, chosen per coding by a hash of its GUID (so the file is the same on every run):

- 10 in 100 codings are missed (the second coder did not code the passage);
- 14 in 100 are coded with the sibling code the codebook warns about in its exclusion
  criteria (Trade-off for Balancing, Self-efficacy for External efficacy ...), when the
  code has one;
- 10 in 100 are stretched over the following sentence of the same turn (a broader reading
  of the passage);
- the rest are coded exactly as the reference coder did.

The documents are one per case, each of another actor role. The file is written in file
positions, like ``codings.csv``, and the script checks that it imports.
"""

from __future__ import annotations

import sys
import tempfile
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
SECOND = "Second coder"
DOCUMENTS = (
    "elderly-care_citizen.txt",
    "mobility_public-servant.txt",
    "vacant-spaces_coordinator.vtt",
)
GUID_NAMESPACE = uuid.UUID("0f1c3a0e-7d43-4c4e-b7b5-2c1e7a9d54a1")
CONFUSABLE = {
    "Coping strategies/Balancing": "Coping strategies/Trade-off",
    "Coping strategies/Trade-off": "Coping strategies/Balancing",
    "Coping strategies/Avoidance": "Coping strategies/Trade-off",
    "Explanatory factors/Trust/Trust in government": "Explanatory factors/Trust/Generalised trust",
    "Explanatory factors/External efficacy (perceived impact)": "Explanatory factors/Self-efficacy",
    "Explanatory factors/Capacities/Individual capacities": (
        "Explanatory factors/Capacities/Organisational capacities"
    ),
    "Effects/Desired effects/Co-created public value": (
        "Effects/Desired effects/Better realised public values"
    ),
    "Value conflicts/Sources of conflict/Time pressure": (
        "Value conflicts/Sources of conflict/Multiple expectations"
    ),
}
MISSED, RECODED, STRETCHED = 10, 24, 34  # cumulative bounds of the hash buckets


def build(out: Path) -> int:
    from qualcope.interchange.codings_csv import write_rows
    from qualcope.paths import default_codebook
    from qualcope.services import codebook, codetree
    from qualcope.services.coding_exchange import export_rows, import_codings
    from qualcope.services.codings import add_coding, codings_for_document
    from qualcope.services.documents import list_documents, list_segments, set_finished
    from qualcope.services.importing import import_paths
    from qualcope.services.project import Project

    with tempfile.TemporaryDirectory() as tmp:
        project = Project.create(Path(tmp) / "second.db", "Reference coder")
        try:
            codebook.import_codebook(project, codebook.read_codebook_file(default_codebook()))
            report = import_paths(project, [HERE])
            if report.failed:
                print(f"cannot import {report.failed[0].path}", file=sys.stderr)
                return 1
            import_codings(project, HERE / "codings.csv")
            with project.read() as session:
                code_ids = {path: cid for cid, path in codetree.paths_by_id(session).items()}
            second = Project(project.engine, project.url, SECOND)
            counts = {"missed": 0, "recoded": 0, "stretched": 0, "same": 0}
            documents = {d.name: d.id for d in list_documents(project)}
            for name in DOCUMENTS:
                document_id = documents[name]
                turns = [s for s in list_segments(project, document_id, "turn")]
                sentences = sorted(
                    (s.start, s.end) for s in list_segments(project, document_id, "sentence")
                )
                for coding in codings_for_document(project, document_id):
                    bucket = uuid.UUID(coding.guid).int % 100
                    code, start, end = coding.code_path, coding.start, coding.end
                    if bucket < MISSED:
                        counts["missed"] += 1
                        continue
                    if bucket < RECODED and code in CONFUSABLE:
                        code = CONFUSABLE[code]
                        counts["recoded"] += 1
                    elif RECODED <= bucket < STRETCHED:
                        turn_end = next(t.end for t in turns if t.start <= start < t.end)
                        following = [e for s, e in sentences if s >= end and e <= turn_end]
                        if following:
                            end = following[0]
                            counts["stretched"] += 1
                    else:
                        counts["same"] += 1
                    add_coding(second, document_id, start, end, code_ids[code])
                set_finished(second, document_id)
            rows = export_rows(project, SECOND)
            for row in rows:
                key = f"{row['file']}/{row['start']}/{row['end']}/{row['code']}"
                row["guid"] = str(uuid.uuid5(GUID_NAMESPACE, key))
            write_rows(out, rows)
        finally:
            project.close()
    with tempfile.TemporaryDirectory() as tmp, Project.create(Path(tmp) / "check.db") as check:
        codebook.import_codebook(check, codebook.read_codebook_file(default_codebook()))
        import_paths(check, [HERE])
        imported = import_codings(check, out)
    print(
        f"{out.name}: {len(rows)} codings of {len(DOCUMENTS)} documents "
        + ", ".join(f"{v} {k}" for k, v in counts.items())
        + f" ({imported.added} imported in the check)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(build(HERE / "second_coder.csv"))
