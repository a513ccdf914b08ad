"""Importing transcripts into a project: the sample corpus, batches, manifests, atomicity."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select

from qualcope.db.history import Change, apply_changes
from qualcope.db.models import Action, Case, Coder, Document, Event, Participant, Segment
from qualcope.domain import ProgressUpdate
from qualcope.errors import ImportFileError, NothingToDoError, QualcopeError
from qualcope.services import documents as documents_service
from qualcope.services import import_store
from qualcope.services.documents import list_documents, list_segments
from qualcope.services.history import can_undo, undo
from qualcope.services.importing import import_paths
from qualcope.services.project import Project
from tests.conftest import SAMPLE_CORPUS

MakeFile = Callable[[bytes | str, str], Path]
GOOD = "Interviewer: How did it start?\n\nRespondent: With a letter from the city."


def counts(project: Project) -> dict[str, int]:
    with project.read() as session:
        return {
            model.__tablename__: int(session.scalar(select(func.count()).select_from(model)) or 0)
            for model in (Document, Segment, Case, Participant)
        }


def test_sample_corpus_imports_cleanly_with_expected_counts(project: Project) -> None:
    seen: list[ProgressUpdate] = []
    report = import_paths(project, [SAMPLE_CORPUS], on_progress=seen.append)
    assert report.ok and not report.failed, report.failed
    refs = list_documents(project)
    manifest = list(csv.DictReader((SAMPLE_CORPUS / "manifest.csv").open(encoding="utf-8")))
    assert len(refs) == len(manifest) >= 9
    assert all(ref.words >= 1200 for ref in refs)
    assert sum(1 for ref in refs if ref.language == "nl") >= 2
    assert {ref.source_format for ref in refs} >= {"txt", "docx", "vtt"}
    assert all(ref.respondent_turns >= 10 and ref.interviewer_turns >= 10 for ref in refs)
    by_name = {ref.name: ref for ref in refs}
    for row in manifest:
        ref = by_name[row["file"]]
        assert (ref.case, ref.role, ref.participant, ref.language) == (
            row["case"],
            row["role"],
            row["participant"],
            row["lang"],
        )
    assert seen[-1].done == seen[-1].total == len(manifest)
    assert seen[-1].words == report.words > 12_000
    with project.read() as session:
        attributes = session.scalar(select(Document.attributes).where(Document.name == row["file"]))
    assert attributes is not None and attributes["interview_date"] == row["interview_date"]


def test_every_stored_segment_is_exactly_its_text(project: Project) -> None:
    import_paths(project, [SAMPLE_CORPUS])
    for ref in list_documents(project):
        text = documents_service.get_document(project, ref.id).text
        segments = list_segments(project, ref.id)
        turns = {s.id: s for s in segments if s.kind == "turn"}
        for segment in segments:
            assert segment.text == text[segment.start : segment.end] == segment.text.strip() != ""
            if segment.kind == "turn":
                before = text[: segment.start].rsplit("\n", 1)[-1]
                assert segment.speaker and before == f"{segment.speaker}: "  # label not in turn
            else:
                parent = turns[segment.parent_id]  # type: ignore[index]
                assert parent.start <= segment.start < segment.end <= parent.end
        for turn in turns.values():  # sentences cover every word of their turn
            inside = [s.text for s in segments if s.parent_id == turn.id]
            assert " ".join(inside).split() == turn.text.split()


def test_reimport_of_the_same_content_is_skipped(project: Project, make_file: MakeFile) -> None:
    first = import_paths(project, [make_file(GOOD, "a.txt")])
    before = counts(project)
    again = import_paths(project, [make_file(GOOD, "a.txt"), make_file(GOOD, "copy.txt")])
    assert [o.status for o in again.outcomes] == ["skipped", "skipped"]
    assert "already in the project as document" in again.outcomes[1].message
    assert again.outcomes[1].document_id == first.outcomes[0].document_id
    assert counts(project) == before


def test_batch_good_files_land_bad_ones_are_listed(project: Project, make_file: MakeFile) -> None:
    paths = [
        make_file(GOOD, "good1.txt"),
        make_file(b"", "empty.txt"),
        make_file(b"%PDF-1.5 stuff", "scan.txt"),
        make_file(GOOD.replace("city", "town"), "good2.txt"),
        make_file(b"caf\xe9" + bytes(range(0xC0, 0xFF)), "latin.txt"),
    ]
    report = import_paths(project, paths)
    assert [o.status for o in report.outcomes] == [
        "imported",
        "failed",
        "failed",
        "imported",
        "failed",
    ]
    assert report.failed[0].message == "the file is empty"
    assert "looks like a PDF document" in report.failed[1].message
    assert "is not UTF-8 (byte 0xe9 at offset 3)" in report.failed[2].message
    assert not report.ok
    assert [ref.name for ref in list_documents(project)] == ["good1.txt", "good2.txt"]


def test_a_failure_while_storing_leaves_no_trace(
    project: Project, make_file: MakeFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_paths(project, [make_file(GOOD, "first.txt")], case="c1", role="public servant")
    before = counts(project)
    with project.read() as session:
        events_before = session.scalar(select(func.count()).select_from(Event))

    def explode(*_: object) -> None:
        raise QualcopeError("disk on fire")

    monkeypatch.setattr(import_store, "store_turns", explode)
    report = import_paths(
        project,
        [make_file("Ana: new text\nBen: more", "second.txt")],
        case="new case",
        participant="P9",
        role="citizen co-producer",
    )
    assert report.failed[0].message == "disk on fire"
    assert counts(project) == before  # no document, case, participant or segment left
    with project.read() as session:
        assert session.scalar(select(func.count()).select_from(Event)) == events_before


def test_flags_create_case_and_participant_with_role(project: Project, make_file: MakeFile) -> None:
    with pytest.raises(QualcopeError, match="did you mean 'citizen co-producer'"):
        import_paths(project, [make_file(GOOD, "x.txt")], role="Citizen co-producer")
    import_paths(
        project,
        [make_file(GOOD, "x.txt")],
        case="urban mobility planning",
        participant="MO-C7",
        role="citizen co-producer",
        lang="en",
    )
    (ref,) = list_documents(project)
    assert (ref.case, ref.role, ref.participant, ref.language) == (
        "urban mobility planning",
        "citizen co-producer",
        "MO-C7",
        "en",
    )


def test_role_without_participant_makes_one_per_file(project: Project, make_file: MakeFile) -> None:
    import_paths(project, [make_file(GOOD, "anna.txt")], role="public servant")
    assert list_documents(project)[0].participant == "anna"


def test_a_participant_keeps_one_role(project: Project, make_file: MakeFile) -> None:
    import_paths(project, [make_file(GOOD, "a.txt")], participant="P1", role="public servant")
    report = import_paths(
        project,
        [make_file(GOOD + " Later.", "b.txt")],
        participant="P1",
        role="project coordinator",
    )
    assert "participant 'P1' is a public servant already" in report.failed[0].message


def test_detected_encoding_and_removed_controls_are_recorded(
    project: Project, make_file: MakeFile
) -> None:
    raw = "Interviewer: Caf\xe9?\n\nRespondent: Ja\x1b[31m, caf\xe9.".encode("cp1252")
    report = import_paths(project, [make_file(raw, "old.txt")], lang="nl")
    outcome = report.imported[0]
    assert outcome.message == "encoding detected as cp1252"
    assert outcome.changes == "1 terminal escape sequence removed"
    with project.read() as session:
        document = session.scalars(select(Document)).one()
    assert document.encoding == "cp1252" and "\ufffd" not in document.text
    assert document.import_report["encoding_detected"] is True
    assert document.import_report["removed_controls"] == 1


def test_language_is_guessed_when_not_given(project: Project, make_file: MakeFile) -> None:
    text = "I: Hoe is het begonnen?\n\nR: Het was een brief van de stad, ik wist niet wat te doen."
    report = import_paths(project, [make_file(text, "nl.txt")])
    assert report.imported[0].language == "nl"
    assert "language guessed as nl" in report.imported[0].message


def test_should_stop_stops_between_files(project: Project, make_file: MakeFile) -> None:
    files = [make_file(f"Ana: text {i}\nBen: reply {i}", f"f{i}.txt") for i in range(3)]
    calls = iter([False, True, True])
    report = import_paths(project, files, should_stop=lambda: next(calls))
    assert [o.status for o in report.outcomes] == ["imported", "stopped", "stopped"]
    assert report.stopped and len(list_documents(project)) == 1


def _manifest_folder(tmp_path: Path, rows: list[str]) -> Path:
    folder = tmp_path / "study"
    folder.mkdir()
    (folder / "a.txt").write_text(GOOD, encoding="utf-8")
    (folder / "b.txt").write_text(GOOD + " Yes.", encoding="utf-8")
    (folder / "manifest.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    "rows, message",
    [
        (
            ["file,case,role", "a.txt,c,public servant", "gone.txt,c,public servant"],
            "manifest.csv, line 3: file 'gone.txt' not found",
        ),
        (
            ["file,case,role", "a.txt,c,public servnt"],
            "line 2: role 'public servnt' is close to the known role 'public servant': did you",
        ),
        (
            ["file,case,role", "a.txt,Case one,nurse", "b.txt,case  One,nurse"],
            "line 3: case 'case  One' differs from the known case 'Case one' only by case",
        ),
        (["file,Age Group,age_group", "a.txt,1,2"], "line 1: attribute 'age_group' differs"),
        (["file,lang", "a.txt,xx-klingon"], "line 2: unknown language 'xx-klingon'"),
        (["file,encoding", "a.txt,ebcdic-martian"], "line 2: unknown encoding"),
        (["file", "a.txt", "a.txt"], "line 3: file 'a.txt' is listed twice"),
        (["name,case", "a.txt,c"], "manifest.csv, line 1: has no 'file' column"),
        (["file,case", "a.txt,c,extra"], "line 2: has 3 values for 2 columns"),
    ],
    ids=[
        "missing file",
        "role typo",
        "case spelling",
        "column spelling",
        "lang",
        "encoding",
        "twice",
        "no file column",
        "extra value",
    ],
)
def test_bad_manifest_imports_nothing(
    project: Project, tmp_path: Path, rows: list[str], message: str
) -> None:
    folder = _manifest_folder(tmp_path, rows)
    before = counts(project)
    with pytest.raises(ImportFileError, match=message):
        import_paths(project, [folder])
    assert counts(project) == before


def test_manifest_extra_columns_become_attributes(project: Project, tmp_path: Path) -> None:
    folder = _manifest_folder(
        tmp_path,
        [
            "file,case,role,participant,lang,age_group,site",
            "b.txt,urban mobility planning,public servant,P2,en,45-54,north",
        ],
    )
    report = import_paths(project, [folder])
    assert [Path(o.path).name for o in report.imported] == ["b.txt"]
    assert report.ignored == (f"{folder / 'a.txt'} (not in manifest.csv)",)
    with project.read() as session:
        document = session.scalars(select(Document)).one()
        participant = session.scalars(select(Participant)).one()
    assert document.attributes == {"age_group": "45-54", "site": "north"}
    assert participant.attributes == {"age_group": "45-54", "site": "north"}


def test_folder_without_manifest_uses_the_flags(project: Project, tmp_path: Path) -> None:
    folder = tmp_path / "plain"
    shutil.copytree(
        SAMPLE_CORPUS,
        folder,
        ignore=shutil.ignore_patterns("manifest.csv", "*.docx", "*.vtt", "src"),
    )
    report = import_paths(project, [folder], case="social elderly care", lang="en")
    names = sorted(Path(o.path).name for o in report.imported)
    assert names == sorted(p.name for p in SAMPLE_CORPUS.glob("*.txt"))
    assert {ref.case for ref in list_documents(project)} == {"social elderly care"}
    assert any(
        "README.md" in ignored or "build_codings.py" in ignored for ignored in report.ignored
    )


def test_a_folder_without_transcripts_is_an_error(project: Project, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.pdf").write_bytes(b"%PDF")
    with pytest.raises(ImportFileError, match="empty: no transcripts to import"):
        import_paths(project, [tmp_path / "empty"])


def test_a_file_imported_meanwhile_elsewhere_is_skipped(
    project: Project, make_file: MakeFile
) -> None:
    from qualcope.ingest.manifest import ImportItem
    from qualcope.ingest.prepare import prepare

    path = make_file(GOOD, "a.txt")
    import_paths(project, [path])
    before = counts(project)
    # This batch's view of the project is stale: it does not know the document.
    outcome = import_store.store_prepared(project, prepare(ImportItem(path, lang="en")), {}, set())
    assert outcome.status == "skipped" and "already in the project as document 1" in (
        outcome.message
    )
    assert counts(project) == before


BAD_INPUTS = {
    "empty.txt": (b"", "the file is empty"),
    "blank.md": (b"  \n\t\n", "the document is empty"),
    "photo.txt": (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "looks like a PNG image"),
    "paper.txt": (b"%PDF-1.7\n", "looks like a PDF document"),
    "zipped.txt": (b"PK\x03\x04" + b"\x00" * 40, "looks like a zip archive"),
    "nul.srt": (b"\x00\x00\x00\x07binary" * 50, "looks like binary data"),
    "latin.txt": (bytes(range(0xC0, 0xFF)) * 2, "is not UTF-8"),
    "broken.docx": (b"not a zip", "is not a valid Word document"),
    "locked.docx": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "password-protected"),
    "broken.odt": (b"PK\x05\x06" + b"\x00" * 18, "is not a valid OpenDocument text"),
    "cues.vtt": (b"WEBVTT\n\n00:00:01.000 --> 00:00:00.500\nHi\n", "line 3"),
    "cues.srt": (b"1\n00:00:01,000 --> nonsense\nHi\n", "line 2"),
    "note.rtf": (b"Interviewer: not rtf", "is not an RTF document"),
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_every_bad_input_fails_alone_and_leaves_no_trace(
    project: Project, make_file: MakeFile, name: str
) -> None:
    content, message = BAD_INPUTS[name]
    good = make_file(GOOD, "good.txt")
    import_paths(project, [good])
    before = counts(project)
    report = import_paths(project, [make_file(content, name), good])
    failed = report.failed[0]
    assert Path(failed.path).name == name
    assert message in (f"line {failed.line}: " if failed.line else "") + failed.message
    assert report.skipped[0].path == str(good)
    assert counts(project) == before


def test_hostile_file_names_are_shown_clean_and_short(project: Project, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "evil\u202etxt.exe.txt").write_text(GOOD, encoding="utf-8")
    (folder / ("x" * 250 + ".txt")).write_text(GOOD + " More.", encoding="utf-8")
    import_paths(project, [folder])
    names = sorted(ref.name for ref in list_documents(project))
    assert names[0] == "evil" + "txt.exe.txt"
    assert len(names[1]) == import_store.MAX_NAME and names[1].endswith("…")
    outside = [p for p in tmp_path.rglob("*") if p.is_file() and folder not in p.parents]
    assert all(p.name.startswith("project.db") for p in outside)  # nothing written elsewhere


def test_the_event_log_records_an_import_without_a_second_copy_of_the_text(
    project: Project, make_file: MakeFile
) -> None:
    report = import_paths(project, [make_file(GOOD, "a.txt")], case="c1")
    document_id = report.imported[0].document_id
    with project.read() as session:
        document = session.get(Document, document_id)
        assert document is not None
        bounds = document.sentence_bounds
        action = session.scalars(select(Action).where(Action.label == "import a.txt")).one()
        events = session.scalars(select(Event).where(Event.action_id == action.id)).all()
        coder = session.scalar(select(Coder.name).where(Coder.id == action.coder_id))
    assert (coder, action.undoable, action.created_at is not None) == ("tester", False, True)
    assert [e.table_name for e in events] == ["cases", "documents"]
    row = events[1].after
    assert row is not None and events[1].op == "insert"
    digest = hashlib.sha256(document.text.encode("utf-8")).hexdigest()
    assert row["text"] == {"sha256": digest, "length": len(document.text)}
    assert digest == document.content_hash and row["_summarised"] == [
        "offset_map",
        "sentence_bounds",
        "text",
    ]
    assert bounds and row["sentence_bounds"] == {
        "sha256": hashlib.sha256(bounds).hexdigest(),
        "length": len(bounds),
    }
    for column in ("id", "guid", "name", "content_hash", "case_id", "word_count", "language"):
        assert row[column] == getattr(document, column), column
    assert document.text not in json.dumps(row)

    # Imports are not undoable, and a summarised row is never replayed.
    assert can_undo(project) is None
    with pytest.raises(NothingToDoError):
        undo(project)
    changes = [Change(e.table_name, e.op, e.before, e.after) for e in events]
    for replay in (changes, [c.inverse() for c in reversed(changes)]):
        with pytest.raises(QualcopeError, match="only a summary of this document"):
            with project.write("replay") as session:
                apply_changes(session, replay)
    assert counts(project)["documents"] == 1


def test_segment_ids_are_never_reused(project: Project, make_file: MakeFile) -> None:
    # 85 turns (rows) and 170 sentences (packed on the document).
    long = "\n\n".join(f"Ana: Sentence {i} here. And {i} more!" for i in range(85))
    import_paths(project, [make_file(long, "long.txt"), make_file(GOOD, "short.txt")])
    with project.read() as session:
        last = session.scalar(select(func.max(Segment.id)))
        long_id = session.scalar(select(Document.id).where(Document.name == "long.txt"))
        assert session.scalar(select(func.count()).where(Segment.document_id == long_id)) == 85
    kinds = [s.kind for s in list_segments(project, long_id)]
    assert kinds == ["turn", "sentence", "sentence"] * 85
    with project.engine.begin() as conn:  # deleting the newest rows frees the highest ids
        conn.execute(delete(Document).where(Document.name == "short.txt"))
    import_paths(project, [make_file(GOOD.replace("city", "town"), "next.txt")])
    with project.read() as session:
        next_id = session.scalar(select(Document.id).where(Document.name == "next.txt"))
        ids = session.scalars(select(Segment.id).where(Segment.document_id == next_id)).all()
    assert ids and min(ids) > last  # type: ignore[operator]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are forked on Linux")
def test_a_worker_process_imports_exactly_what_this_process_imports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def imported(workers: str) -> list[tuple[object, ...]]:
        monkeypatch.setenv("QUALCOPE_IMPORT_WORKERS", workers)
        with Project.create(tmp_path / f"w{workers}.db", "tester") as made:
            report = import_paths(made, [SAMPLE_CORPUS])
            assert report.ok
            return [
                (ref.name, ref.words, ref.case, ref.role, segment)
                for ref in list_documents(made)
                for segment in list_segments(made, ref.id)
            ]

    alone = imported("0")
    assert len(alone) > 1000 and imported("1") == alone


def test_a_manifest_brings_its_own_roles_cases_and_columns(
    project: Project, tmp_path: Path
) -> None:
    folder = _manifest_folder(
        tmp_path,
        [
            "file,case,role,participant,CareerStage",
            "a.txt,School 1,teacher,T1,early",
            "b.txt,School 2,head teacher,H1,late",
        ],
    )
    report = import_paths(project, [folder])
    assert len(report.imported) == 2
    assert report.new_values == {
        "role": ("teacher", "head teacher"),
        "case": ("School 1", "School 2"),
        "attribute": ("CareerStage",),
    }
    refs = {ref.participant: ref for ref in list_documents(project)}
    assert (refs["T1"].role, refs["T1"].case) == ("teacher", "School 1")
    assert (refs["H1"].role, refs["H1"].case) == ("head teacher", "School 2")
    # Known now: a second manifest with a near-duplicate is refused, an exact one is fine.
    other = tmp_path / "more"
    other.mkdir()
    (other / "c.txt").write_text(GOOD + " More.", encoding="utf-8")
    (other / "manifest.csv").write_text("file,role\nc.txt,Teacher\n", encoding="utf-8")
    with pytest.raises(ImportFileError, match="differs .* only by case.*did you mean 'teacher'"):
        import_paths(project, [other])
    with pytest.raises(ImportFileError, match="did you mean 'teacher'"):
        import_paths(project, [other], allow_similar=True)  # case and spacing never pass
    (other / "manifest.csv").write_text("file,role\nc.txt,teachers\n", encoding="utf-8")
    with pytest.raises(ImportFileError, match="is close to the known role 'teacher'"):
        import_paths(project, [other])
    report = import_paths(project, [other], allow_similar=True)
    assert report.new_values == {"role": ("teachers",)}


HELLO = "Interviewer: Hello?\n\nR: Hi.\n"


def _tree(root: Path, files: dict[str, str]) -> Path:
    """Write ``files`` (paths under ``root``, folders made as needed); ``root``."""
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def _refused(project: Project, folder: Path) -> str:
    """The error importing ``folder`` gives; nothing was imported."""
    with pytest.raises(ImportFileError) as raised:
        import_paths(project, [folder])
    assert list_documents(project) == []
    return str(raised.value)


def test_a_folder_of_folders_says_which_hold_transcripts(project: Project, tmp_path: Path) -> None:
    study = _tree(tmp_path / "study", {"wave 1/a.txt": HELLO})
    (study / "empty").mkdir()
    assert _refused(project, study).endswith(f"the folder {study / 'wave 1'}/ holds transcripts")


def test_a_qcoder_project_says_what_to_import_and_its_units_are_not_silently_left(
    project: Project, tmp_path: Path
) -> None:
    qcoder = _tree(
        tmp_path / "coc",
        {
            "documents_markedup/a_MU.txt": "We (QCODE)welcome all(/QCODE){#inclusion}.\n",
            "codes.csv": 'code_id,code,code.description\n1,"inclusion","who"\n',
            "unit_document_map.csv": "doc_path,unit_id\na_MU.txt,1\n",
        },
    )
    assert (
        "coc is a qcoder project: 'qualcope codebook import' its codes.csv, then import its "
        "folder documents_markedup/" in _refused(project, qcoder)
    )
    report = import_paths(project, [qcoder / "documents_markedup"])
    assert [o.status for o in report.outcomes] == ["imported"]
    [units] = [line for line in report.ignored if "unit_document_map.csv" in line]
    assert "give each file its unit in a manifest.csv in documents_markedup/" in units


def test_a_folder_holding_another_tools_project_says_how_to_import_it(
    project: Project, tmp_path: Path
) -> None:
    folder = _tree(
        tmp_path / "QualCoder", {"pilot.qda/documents/a.txt": HELLO, "pilot.qda/data.qda": ""}
    )
    qualcoder = folder / "pilot.qda"
    assert _refused(project, folder).endswith(
        f"{qualcoder} is another tool's project: 'qualcope import project {qualcoder}'"
    )


def test_a_folder_inside_the_folder_imported_is_said_to_be_left(
    project: Project, tmp_path: Path
) -> None:
    study = _tree(
        tmp_path / "study",
        {"a.txt": HELLO, "wave 2/b.txt": HELLO + "Again.\n", ".git/c.txt": "not a transcript\n"},
    )
    report = import_paths(project, [study])
    assert [Path(o.path).name for o in report.imported] == ["a.txt"]
    assert report.ignored == (
        f"{study / 'wave 2'}/ (a folder of 1 transcript: folders are not searched)",
    )
    # A manifest decides: a folder it lists files in is not mentioned, one it does not is.
    _tree(
        study,
        {
            "wave 3/c.txt": HELLO + "Once more.\n",
            "manifest.csv": "file,case\nwave 2/b.txt,second wave\n",
        },
    )
    report = import_paths(project, [study])
    assert [Path(o.path).name for o in report.imported] == ["b.txt"]
    assert report.ignored == (
        f"{study / 'a.txt'} (not in manifest.csv)",
        f"{study / 'wave 3'}/ (a folder of 1 transcript: none in manifest.csv)",
    )


def test_a_project_file_beside_transcripts_is_said_how_to_import(
    project: Project, tmp_path: Path
) -> None:
    folder = _tree(
        tmp_path / "interviews", {"a.txt": HELLO, "coded.qdpx": "PK", "notes.pdf": "%PDF"}
    )
    report = import_paths(project, [folder])
    assert [Path(o.path).name for o in report.imported] == ["a.txt"]
    assert report.ignored == (
        f"{folder / 'coded.qdpx'} (another tool's project: 'qualcope import project "
        f"{folder / 'coded.qdpx'}')",
        f"{folder / 'notes.pdf'} (not a transcript type)",
    )
