"""Live view on PostgreSQL: a transaction that commits after a later one (its event ids are
lower than some already seen) is still shown, once."""

from __future__ import annotations

import pytest

from qualcope.db.models import Coding, Document
from qualcope.services import codebook, codings, live
from qualcope.services.project import Project
from tests.tui.transcripts import SMALL_INTERVIEW, store_transcript

pytestmark = pytest.mark.postgresql


def test_a_late_commit_with_lower_event_ids_is_shown_once(pg_icvc_project: Project) -> None:
    project = pg_icvc_project
    doc = store_transcript(project, SMALL_INTERVIEW, name="a.txt")
    codes = {n.name: n.id for n in codebook.tree(project)}
    after, seen = live.live_start(project)
    ana = Project(project.engine, project.url, "ana")
    ben = Project(project.engine, project.url, "ben")
    with ben.write("a slow coding") as session:
        ben_id = ben.coder_id(session)
        text = session.get(Document, doc).text
        session.add(
            Coding(
                document_id=doc,
                start=50,
                end=80,
                snippet=text[50:80],
                code_id=codes["Escalation"],
                coder_id=ben_id,
            )
        )
        session.flush()  # ben's events take their ids now, and commit at the end of the block
        codings.add_coding(ana, doc, 10, 40, codes["Avoidance"])
        first = live.changes_since(project, after, doc, seen=seen)
    assert [c.describe() for c in first.codings] == ["ana added Avoidance"]
    second = live.changes_since(project, first.last_event_id, doc, seen=first.seen)
    assert [c.describe() for c in second.codings] == ["ben added Escalation"]
    third = live.changes_since(project, second.last_event_id, doc, seen=second.seen)
    assert third.codings == []
