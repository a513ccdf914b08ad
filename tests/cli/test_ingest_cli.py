"""`qualcope import / documents / show / segments / codings` as a user runs them."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from rich.console import Console

from qualcope.cli import cli
from qualcope.cli.import_output import progress_bar
from qualcope.domain import ProgressUpdate
from tests.conftest import ICVC, SAMPLE_CORPUS

GOOD = "Interviewer: What happened?\n\nRespondent: [bold red]Nothing[/] happened, [laughs] really."


def invoke(db: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--db", str(db), *args], catch_exceptions=False)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "study.db"
    assert invoke(path, "init", "--codebook", str(ICVC)).exit_code == 0
    return path


def test_import_folder_with_manifest_then_list_show_and_segments(db: Path) -> None:
    result = invoke(db, "import", str(SAMPLE_CORPUS))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.count("imported ") == 9
    # The .docx was made from src/mobility_citizen.txt: one paragraph per turn.
    source = (SAMPLE_CORPUS / "src" / "mobility_citizen.txt").read_text(encoding="utf-8")
    paragraphs = [p for p in source.split("\n\n") if p.strip()]
    asked = sum(1 for p in paragraphs if p.startswith("Interviewer:"))
    assert (
        f"mobility_citizen.docx: {len(source.split()) - len(paragraphs):,} words, " in result.stdout
    )
    assert f"{len(paragraphs)} turns, {asked} by the interviewer" in result.stdout
    assert "9 imported (" in result.stderr and "0 failed" in result.stderr

    listed = json.loads(invoke(db, "documents", "--format", "json").stdout)
    assert len(listed) == 9 and {d["language"] for d in listed} == {"en", "nl"}
    assert all(d["respondent_turns"] > 0 and d["interviewer_turns"] > 0 for d in listed)
    table = invoke(db, "documents").stdout
    assert "EC-C1" in table and "9 documents" in table
    rows = invoke(db, "documents", "--format", "csv").stdout.splitlines()
    assert rows[0].startswith("id,name,case,role,participant,language,words") and len(rows) == 10

    shown = invoke(db, "show", "mobility_citizen.docx").stdout
    assert "Marleen: Sure. I got a letter from the city" in shown
    only = invoke(db, "show", "mobility_citizen.docx", "--respondent-only").stdout
    assert "Interviewer:" not in only and "Marleen:" in only

    segments = json.loads(
        invoke(db, "segments", "mobility_citizen.docx", "--format", "json").stdout
    )
    assert {s["kind"] for s in segments} == {"turn", "sentence"}
    first = next(s for s in segments if s["kind"] == "turn" and not s["interviewer"])
    assert first["speaker"] == "Marleen" and first["text"].startswith("Sure. I got a letter")
    assert first["turn_id"] == first["id"] is not None
    sentence = next(s for s in segments if s["kind"] == "sentence" and s["start"] == first["start"])
    assert sentence["id"] is None and sentence["turn_id"] == first["id"]
    assert (sentence["speaker"], sentence["text"]) == ("Marleen", "Sure.")


def test_transcript_markup_is_printed_literally(db: Path, tmp_path: Path) -> None:
    (tmp_path / "m.txt").write_text(GOOD, encoding="utf-8")
    assert invoke(db, "import", str(tmp_path / "m.txt")).exit_code == 0
    shown = invoke(db, "show", "m.txt").stdout
    assert "[bold red]Nothing[/] happened, [laughs] really." in shown
    csv_rows = invoke(db, "segments", "m.txt", "--kind", "turn", "--format", "csv").stdout
    assert csv_rows.splitlines()[2].endswith('"[bold red]Nothing[/] happened, [laughs] really."')


def test_turns_are_numbered_from_1_in_show_and_segments(db: Path, tmp_path: Path) -> None:
    """As in the workspace and in quotes: the first turn is turn 1 (offsets still count from 0)."""
    (tmp_path / "m.txt").write_text(
        "Interview notes, 3 May\n\n" + GOOD + "\n\nInterviewer: And then?", encoding="utf-8"
    )
    assert invoke(db, "import", str(tmp_path / "m.txt")).exit_code == 0
    shown = invoke(db, "show", "m.txt").stdout
    assert "[1] Interviewer: What happened?" in shown
    assert "[2] Respondent: [bold red]Nothing[/]" in shown
    assert "[3] Interviewer: And then?" in shown and "[0]" not in shown
    rows = json.loads(invoke(db, "segments", "m.txt", "--format", "json").stdout)
    turns = [r for r in rows if r["kind"] == "turn"]
    assert [t["turn"] for t in turns] == [1, 2, 3]
    number_of = {t["id"]: t["turn"] for t in turns}
    sentences = [r for r in rows if r["kind"] == "sentence"]
    assert sentences and all(s["turn"] == number_of[s["turn_id"]] for s in sentences)
    assert [r["turn"] for r in rows if r["kind"] == "preamble"] == [None]
    assert min(r["start"] for r in rows) == 0  # the preamble: positions are not renumbered
    table = invoke(db, "segments", "m.txt", "--kind", "turn", "--format", "csv").stdout
    assert [line.split(",")[2] for line in table.splitlines()[1:]] == ["1", "2", "3"]


def test_batch_lists_bad_files_and_exits_non_zero(db: Path, tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n....")
    result = invoke(
        db,
        "import",
        str(tmp_path / "good.txt"),
        str(tmp_path / "empty.txt"),
        str(tmp_path / "photo.txt"),
    )
    assert result.exit_code == 1
    assert f"qualcope: error: {tmp_path / 'empty.txt'}: the file is empty" in result.stderr
    assert "photo.txt: this looks like a PNG image" in result.stderr
    assert "1 imported" in result.stderr and "2 failed" in result.stderr
    assert "not imported: empty.txt, photo.txt" in result.stderr
    names = [d["name"] for d in json.loads(invoke(db, "documents", "--format", "json").stdout)]
    assert names == ["good.txt"]
    again = invoke(db, "import", str(tmp_path / "good.txt"))
    assert again.exit_code == 0 and "skipped" in again.stderr and "1 skipped" in again.stderr


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "qualcope", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


@pytest.mark.parametrize(
    "files, args, message",
    [
        ({"e.txt": b"  \n "}, ["import", "e.txt"], "e.txt: the document is empty"),
        ({"x.docx": b"not a zip"}, ["import", "x.docx"], "x.docx: is not a valid Word document"),
        (
            {"s.srt": b"1\n00:00:01,000 -> 00:00:02,000\nHi\n"},
            ["import", "s.srt"],
            "s.srt, line 2: expected a cue number and a timing line",
        ),
        (
            {"d/manifest.csv": b"file,role\ngone.txt,public servant\n"},
            ["import", "d"],
            "manifest.csv, line 2: file 'gone.txt' not found",
        ),
        ({}, ["show", "nothing.txt"], "no document 'nothing.txt'"),
        ({}, ["import", "a.txt", "--lang", "qq"], "unknown language 'qq'"),
        (
            {"s.csv": b"id,q1\nA,yes\n"},
            ["import", "s.csv", "--answer-column", "q1"],
            "a survey needs --respondent-column and at least one --answer-column",
        ),
        (
            {"s.csv": b"id,q1\nA,yes\n"},
            ["import", "s.csv", "--respondent-column", "id", "--answer-column", "q9"],
            "s.csv, line 1: no column 'q9' (columns: id, q1)",
        ),
        (
            {"s.csv": b"id,q1\nA,yes\n"},
            [
                "import",
                "s.csv",
                "--respondent-column",
                "id",
                "--answer-column",
                "q1",
                "--speaker-column",
                "id",
            ],
            "--speaker-column are for a spreadsheet of turns, not a survey",
        ),
    ],
    ids=["empty", "docx", "srt", "manifest", "show", "lang", "survey", "answers", "mixed"],
)
def test_a_user_mistake_is_one_line_non_zero_and_changes_nothing(
    tmp_path: Path, files: dict[str, bytes], args: list[str], message: str
) -> None:
    assert invoke(tmp_path / "qualcope.db", "init").exit_code == 0
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    for name, content in files.items():
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_bytes(content)
    before = invoke(tmp_path / "qualcope.db", "documents", "--format", "csv").output
    result = _run(*args, cwd=tmp_path)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and lines[0].startswith("qualcope: error:"), (
        result.stderr
    )
    assert invoke(tmp_path / "qualcope.db", "documents", "--format", "csv").output == before


def test_codings_import_and_export(db: Path, tmp_path: Path) -> None:
    assert invoke(db, "import", str(SAMPLE_CORPUS)).exit_code == 0
    result = invoke(db, "codings", "import", str(SAMPLE_CORPUS / "codings.csv"))
    assert result.exit_code == 0, result.stderr
    assert "codings added, 0 already present" in result.stderr
    assert "new coders: Reference coder" in result.stderr
    out = tmp_path / "out.csv"
    exported = invoke(db, "codings", "export", str(out))
    assert exported.exit_code == 0 and exported.stderr.startswith("wrote ")
    shipped = (SAMPLE_CORPUS / "codings.csv").read_text(encoding="utf-8").splitlines()
    assert len(out.read_text(encoding="utf-8").splitlines()) == len(shipped)
    mine = invoke(db, "codings", "export", str(out), "--only-coder", "nobody")
    assert "wrote 0 codings" in mine.stderr
    bad = tmp_path / "bad.csv"
    bad.write_text("file,start,end,code\nmobility_citizen.docx,5,2,Avoidance\n", encoding="utf-8")
    failed = invoke(db, "codings", "import", str(bad))
    assert failed.exit_code == 1
    assert re.fullmatch(
        rf"qualcope: error: {re.escape(str(bad))}, line 2: span 5-2 is outside "
        r"mobility_citizen\.docx \(0-\d+ in file positions\) or empty",
        failed.stderr.strip(),
    )


def test_progress_bar_shows_files_and_words_per_second() -> None:
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, width=120)
    with progress_bar("importing", console=console) as update:
        update(ProgressUpdate(1, 2, "a.txt: imported", 1_500))
        update(ProgressUpdate(2, 2, "[b.txt]: imported", 3_000))
    output = buffer.getvalue()
    assert "words/s" in output and "3,000 words" in output and "2/2" in output


def test_progress_bar_draws_nothing_when_not_a_terminal() -> None:
    buffer = io.StringIO()
    with progress_bar("importing", console=Console(file=buffer, force_terminal=False)) as update:
        update(ProgressUpdate(1, 1, "a", 10))
    assert buffer.getvalue() == ""


def test_import_prints_speakers_preamble_changes_and_labels_not_taken(
    db: Path, tmp_path: Path
) -> None:
    otter = tmp_path / "otter.txt"
    otter.write_bytes(
        b"\r\nInterview Maria - Otter.ai\r\nSPEAKERS\r\nMaria Jansen, Interviewer\r\n\r\n"
        b"Interviewer  0:04\r\nSo how did it start?\r\n\r\n"
        b"Maria Jansen  0:15\r\nWith a letter.\r\n\r\n"
        b"Peter Smit\r\nI disagree.\r\n\r\n"
        b"Transcribed by https://otter.ai\r\n"
    )
    result = invoke(db, "import", str(otter), "--lang", "en")
    assert result.exit_code == 0, result.stderr
    assert "speakers: Interviewer (interviewer, 1 turn), Maria Jansen (1 turn)" in result.stdout
    assert "preamble (no speaker, not counted): 2 blocks" in result.stdout
    assert "changed in the text: CRLF -> LF in 15 places" in result.stdout
    assert (
        f"warning: {otter}, line 12: 'Peter Smit' looks like a speaker label but was not taken"
        in result.stderr
    )
    again = tmp_path / "again"
    again.mkdir()
    (again / "otter.txt").write_bytes(otter.read_bytes().replace(b"0:04", b"0:05"))
    fixed = invoke(db, "import", str(again), "--speaker", "Peter Smit")
    assert "Peter Smit (1 turn)" in fixed.stdout and "warning" not in fixed.stderr


def test_named_speakers_without_an_interviewer_are_warned_about_with_the_fix(
    db: Path, tmp_path: Path
) -> None:
    """'Anna:' and 'Marie:' are both taken as respondents: the interviewer's questions would
    be counted and coded as answers. The import says so and gives the command that fixes it;
    the command it gives does, and a transcript with a role word is not warned about."""
    names = tmp_path / "names.txt"
    names.write_text("Anna: How did it start?\nMarie: With a school.\nAnna: Then?\n", "utf-8")
    result = invoke(db, "import", str(names), "--lang", "en")
    assert result.exit_code == 0, result.stderr
    assert "speakers: Anna (2 turns), Marie (1 turn)" in result.stdout
    warning = next(line for line in result.stderr.splitlines() if "interviewer" in line)
    assert warning.startswith(f"warning: {names}: no speaker was taken as the interviewer")
    command = warning.split("if one of them is: qualcope ")[1]
    assert command == "document set 1 --interviewer Anna"
    fixed = invoke(db, *command.split())
    assert "interviewer turns: 0 -> 2" in fixed.stdout, fixed.stderr
    resegmented = invoke(db, "document", "resegment", "names.txt")
    assert "Anna (interviewer, 2 turns)" in resegmented.stdout
    assert "no speaker was taken" not in resegmented.stderr

    roles = tmp_path / "roles.txt"
    roles.write_text("Enquêteur : Et alors ?\nMarie : Rien.\n", "utf-8")
    result = invoke(db, "import", str(roles))
    assert "2 turns, 1 by the interviewer, 2 sentences, fr (language guessed as fr)" in (
        result.stdout
    )
    assert "warning" not in result.stderr


def test_a_transcript_without_a_speaker_label_is_noted_with_the_fix(
    db: Path, tmp_path: Path
) -> None:
    """Labels qualcope does not know (`Spreker 1 -`) leave a transcript of turns of no one,
    all counted as respondents' words: the import says so and the command it gives fixes it.
    A subtitle file cannot be resegmented: it is deleted and imported again."""
    odd = tmp_path / "odd.txt"
    odd.write_text("Spreker 1 -- Hoe begon het?\n\nSpreker 2 -- Met een brief.\n", "utf-8")
    result = invoke(db, "import", str(odd), "--lang", "nl")
    assert result.exit_code == 0, result.stderr
    note = next(line for line in result.stderr.splitlines() if line.startswith("note:"))
    assert note.startswith(
        f"note: {odd}: no speaker label found, so its 2 turns without a speaker count as "
        "respondents' words; if it names its speakers in a way qualcope does not know: "
    )
    command = note.split("does not know: qualcope ")[1]
    assert command == "document resegment 1 --speaker LABEL"
    fixed = invoke(
        db, "document", "resegment", "1", "--speaker", "Spreker 1", "--speaker", "Spreker 2"
    )
    assert "speakers after:  Spreker 1 (1 turn), Spreker 2 (1 turn)" in fixed.stdout

    cues = tmp_path / "cues.vtt"
    cues.write_text("WEBVTT\n\n00:00.000 --> 00:02.000\nHoe begon het?\n", "utf-8")
    result = invoke(db, "import", str(cues), "--lang", "nl")
    assert "qualcope document delete 2, then import it again with --speaker LABEL" in (
        result.stderr
    )
    labelled = tmp_path / "labelled.txt"
    labelled.write_text("Interviewer: Why?\n\nRespondent: Because.\n", "utf-8")
    assert "note:" not in invoke(db, "import", str(labelled), "--lang", "en").stderr


def test_one_of_each_is_counted_in_the_singular(db: Path, tmp_path: Path) -> None:
    one = tmp_path / "one.txt"
    one.write_text("Yes.", encoding="utf-8")
    result = invoke(db, "import", str(one), "--lang", "en")
    assert "imported one.txt: 1 word, 1 turn, 1 sentence, en" in result.stdout


def test_a_batch_where_every_file_fails_still_ends_with_its_summary(
    db: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    (folder / "scan.txt").write_bytes(b"%PDF-1.4 nothing")
    (folder / "README.txt").write_text("How this folder was made.", encoding="utf-8")
    result = invoke(db, "import", str(folder))
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert lines[-2] == "0 imported (0 words, 0 words/s), 0 skipped, 2 failed"
    assert lines[-1] == "not imported: empty.txt, scan.txt"
    assert any("README.txt (a README, not a transcript" in line for line in lines)


def test_a_spreadsheet_of_turns_and_a_manifest_with_new_roles(db: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "turns.csv"
    sheet.write_text(
        "interview;speaker;text;type;school\n"
        "T1;Ann;How long have you taught?;interviewer;North\n"
        "T1;Bob;Ten years.;interviewee;North\n"
        "T2;Ann;And you?;interviewer;South\n"
        "T2;Cas;Two.;interviewee;South\n",
        encoding="utf-8",
    )
    refused = invoke(db, "import", str(sheet))
    assert refused.exit_code == 1 and "--document-column" in refused.stderr
    args = ["--document-column", "interview", "--speaker-column", "speaker"]
    args += ["--text-column", "text", "--interviewer-column", "type", "--case-column", "school"]
    result = invoke(db, "import", str(sheet), *args, "--role", "teacher")
    assert result.exit_code == 0, result.stderr
    assert "imported T1: 7 words, 2 turns, 1 by the interviewer" in result.stdout
    assert "new roles: teacher" in result.stderr and "new cases: North, South" in result.stderr
    shown = invoke(db, "show", "T2").stdout
    assert "Ann: And you?" in shown and "Cas: Two." in shown
    typo = invoke(db, "import", str(sheet), *args, "--role", "teachr")
    assert typo.exit_code == 1
    assert typo.stderr.strip() == (
        "qualcope: error: role 'teachr' is close to the known role 'teacher': did you mean "
        "'teacher'? (a new role that only looks like it: --allow-similar)"
    )


def test_a_survey_imports_one_document_a_respondent(db: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "survey.csv"
    sheet.write_text("id,age,q1\nA,30,We waited.\nB,41,\n", encoding="utf-8")
    result = _run(
        "--db",
        str(db),
        "import",
        str(sheet),
        "--respondent-column",
        "id",
        "--answer-column",
        "q1",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "imported survey A: 3 words, 2 turns, 1 by the interviewer" in result.stdout
    assert "ignored 1 respondent(s) with no answer in q1: B" in result.stderr
    shown = invoke(db, "show", "survey A").output
    assert "[1] Question: q1" in shown and "[2] A: We waited." in shown
