"""A preamble is nobody's words: not counted, not suggested, left out of reports."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from qualcope.report.model import CrosstabRequest, Filters
from qualcope.services import codebook, codings, reports
from qualcope.services.documents import list_documents, list_segments
from qualcope.services.importing import import_paths
from qualcope.services.project import Project
from qualcope.services.suggestion_models import read_corpus

MakeFile = Callable[[bytes | str, str], Path]
TEXT = (
    "Escalation in the mobility panel\n12/03/2023 - 10:00 - 54 min\n\n"
    "Interviewer: What did you do?\n\n"
    "Respondent: We went to the alderman about it.\n\n"
    "Transcribed by https://otter.ai\n"
)


def test_a_preamble_is_not_counted_suggested_or_reported(
    icvc_project: Project, make_file: MakeFile
) -> None:
    report = import_paths(
        icvc_project, [make_file(TEXT, "p.txt")], lang="en", role="citizen co-producer"
    )
    [outcome] = report.imported
    assert outcome.words == 11 and outcome.preambles == 2  # 4 + 7 words said, not the title
    assert outcome.document_id is not None
    document_id = outcome.document_id
    [ref] = list_documents(icvc_project)
    assert (ref.respondent_turns, ref.interviewer_turns) == (1, 1)
    kinds = [s.kind for s in list_segments(icvc_project, document_id) if s.kind != "sentence"]
    assert kinds == ["preamble", "turn", "turn", "preamble"]
    # Not suggested: no unit of the document lies in the preamble.
    with icvc_project.read() as session:
        corpus = read_corpus(session, [document_id])
    texts = [u.text for u in corpus.units[document_id]]
    assert texts == ["We went to the alderman about it."]
    # Coded anyway (the title says Escalation), it is left out of reports.
    escalation = next(n.id for n in codebook.tree(icvc_project) if n.name == "Escalation")
    codings.add_coding(icvc_project, document_id, 0, 10, escalation)
    start = TEXT.index("We went")
    codings.add_coding(icvc_project, document_id, start, start + 7, escalation)
    request = CrosstabRequest(filters=Filters(codes=("Coping strategies/Escalation",)))
    [table] = reports.crosstab(icvc_project, request)
    assert table.counts[0][0] == 1
    wider = CrosstabRequest(
        filters=Filters(codes=("Coping strategies/Escalation",), include_interviewer=True)
    )
    [table] = reports.crosstab(icvc_project, wider)
    assert table.counts[0][0] == 2
