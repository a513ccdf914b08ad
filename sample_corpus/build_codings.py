"""Build ``codings.csv``, the reference coding of the sample corpus, from the reference quotes.

Usage:  python sample_corpus/build_codings.py      (with qualcope installed: pip install -e .)

Imports the corpus (via its manifest) and the ICVC codebook into a temporary project, then
locates each quote of ``reference_quotes.csv`` in the canonical text qualcope stores. A quote
is kept only when it occurs exactly once in its document and that occurrence lies inside one
respondent turn; anything else is reported and left out. Spans are written in file positions
(the characters of each transcript file, as other tools count them). Links come from
``reference_links.csv`` (a coping-strategy quote -> the value-conflict quote it copes with,
and for a trade-off the value it favours). The result is re-imported into the temporary
project with ``qualcope codings import`` as a check. GUIDs are derived from file, span and
code, so running the script again gives the same bytes.
"""

from __future__ import annotations

import csv
import io
import sys
import tempfile
import uuid
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
CODER = "Reference coder"
GUID_NAMESPACE = uuid.UUID("5d0c6a52-2f5e-4a4c-9a37-6a1f7cb0b6f1")
COPING = "Coping strategies/"
CONFLICTS = "Value conflicts/"
SOURCES = "Value conflicts/Sources of conflict/"


@dataclass
class Located:
    file: str
    start: int
    end: int
    code: str
    coder: str
    quote: str
    guid: str = ""


def locate(
    text: str, turns: list[tuple[int, int, bool]], quote: str
) -> tuple[tuple[int, int] | None, str]:
    """(start, end) of the one occurrence of ``quote`` inside a respondent turn, or a reason."""
    found: list[int] = []
    position = text.find(quote)
    while position >= 0:
        found.append(position)
        position = text.find(quote, position + 1)
    if not found:
        return None, "not found in the canonical text"
    if len(found) > 1:
        return None, f"found {len(found)} times"
    start, end = found[0], found[0] + len(quote)
    for turn_start, turn_end, interviewer in turns:
        if turn_start <= start and end <= turn_end:
            if interviewer:
                return None, "inside an interviewer turn"
            return (start, end), ""
    return None, "not inside a single turn"


def build(out: Path) -> int:
    from qualcope.interchange.codings_csv import COLUMNS
    from qualcope.paths import default_codebook
    from qualcope.services import codebook, codetree
    from qualcope.services.coding_exchange import import_codings
    from qualcope.services.documents import get_document, list_documents, list_segments
    from qualcope.services.importing import import_paths
    from qualcope.services.positions import FILE, load_positions
    from qualcope.services.project import Project

    problems: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        project = Project.create(Path(tmp) / "reference.db", CODER)
        try:
            codebook.import_codebook(project, codebook.read_codebook_file(default_codebook()))
            report = import_paths(project, [HERE])
            if report.failed:
                for failed in report.failed:
                    print(f"cannot import {failed.path}: {failed.message}", file=sys.stderr)
                return 1
            texts: dict[str, tuple[str, list[tuple[int, int, bool]]]] = {}
            for ref in list_documents(project):
                segments = list_segments(project, ref.id, "turn")
                text = get_document(project, ref.id).text
                texts[ref.name] = (text, [(s.start, s.end, s.is_interviewer) for s in segments])
            with project.read() as session:
                known_paths = set(codetree.paths_by_id(session).values())
                positions = {p.name: p for p in load_positions(session).values()}

            located: list[Located] = []
            with (HERE / "reference_quotes.csv").open(encoding="utf-8", newline="") as handle:
                for line, row in enumerate(csv.DictReader(handle), start=2):
                    where = f"reference_quotes.csv, line {line}"
                    if row["file"] not in texts:
                        problems.append(f"{where}: no document {row['file']!r}")
                        continue
                    if row["code"] not in known_paths:
                        problems.append(f"{where}: unknown code {row['code']!r}")
                        continue
                    text, turns = texts[row["file"]]
                    span, reason = locate(text, turns, row["quote"])
                    if span is None:
                        problems.append(f"{where}: quote {row['quote'][:50]!r} {reason}")
                        continue
                    coding = Located(
                        row["file"],
                        span[0],
                        span[1],
                        row["code"],
                        row["coder"] or CODER,
                        row["quote"],
                    )
                    key = f"{coding.file}/{coding.start}/{coding.end}/{coding.code}"
                    coding.guid = str(uuid.uuid5(GUID_NAMESPACE, key))
                    located.append(coding)

            links = read_links(located, problems)
            rows = sorted(located, key=lambda c: (c.file, c.start, c.end, c.code))
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\n")
            writer.writerow(COLUMNS)
            for coding in rows:
                targets = links.get(coding.guid, [])
                start, end, kind = positions[coding.file].to_kind(coding.start, coding.end, FILE)
                writer.writerow(
                    [
                        coding.guid,
                        coding.file,
                        start,
                        end,
                        kind,
                        coding.code,
                        coding.coder,
                        "",
                        ";".join(t for t, _ in targets),
                        ";".join(f for _, f in targets) if any(f for _, f in targets) else "",
                        coding.quote,
                    ]
                )
            out.write_text(buffer.getvalue(), encoding="utf-8", newline="\n")
            check = import_codings(project, out)  # the file must import cleanly
            print(
                f"{out.name}: {len(rows)} codings, {sum(len(v) for v in links.values())} links "
                f"({check.added} imported in the check)"
            )
        finally:
            project.close()
    for problem in problems:
        print(f"skipped: {problem}", file=sys.stderr)
    return 0


def read_links(located: list[Located], problems: list[str]) -> dict[str, list[tuple[str, str]]]:
    """coping coding guid -> [(value-conflict coding guid, favoured value path)]."""
    by_quote: dict[tuple[str, str], list[Located]] = defaultdict(list)
    for coding in located:
        by_quote[(coding.file, coding.quote)].append(coding)
    links: dict[str, list[tuple[str, str]]] = defaultdict(list)
    with (HERE / "reference_links.csv").open(encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            where = f"reference_links.csv, line {line}"
            sources = [
                c for c in by_quote[(row["file"], row["coping_quote"])] if c.code.startswith(COPING)
            ]
            targets = [
                c
                for c in by_quote[(row["file"], row["conflict_quote"])]
                if c.code.startswith(CONFLICTS) and not c.code.startswith(SOURCES)
            ]
            if len(sources) != 1 or len(targets) != 1:
                problems.append(
                    f"{where}: {len(sources)} coping and {len(targets)} value-conflict codings "
                    "match its quotes (need one each)"
                )
                continue
            links[sources[0].guid].append((targets[0].guid, row["favoured_value"].strip()))
    return links


if __name__ == "__main__":
    sys.exit(build(HERE / "codings.csv"))
