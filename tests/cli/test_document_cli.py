"""`qualcope documents` (listing, finish, unfinish) and `qualcope document set / resegment`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from qualcope.cli import cli
from qualcope.services import codebook, codings
from qualcope.services.project import Project
from tests.conftest import ICVC

ANNA = "Anna: How did it start?\n\nPiet: With a letter.\n\nAnna: And then?\n\nPiet: Nothing at all."
OTTER = "Interviewer  0:04\nHow?\n\nMaria Jansen  0:15\nWell.\n\nPeter Smit\nI disagree.\n"


def invoke(db: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--db", str(db), *args], catch_exceptions=False)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "study.db"
    assert invoke(path, "init").exit_code == 0
    (tmp_path / "anna.txt").write_text(ANNA, encoding="utf-8")
    (tmp_path / "otter.txt").write_text(OTTER, encoding="utf-8")
    result = invoke(
        path,
        "import",
        str(tmp_path / "anna.txt"),
        str(tmp_path / "otter.txt"),
        "--participant",
        "EC-C1",
        "--role",
        "citizen co-producer",
    )
    assert result.exit_code == 0, result.stderr
    return path


def listed(db: Path, *args: str) -> list[dict[str, object]]:
    return json.loads(invoke(db, "documents", "--format", "json", *args).stdout)


def test_set_prints_one_line_per_change(db: Path) -> None:
    result = invoke(
        db, "document", "set", "anna.txt", "--role", "public servant", "--interviewer", "Anna"
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "role of participant EC-C1: citizen co-producer -> public servant",
        "interviewers: (none) -> Anna",
        "interviewer turns: 0 -> 2",
    ]
    assert "the role of EC-C1's other documents changes too: otter.txt" in result.stderr
    rows = {row["name"]: row for row in listed(db)}
    assert rows["anna.txt"]["interviewer_turns"] == 2
    assert {row["role"] for row in rows.values()} == {"public servant"}
    again = invoke(db, "document", "set", "1", "--role", "public servant")
    assert (again.exit_code, again.stdout) == (0, "nothing to change\n")


def test_set_language_and_attributes_then_list_them(db: Path) -> None:
    result = invoke(db, "document", "set", "otter.txt", "--lang", "nl", "--attribute", "site=north")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == ["language: en -> nl", "attribute site: (none) -> north"]
    assert "document resegment 2" in result.stderr
    rows = listed(db, "--attributes")
    assert [(row["name"], row["site"]) for row in rows] == [
        ("anna.txt", None),
        ("otter.txt", "north"),
    ]
    csv_rows = invoke(db, "documents", "--attributes", "--format", "csv").stdout.splitlines()
    assert csv_rows[0].endswith(",finished,site") and csv_rows[2].endswith(",north")
    table = invoke(db, "documents", "--attributes").stdout
    assert "site" in table and "north" in table
    assert "site" not in invoke(db, "documents").stdout


def test_resegment_prints_speakers_before_and_after(db: Path) -> None:
    first = invoke(db, "document", "resegment", "otter.txt")
    assert first.exit_code == 0, first.stderr
    assert "nothing to change" in first.stdout
    assert "'Peter Smit' looks like a speaker label but was not taken" in first.stderr
    result = invoke(db, "document", "resegment", "otter.txt", "--speaker", "Peter Smit")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "speakers to take: (none) -> Peter Smit"
    assert lines[1] == ("speakers before: Interviewer (interviewer, 1 turn), Maria Jansen (1 turn)")
    assert lines[2].endswith("Maria Jansen (1 turn), Peter Smit (1 turn)")
    assert lines[3] == "turns: 2 -> 3, sentences: 3, words: 6 -> 4, preambles: 0"
    assert result.stderr == ""
    shown = invoke(db, "show", "otter.txt").stdout
    assert "Peter Smit: I disagree." in shown


def test_finish_and_unfinish_several_documents(db: Path) -> None:
    result = invoke(db, "documents", "finish", "1", "otter.txt")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "finished: anna.txt (document 1)",
        "finished: otter.txt (document 2)",
    ]
    assert all(row["finished"] for row in listed(db))
    again = invoke(db, "documents", "finish", "1")
    assert again.stdout == "nothing to change\n"
    assert again.stderr == "already finished: anna.txt (document 1)\n"
    assert invoke(db, "documents", "unfinish", "2").stdout == "unfinished: otter.txt (document 2)\n"
    assert [row["finished"] for row in listed(db)] == [True, False]


def test_delete_says_what_goes_and_deletes_only_when_told_yes(db: Path) -> None:
    with Project.open(db, "ana") as ana:
        codebook.import_codebook(ana, codebook.read_codebook_file(ICVC))
        avoidance = next(node.id for node in codebook.tree(ana) if node.name == "Avoidance")
        codings.add_coding(ana, 1, 0, 4, avoidance)

    def delete(*args: str, answer: str) -> Result:
        return CliRunner().invoke(cli, ["--db", str(db), "document", "delete", *args], input=answer)

    words = {row["name"]: row["words"] for row in listed(db)}
    kept = delete("anna.txt", answer="n\n")
    assert kept.exit_code == 0 and kept.stdout == "nothing deleted\n"
    what = f"anna.txt (document 1, {words['anna.txt']} words)"
    assert f"to delete: {what}: 1 coding (ana 1)\n" in kept.stderr
    assert "this cannot be undone" in kept.stderr
    assert [row["name"] for row in listed(db)] == ["anna.txt", "otter.txt"]

    done = delete("anna.txt", answer="y\n")
    assert done.exit_code == 0, done.stderr
    assert done.stdout == f"deleted {what}: 1 coding (ana 1)\n"
    assert [row["name"] for row in listed(db)] == ["otter.txt"]
    quiet = delete("2", "--yes", answer="")
    assert (
        quiet.stdout == f"deleted otter.txt (document 2, {words['otter.txt']} words): 0 codings\n"
    )
    assert quiet.stderr == ""


def test_several_documents_are_deleted_in_one_action_or_none(db: Path) -> None:
    with Project.open(db, "ana") as ana:
        codebook.import_codebook(ana, codebook.read_codebook_file(ICVC))
        avoidance = next(node.id for node in codebook.tree(ana) if node.name == "Avoidance")
        codings.add_coding(ana, 2, 0, 4, avoidance)
    asked = CliRunner().invoke(
        cli, ["--db", str(db), "document", "delete", "1", "otter.txt", "1"], input="n\n"
    )
    assert asked.stderr.count("to delete: ") == 2  # one line each, a DOC given twice once
    assert "delete these 2 documents? this cannot be undone" in asked.stderr
    # tester may not remove ana's codings without confirming: refused, and neither goes.
    from qualcope.services.document_delete import delete_documents
    from qualcope.services.ownership import OthersCodingError

    with Project.open(db, "tester") as tester:
        with pytest.raises(OthersCodingError):
            delete_documents(tester, [1, 2])
    assert [row["name"] for row in listed(db)] == ["anna.txt", "otter.txt"]
    done = invoke(db, "document", "delete", "1", "otter.txt", "--yes")
    assert [line.split(" (")[0] for line in done.stdout.splitlines()] == [
        "deleted anna.txt",
        "deleted otter.txt",
    ]
    assert listed(db) == []  # a script gets its empty list, not nothing
    assert invoke(db, "documents", "--format", "csv").stdout.startswith("id,name,case,")


def test_delete_with_no_one_to_answer_is_refused(db: Path) -> None:
    result = _run("document", "delete", "anna.txt", cwd=db.parent)
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert last == (
        "qualcope: error: anna.txt: not deleted (no answer); add --yes to delete without asking"
    )
    assert [row["name"] for row in listed(db)] == ["anna.txt", "otter.txt"]


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "qualcope", "--db", "study.db", *args],
        capture_output=True,
        stdin=subprocess.DEVNULL,
        text=True,
        cwd=cwd,
        timeout=120,
    )


@pytest.mark.parametrize(
    "args, message",
    [
        (["document", "set", "nothing.txt", "--case", "x"], "no document 'nothing.txt'"),
        (["document", "set", "1", "--lang", "qq"], "unknown language 'qq'"),
        (["document", "set", "1", "--attribute", "Site=x"], "did you mean 'site'?"),
        (["document", "set", "1", "--attribute", "site"], "write KEY=VALUE"),
        (["document", "set", "1", "--participant", "ec-c1"], "did you mean 'EC-C1'?"),
        (["document", "set", "1", "--interviewer", "A", "--no-interviewers"], "not both"),
        (["documents", "finish", "1", "99"], "no document '99'"),
        (["document", "resegment", "99"], "no document '99'"),
        (["document", "delete", "99", "--yes"], "no document '99'"),
    ],
)
def test_a_user_mistake_is_one_line_and_changes_nothing(
    db: Path, args: list[str], message: str
) -> None:
    assert invoke(db, "document", "set", "2", "--attribute", "site=north").exit_code == 0
    before = invoke(db, "documents", "--format", "csv", "--attributes").stdout
    result = _run(*args, cwd=db.parent)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("qualcope: error:"), result.stderr
    assert message in lines[0]
    assert invoke(db, "documents", "--format", "csv", "--attributes").stdout == before
