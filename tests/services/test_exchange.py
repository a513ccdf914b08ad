"""Whole projects to and from other tools: the demo round trip, real REFI-QDA exports, a
QualCoder project; one transaction, exact quotes, nothing left behind on failure."""

from __future__ import annotations

import csv
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from qualcope.db.history import row_values
from qualcope.db.models import (
    Action,
    Code,
    Coding,
    Document,
    DocumentStatus,
    Event,
    Memo,
    Segment,
)
from qualcope.errors import ImportFileError, QualcopeError
from qualcope.report.model import CooccurrenceRequest, CrosstabRequest, Filters
from qualcope.services import codings, doctor, documents, exchange, reports
from qualcope.services.coding_export import export_rows
from qualcope.services.project import Project
from tests.conftest import SHARED
from tests.interchange.qualcoder_fixture import make_qualcoder_project

QC_DEMO = SHARED / "external" / "qc-refi-projects" / "qc-1.3.2_demo.qdpx"
NVIVO = SHARED / "external" / "qc-refi-projects" / "nvivo-mac-15.0.0_codebook-only.qdpx"


def require(path: Path) -> None:
    if not path.exists():
        pytest.skip(f"REFERENCE FILE MISSING: {path} (../shared is not beside the clone)")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    from qualcope.services.demo import build_demo

    project = build_demo(Path(tmp_path_factory.mktemp("demo")) / "demo.db", "tester")
    yield project
    project.close()


def tables(project: Project) -> list[object]:
    """Every report a paper draws on, in every unit."""
    out: list[object] = []
    for unit in ("codings", "segments", "documents", "participants"):
        for cols in ("role", "case"):
            request = CrosstabRequest(rows="code", cols=cols, unit=unit)
            out.extend((t.rows, t.columns, t.counts) for t in reports.crosstab(project, request))
    for within in ("segment", "turn", "overlap", "link"):
        request = CooccurrenceRequest(
            rows=("Value conflicts",), cols=("Coping strategies",), within=within
        )
        table = reports.cooccurrence(project, request)
        out.append((table.rows, table.columns, table.counts))
    frequencies = reports.frequencies(project, Filters(), by_coder=True)
    out.append((frequencies.rows, frequencies.columns, frequencies.counts))
    return out


def state(project: Project) -> dict[str, object]:
    with project.read() as session:
        return {
            "codes": session.execute(
                select(Code.guid, Code.name, Code.kind, Code.colour, Code.shortcut, Code.cues)
                .order_by(Code.guid)
            ).all(),
            "documents": session.execute(
                select(Document.guid, Document.name, Document.text, Document.language,
                       Document.sentence_bounds, Document.offset_map, Document.attributes)
                .order_by(Document.guid)
            ).all(),
            "segments": session.execute(
                select(Document.guid, Segment.kind, Segment.start, Segment.end, Segment.speaker,
                       Segment.is_interviewer, Segment.turn_index)
                .join(Document, Document.id == Segment.document_id)
                .order_by(Document.guid, Segment.start, Segment.kind)
            ).all(),
            "finished": session.scalar(select(func.count()).select_from(DocumentStatus)),
            "memos": sorted(session.scalars(select(Memo.text))),
        }  # fmt: skip


@pytest.mark.slow
def test_the_demo_goes_out_and_comes_back_with_every_table_identical(
    demo: Project, tmp_path: Path
) -> None:
    codings.set_memo(demo, 1, "a memo <with> & markup [b]")
    path = tmp_path / "demo.qdpx"
    summary = exchange.export_project(demo, path)
    assert summary.counts["codings"] == codings.count_codings(demo)
    snapshot, report = exchange.import_into_new(tmp_path / "back.db", path, "tester")
    assert report.counts["codings"] == summary.counts["codings"] and not report.notes
    assert report.counts["cases"] == summary.counts["cases"] == 9  # one per participant
    assert report.counts["coders"] == summary.counts["users"]  # the importing one included
    with Project.open(tmp_path / "back.db", "tester") as back:
        assert tables(back) == tables(demo)
        assert state(back) == state(demo)
        drop = ("guid",)  # the same GUIDs, so rows compare whole
        assert [{k: v for k, v in r.items() if k not in drop} for r in export_rows(back)] == [
            {k: v for k, v in r.items() if k not in drop} for r in export_rows(demo)
        ]
        assert export_rows(back) == export_rows(demo)
        assert doctor.check(back) == []


def test_the_qc_demo_imports_with_its_counts_and_exact_quotes(tmp_path: Path) -> None:
    require(QC_DEMO)
    snapshot, report = exchange.import_into_new(tmp_path / "qc.db", QC_DEMO, "tester")
    assert (report.counts["codes"], report.counts["codings"], report.counts["sources"]) == (
        262,
        205,
        2,
    )
    with zipfile.ZipFile(QC_DEMO) as archive:
        texts = {
            name.split("/")[-1]: archive.read(name).decode("utf-8")
            for name in archive.namelist()
            if name.endswith(".txt")
        }
    by_guid = {
        c.guid: (s.name, sel.start, sel.end)
        for s in snapshot.sources
        for sel in s.selections
        for c in sel.codings
    }
    with Project.open(tmp_path / "qc.db", "tester") as project:
        rows = project_rows(project)
        assert len(rows) == 205
        for guid, snippet in rows:
            name, start, end = by_guid[guid]
            assert snippet == texts[name][start:end]  # the same characters as in the file
        assert doctor.check(project) == []


def test_the_import_is_one_logged_action_holding_every_coding_as_stored(tmp_path: Path) -> None:
    """The codings are written in one statement, not through the ORM: the log must still
    say exactly what was written, row for row (the live view and the audit trail read it)."""
    require(QC_DEMO)
    exchange.import_into_new(tmp_path / "qc.db", QC_DEMO, "tester")
    with Project.open(tmp_path / "qc.db", "tester") as project, project.read() as session:
        actions = session.scalars(select(Action)).all()
        assert [a.label for a in actions] == [f"import project {QC_DEMO.name}"]
        logged = {
            e.after["id"]: e.after
            for e in session.scalars(select(Event).where(Event.table_name == "codings"))
        }
        stored = {
            row["id"]: row_values("codings", dict(row))
            for row in session.execute(select(Coding.__table__)).mappings()
        }
    assert len(stored) == 205 and logged == stored
    assert all(row["created_at"] and row["guid"] for row in stored.values())


def project_rows(project: Project) -> list[tuple[str, str]]:
    with project.read() as session:
        return [tuple(row) for row in session.execute(select(Coding.guid, Coding.snippet))]  # type: ignore[misc]


def test_import_export_import_keeps_codes_colours_and_quotes(tmp_path: Path) -> None:
    require(QC_DEMO)
    exchange.import_into_new(tmp_path / "one.db", QC_DEMO, "tester")
    with Project.open(tmp_path / "one.db", "tester") as one:
        exchange.export_project(one, tmp_path / "one.qdpx")
        first = code_rows(one), sorted(project_rows(one))
    exchange.import_into_new(tmp_path / "two.db", tmp_path / "one.qdpx", "tester")
    with Project.open(tmp_path / "two.db", "tester") as two:
        assert (code_rows(two), sorted(project_rows(two))) == first


def code_rows(project: Project) -> list[tuple[object, ...]]:
    with project.read() as session:
        return [
            tuple(row)
            for row in session.execute(
                select(Code.guid, Code.name, Code.colour, Code.kind).order_by(Code.guid)
            )
        ]


def test_the_nvivo_codebook_export_gives_the_same_codes(tmp_path: Path) -> None:
    require(NVIVO)
    require(QC_DEMO)
    _, nvivo = exchange.import_into_new(tmp_path / "nv.db", NVIVO, "tester")
    assert nvivo.counts["codes"] == 262 and nvivo.counts["codings"] == 0
    exchange.import_into_new(tmp_path / "qc.db", QC_DEMO, "tester")
    with Project.open(tmp_path / "nv.db", "t") as a, Project.open(tmp_path / "qc.db", "t") as b:
        assert {r[0] for r in code_rows(a)} == {r[0] for r in code_rows(b)}


def test_a_qualcoder_project_imports_with_its_coders_and_exact_quotes(tmp_path: Path) -> None:
    folder = make_qualcoder_project(tmp_path)
    snapshot, report = exchange.import_into_new(tmp_path / "qc.db", folder, "tester")
    selections = [s for source in snapshot.sources for s in source.selections if s.codings]
    assert report.counts["codings"] == sum(len(s.codings) for s in selections)
    assert report.counts["coders"] >= 2
    with Project.open(tmp_path / "qc.db", "tester") as project:
        snippets = dict(project_rows(project))
        for selection in selections:
            for coding in selection.codings:
                assert snippets[coding.guid] == selection.quote.replace("\r\n", "\n")
        assert doctor.check(project) == []


def test_a_failed_import_into_a_new_project_leaves_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.qdpx"
    with zipfile.ZipFile(bad, "w") as archive:
        archive.writestr("project.qde", "<Project name='x'><Sources><TextSource guid='1'/>")
    with pytest.raises(ImportFileError):
        exchange.import_into_new(tmp_path / "new.db", bad, "tester")
    assert not (tmp_path / "new.db").exists()


def test_a_project_with_documents_is_refused_unchanged(demo: Project, tmp_path: Path) -> None:
    require(QC_DEMO)
    before = state(demo)
    with pytest.raises(QualcopeError, match="--into NEW.db"):
        exchange.import_project_file(demo, QC_DEMO)
    assert state(demo) == before


def one_source_qde(selections: str) -> str:
    """A project.qde of one user (ann), one code (Escalation) and one text source holding
    ``selections``; its text is sources/00000000-0000-0000-0000-000000000003.txt."""
    return (
        '<Project xmlns="urn:QDA-XML:project:1.0" name="p">'
        '<Users><User guid="00000000-0000-0000-0000-000000000001" name="ann"/></Users>'
        '<CodeBook><Codes><Code guid="00000000-0000-0000-0000-000000000002" name="Escalation" '
        'isCodable="true"/></Codes></CodeBook><Sources>'
        '<TextSource guid="00000000-0000-0000-0000-000000000003" name="t.txt" '
        'plainTextPath="internal://00000000-0000-0000-0000-000000000003.txt">'
        f"{selections}</TextSource></Sources></Project>"
    )


def test_quotes_found_a_few_characters_away_stop_the_import(tmp_path: Path) -> None:
    text = "Interviewer: Why?\r\n\r\nRespondent: We wrote to the alderman.\r\n"
    quote = "We wrote to the alderman"
    start = text.replace("\r\n", "\n").index(quote)  # counted without the CRs: wrong here
    path = tmp_path / "shifted.qdpx"
    qde = one_source_qde(
        f'<PlainTextSelection guid="00000000-0000-0000-0000-000000000004" name="{quote}" '
        f'startPosition="{start}" endPosition="{start + len(quote)}">'
        '<Coding guid="00000000-0000-0000-0000-000000000005" '
        'creatingUser="00000000-0000-0000-0000-000000000001">'
        '<CodeRef targetGUID="00000000-0000-0000-0000-000000000002"/></Coding>'
        "</PlainTextSelection>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", qde)
        archive.writestr("sources/00000000-0000-0000-0000-000000000003.txt", text.encode())
    with pytest.raises(QualcopeError, match="found 2 characters after it"):
        exchange.import_into_new(tmp_path / "new.db", path, "tester")
    assert not (tmp_path / "new.db").exists()
    _, report = exchange.import_into_new(tmp_path / "new.db", path, "tester", lenient=True)
    assert report.counts["codings"] == 0 and any("left out" in n for n in report.notes)
    # With the positions counted in the file (CRs included), the quote lands exactly.
    right = text.index(quote)
    fixed = qde.replace(
        f'startPosition="{start}" endPosition="{start + len(quote)}"',
        f'startPosition="{right}" endPosition="{right + len(quote)}"',
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("Project.qde", fixed)
        archive.writestr(
            "Sources/00000000-0000-0000-0000-000000000003.txt", b"\xef\xbb\xbf" + text.encode()
        )
    _, report = exchange.import_into_new(tmp_path / "ok.db", path, "tester")
    with Project.open(tmp_path / "ok.db", "tester") as project:
        assert [s for _, s in project_rows(project)] == [quote]


def test_positions_that_count_the_byte_order_mark_keep_every_coding_in_place(
    tmp_path: Path,
) -> None:
    text = "Interviewer: Why?\n\nRespondent: We wrote to the alderman.\n"
    quotes = ["We wrote to the alderman", "Respondent"]
    selections = "".join(
        f'<PlainTextSelection guid="00000000-0000-0000-0000-00000000001{n}" name="{quote}" '
        f'startPosition="{{start{n}}}" endPosition="{{end{n}}}">'
        f'<Coding guid="00000000-0000-0000-0000-00000000002{n}" '
        'creatingUser="00000000-0000-0000-0000-000000000001">'
        '<CodeRef targetGUID="00000000-0000-0000-0000-000000000002"/></Coding>'
        "</PlainTextSelection>"
        for n, quote in enumerate(quotes)
    )
    qde = one_source_qde(selections)

    def archive(counted: int) -> Path:
        """The text file with a byte-order mark, positions counted with it (1) or not (0)."""
        spans = {}
        for n, quote in enumerate(quotes):
            spans[f"start{n}"] = text.index(quote) + counted
            spans[f"end{n}"] = text.index(quote) + len(quote) + counted
        path = tmp_path / f"counted-{counted}.qdpx"
        with zipfile.ZipFile(path, "w") as made:
            made.writestr("project.qde", qde.format(**spans))
            made.writestr(
                "sources/00000000-0000-0000-0000-000000000003.txt",
                b"\xef\xbb\xbf" + text.encode(),
            )
        return path

    for counted in (1, 0):
        target = tmp_path / f"counted-{counted}.db"
        _, report = exchange.import_into_new(target, archive(counted), "tester")
        with Project.open(target, "tester") as project:
            assert sorted(s for _, s in project_rows(project)) == sorted(quotes)
            [ref] = documents.list_documents(project)
            assert documents.get_document(project, ref.id).text == text  # no mark kept
        said = [n for n in report.notes if "byte-order mark" in n]
        assert len(said) == counted, report.notes


def test_the_cli_exports_and_imports_a_project(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from qualcope.cli import cli

    require(QC_DEMO)
    run = CliRunner().invoke
    result = run(
        cli,
        [
            "--db",
            str(tmp_path / "qc.db"),
            "import",
            "project",
            str(QC_DEMO),
            "--into",
            str(tmp_path / "qc.db"),
        ],
    )
    assert result.exit_code == 0, result.stderr
    assert "205 codings" in result.stdout and "262 codes" in result.stdout
    # Who speaks, as a transcript import says it: here no interviewer was recognised
    assert (
        "  admin-1.txt: speakers: Automation (1 turn), Max Bigman (30 turns), admin-1 (55 turns)"
        in result.stdout
    )
    assert (
        "warning: admin-1.txt: no speaker was taken as the interviewer (Automation, Max Bigman, "
        "admin-1), so every turn counts as a respondent's; if one of them is: qualcope document "
        "set admin-1.txt --interviewer Automation" in result.stderr
    )
    # qc names its selections 'line:6': no quote checked any of them, and the user is told
    assert (
        "  205 codings placed by position alone (the file quotes no text to check "
        "against)\n" in result.stdout
    )
    out = tmp_path / "qc.qdpx"
    result = run(cli, ["--db", str(tmp_path / "qc.db"), "export", "project", str(out)])
    assert result.exit_code == 0 and "205 codings" in result.stderr
    init = run(cli, ["--db", str(tmp_path / "empty.db"), "init"])
    assert init.exit_code == 0
    again = run(cli, ["--db", str(tmp_path / "empty.db"), "import", str(out)])
    assert again.exit_code == 0, again.stderr
    assert "speakers:" not in again.stdout  # qualcope's own export brings its turns
    refused = run(cli, ["--db", str(tmp_path / "empty.db"), "import", str(out)])
    assert refused.exit_code == 1 and "--into NEW.db" in refused.stderr
    rows = list(csv.reader(refused.stderr.splitlines()))
    assert len(rows) == 1  # one line


def _one_source_qdpx(path: Path, text: str, quote: str) -> Path:
    """A hand-made .qdpx: one source, one selection of ``quote``, counted in ``text``."""
    start = text.index(quote)
    guid = "00000000-0000-0000-0000-00000000000{}".format
    qde = (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<Project xmlns="urn:QDA-XML:project:1.0" name="hand" origin="hand">'
        f'<Users><User guid="{guid(1)}" name="ana"/></Users>'
        f'<CodeBook><Codes><Code guid="{guid(2)}" name="food" isCodable="true"/></Codes></CodeBook>'
        f'<Sources><TextSource guid="{guid(3)}" name="s.txt" plainTextPath="internal://{guid(3)}.txt">'
        f'<PlainTextSelection guid="{guid(4)}" name="{quote}" startPosition="{start}" '
        f'endPosition="{start + len(quote)}" creatingUser="{guid(1)}">'
        f'<Coding guid="{guid(5)}" creatingUser="{guid(1)}"><CodeRef targetGUID="{guid(2)}"/>'
        "</Coding></PlainTextSelection></TextSource></Sources></Project>"
    )
    with zipfile.ZipFile(path, "w") as made:
        made.writestr("project.qde", qde)
        made.writestr(f"sources/{guid(3)}.txt", text.encode())
    return path


def test_what_the_import_changed_in_a_text_and_labels_not_taken_are_said(tmp_path: Path) -> None:
    text = (
        "Interviewer: What did you eat?\r\n\r\nR: Cafe\u0301 food\x07 was good.\r\n\r\n"
        "Maria jansen:\r\nIt was fine.\r\n"
    )
    path = _one_source_qdpx(tmp_path / "hand.qdpx", text, "Cafe\u0301 food")
    _, report = exchange.import_into_new(tmp_path / "hand.db", path, "tester")
    assert (
        "source 's.txt': changed in the text: CRLF -> LF in 6 places; accents composed (NFC) "
        "in 1 place; 1 control character removed; positions are mapped, every coding keeps "
        "its characters" in report.notes
    )
    [label] = [note for note in report.notes if "looks like a speaker label" in note]
    assert label.startswith("source 's.txt', line ")
    assert "qualcope document resegment 's.txt' --speaker 'Maria jansen'" in label
    assert report.speakers == [("s.txt", (("Interviewer", 1, True), ("R", 1, False)))]
    with Project.open(tmp_path / "hand.db", "tester") as project:
        assert [snippet for _, snippet in project_rows(project)] == ["Caf\u00e9 food"]


def test_sources_with_no_speaker_label_are_noted_once_with_the_fix(tmp_path: Path) -> None:
    """Another tool's sources are often texts without labels: their turns are nobody's and
    count as respondents' words, which the import says in one line for all of them."""
    from click.testing import CliRunner

    from qualcope.cli import cli

    path = _one_source_qdpx(tmp_path / "notes.qdpx", "Field notes.\n\nMore food.\n", "food")
    done = CliRunner().invoke(
        cli, ["import", "project", str(path), "--into", str(tmp_path / "notes.db")]
    )
    assert done.exit_code == 0, done.stderr
    assert (
        "note: 1 source with no speaker label (s.txt): their turns count as respondents' "
        "words; to name their speakers: qualcope document resegment DOC --speaker LABEL"
    ) in done.stderr
    labelled = _one_source_qdpx(tmp_path / "l.qdpx", "Interviewer: Why?\n\nR: Food.\n", "Food")
    done = CliRunner().invoke(
        cli, ["import", "project", str(labelled), "--into", str(tmp_path / "l.db")]
    )
    assert done.exit_code == 0 and "no speaker label" not in done.stderr


def test_a_text_as_stored_is_imported_without_a_word_about_changes(tmp_path: Path) -> None:
    path = _one_source_qdpx(tmp_path / "plain.qdpx", "Interviewer: Why?\n\nR: Food.\n", "Food")
    _, report = exchange.import_into_new(tmp_path / "plain.db", path, "tester")
    assert not [note for note in report.notes if "changed in the text" in note]


GUID = "00000000-0000-0000-0000-0000000000{:02d}".format
BUS = "Interviewer: Why?\n\nR: Because of the bus."


def _hand_project(path: Path, body: str) -> Path:
    """A .qdpx of one project.qde holding ``body`` (its texts inline), as a tool writes it."""
    qde = (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<Project xmlns="urn:QDA-XML:project:1.0" name="hand" origin="hand">{body}</Project>'
    )
    with zipfile.ZipFile(path, "w") as made:
        made.writestr("project.qde", qde)
    return path


def _bus_selection(n: int, user: int) -> str:
    """Selection GUID(30 + n) of 'bus' in BUS, coded with code GUID(9) by user GUID(user)."""
    start = BUS.index("bus")
    return (
        f'<PlainTextSelection guid="{GUID(30 + n)}" name="bus" startPosition="{start}" '
        f'endPosition="{start + 3}" creatingUser="{GUID(user)}"><Coding guid="{GUID(40 + n)}" '
        f'creatingUser="{GUID(user)}"><CodeRef targetGUID="{GUID(9)}"/></Coding>'
        "</PlainTextSelection>"
    )


def _bus_source(n: int, name: str, *selections: str) -> str:
    """Source GUID(10 + n) holding BUS inline, with the selections given."""
    return (
        f'<TextSource guid="{GUID(10 + n)}" name="{name}">'
        f"<PlainTextContent>{BUS}</PlainTextContent>{''.join(selections)}</TextSource>"
    )


def _users_and_code(*names: str) -> str:
    users = "".join(f'<User guid="{GUID(n)}" name="{name}"/>' for n, name in enumerate(names, 1))
    return (
        f"<Users>{users}</Users><CodeBook><Codes>"
        f'<Code guid="{GUID(9)}" name="mobility" isCodable="true"/></Codes></CodeBook>'
    )


def test_cases_named_twice_or_roles_spelled_two_ways_are_said(tmp_path: Path) -> None:
    sources, cases = [], []
    people = [("P1", "Public Servant"), ("P1", "public servant"), ("P2", "citizen")]
    for n, (name, role) in enumerate(people):
        sources.append(
            f'<TextSource guid="{GUID(10 + n)}" name="s{n}.txt">'
            f"<PlainTextContent>Interviewer: Why?\n\nR: Because {n}.</PlainTextContent>"
            "</TextSource>"
        )
        cases.append(
            f'<Case guid="{GUID(20 + n)}" name="{name}"><VariableValue>'
            f'<VariableRef targetGUID="{GUID(1)}"/><TextValue>{role}</TextValue></VariableValue>'
            f'<SourceRef targetGUID="{GUID(10 + n)}"/></Case>'
        )
    body = (
        f'<Variables><Variable guid="{GUID(1)}" name="role" typeOfVariable="Text"/></Variables>'
        f"<Sources>{''.join(sources)}</Sources><Cases>{''.join(cases)}</Cases>"
    )
    path = _hand_project(tmp_path / "cases.qdpx", body)
    _, report = exchange.import_into_new(tmp_path / "cases.db", path, "tester")
    assert (
        "role 'public servant' is spelled like the role 'Public Servant' of another case: both "
        "are kept as written, so reports count them as two roles" in report.notes
    )
    assert f"case 'P1' is named twice: the second is participant 'P1 ({GUID(21)[:8]})'" in (
        report.notes
    )
    assert not [note for note in report.notes if "citizen" in note]
    with Project.open(tmp_path / "cases.db", "tester") as project:
        roles = {ref.role for ref in documents.list_documents(project)}
    assert roles == {"Public Servant", "public servant", "citizen"}


def test_two_users_of_one_name_stay_two_coders(tmp_path: Path) -> None:
    source = _bus_source(0, "s.txt", _bus_selection(1, 1), _bus_selection(2, 2))
    body = _users_and_code("Admin", "Admin") + f"<Sources>{source}</Sources>"
    path = _hand_project(tmp_path / "users.qdpx", body)
    _, report = exchange.import_into_new(tmp_path / "users.db", path, "tester")
    renamed = f"Admin ({GUID(2)[:8]})"
    assert f"two users of the file are named 'Admin': the second is coder {renamed!r}" in (
        report.notes
    )
    with Project.open(tmp_path / "users.db", "tester") as project:
        coders = {row["coder"] for row in export_rows(project)}
    assert coders == {"Admin", renamed}  # two codings, one each: neither merged away


def test_copies_of_one_text_are_one_document_with_the_codings_of_each(tmp_path: Path) -> None:
    copies = _bus_source(1, "copy of ana.txt", _bus_selection(1, 1)) + _bus_source(
        2, "copy of ben.txt", _bus_selection(2, 2)
    )
    body = _users_and_code("ana", "ben") + f"<Sources>{copies}</Sources>"
    path = _hand_project(tmp_path / "copies.qdpx", body)
    _, report = exchange.import_into_new(tmp_path / "copies.db", path, "tester")
    assert (
        "source 'copy of ben.txt' has the same text as 'copy of ana.txt': one document holds "
        "the codings of both" in report.notes
    )
    assert report.counts["sources"] == 1 and report.counts["codings"] == 2
    assert [name for name, _ in report.speakers] == ["copy of ana.txt"]  # the document's name
    with Project.open(tmp_path / "copies.db", "tester") as project:
        rows = export_rows(project)
    assert sorted((row["file"], row["coder"], row["quote"]) for row in rows) == [
        ("copy of ana.txt", "ana", "bus"),
        ("copy of ana.txt", "ben", "bus"),
    ]
