"""Transcript commands: import, show, segments (the import's output is ``cli.import_output``)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from qualcope.cli.common import (
    common_options,
    emit_rows,
    format_option,
    label_options,
    open_project,
)
from qualcope.cli.import_output import progress_bar, summarise
from qualcope.errors import ImportFileError

if TYPE_CHECKING:
    from qualcope.domain import SegmentView


@click.command(
    "import",
    epilog="""\b
Examples:
  qualcope import sample_corpus/                      a folder with a manifest.csv
  qualcope import interviews/ --case "urban mobility planning" --role "public servant"
  qualcope import anna.docx --participant MO-C1 --role "citizen co-producer" --lang en
  qualcope import old_notes.txt --encoding cp1252
  qualcope import focus.vtt --interviewer Ana          Ana's turns are the interviewer's
  qualcope import otter.txt --speaker "Peter Smit"     a label Otter left without a time
  qualcope import turns.xlsx --document-column interview --speaker-column speaker \\
      --text-column text --interviewer-column speaker_type --case-column site
  qualcope import survey.csv --respondent-column Case --answer-column freetext
  qualcope import project nvivo-export.qdpx --into study.db   a REFI-QDA project
  qualcope import project ~/QualCoder/study.qda --into study.db
  qualcope import project taguette-export.sqlite3 --into study.db
""",
)
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--case", metavar="NAME", help="Case of every file (created when new).")
@click.option("--role", metavar="ROLE", help="Actor role of the participant(s) (new ones too).")
@click.option("--participant", metavar="ID", help="Participant label (created when new).")
@click.option("--lang", metavar="CODE", help="Language (en, nl, ...); guessed when not given.")
@click.option("--encoding", metavar="ENC", help="Encoding of text files (e.g. cp1252).")
@label_options(
    "A speaker label whose turns are the interviewer's (besides Interviewer, I, Q...).",
    "A speaker label to take wherever it starts a line, even alone on its line.",
)
@click.option(
    "--allow-similar",
    is_flag=True,
    help="Accept a new role, case or column that is one typo away from a known one.",
)
@click.option(
    "--document-column",
    metavar="COLUMN",
    help="Spreadsheet of turns (.csv/.xlsx): the column naming each row's interview.",
)
@click.option("--speaker-column", metavar="COLUMN", help="Spreadsheet: the speaker column.")
@click.option("--text-column", metavar="COLUMN", help="Spreadsheet: the column of what was said.")
@click.option("--time-column", metavar="COLUMN", help="Spreadsheet: a timestamp column.")
@click.option(
    "--interviewer-column",
    metavar="COLUMN",
    help="Spreadsheet: a column saying which rows are the interviewer's (interviewer/yes/...).",
)
@click.option("--case-column", metavar="COLUMN", help="Spreadsheet: each interview's case.")
@click.option("--role-column", metavar="COLUMN", help="Spreadsheet: each interview's role.")
@click.option(
    "--participant-column", metavar="COLUMN", help="Spreadsheet: each interview's participant."
)
@click.option(
    "--respondent-column",
    metavar="COLUMN",
    help="Survey (.csv/.xlsx, one row a respondent): the column naming each respondent.",
)
@click.option(
    "--answer-column",
    "answer_columns",
    metavar="COLUMN",
    multiple=True,
    help="Survey: a column of answers to one open question (repeat for several).",
)
@click.option("--sheet", metavar="NAME", help="Spreadsheet: the worksheet (default the first).")
@click.option(
    "--into",
    type=click.Path(path_type=Path),
    help="A whole project (.qdpx, QualCoder .qda, Taguette .sqlite3): import it into this new "
    "project file.",
)
@click.option(
    "--lenient",
    is_flag=True,
    help="A whole project: leave out selections that point at nothing or at the wrong text.",
)
@common_options
@click.pass_context
def import_(
    ctx: click.Context,
    paths: tuple[Path, ...],
    case: str | None,
    role: str | None,
    participant: str | None,
    lang: str | None,
    encoding: str | None,
    interviewers: tuple[str, ...],
    speakers: tuple[str, ...],
    allow_similar: bool,
    into: Path | None,
    lenient: bool,
    respondent_column: str | None,
    answer_columns: tuple[str, ...],
    **table: str | None,
) -> None:
    """Import transcripts (.txt .md .docx .odt .vtt .srt .rtf): files, or folders; or a
    spreadsheet of turns (.csv .xlsx) with --document-column, --speaker-column and
    --text-column, one document per interview; or a survey's open answers (.csv .xlsx, one
    row a respondent) with --respondent-column and --answer-column; or another tool's whole
    project (`qualcope import project FILE.qdpx|NAME.qda|NAME.sqlite3`, into an empty project
    or --into NEW.db).

    A folder with a manifest.csv (file, case, role, participant, lang, interviewer,
    speakers and any extra columns, kept as attributes) imports what it lists; otherwise
    the options apply to every file. New roles, cases and columns are created and listed;
    one that only differs from a known one by case, spacing or a typo is refused. Each
    file is its own transaction: good files land, bad ones are listed, and the exit code is
    non-zero when any failed. Files already imported are skipped. Every file's speakers,
    preamble and changes to its text are printed, and lines that look like speaker labels
    but were not taken are warned about. Codings a tool wrote into the text as marks
    (qcoder's `(QCODE)...(/QCODE){#code}`) become the importing coder's codings.
    """
    from qualcope.cli.spreadsheet_import import import_survey_table, import_turn_table
    from qualcope.services.importing import import_paths

    whole = _whole_project(paths)
    if whole is not None:
        from qualcope.cli.exchange_cmds import import_project

        import_project(ctx, whole, into, lenient)
        return
    if into is not None:
        raise ImportFileError("--into is for a whole project of another tool (.qdpx, .qda)")
    if respondent_column or answer_columns:
        import_survey_table(
            ctx,
            paths,
            respondent_column,
            answer_columns,
            table,
            case,
            role,
            lang,
            encoding,
            allow_similar,
        )
        return
    if any(table.values()):
        import_turn_table(
            ctx,
            paths,
            table,
            case,
            role,
            participant,
            lang,
            encoding,
            interviewers,
            allow_similar,
        )
        return
    tables = [p for p in paths if p.suffix.lower() in (".csv", ".xlsx", ".xlsm")]
    if tables:
        raise ImportFileError(
            "is a spreadsheet: to import it as transcripts, one row per turn, give "
            "--document-column, --speaker-column and --text-column; as a survey, one row "
            "per respondent, give --respondent-column and --answer-column",
            path=tables[0],
        )
    with open_project(ctx) as project, progress_bar("importing") as on_progress:
        report = import_paths(
            project,
            list(paths),
            case=case,
            role=role,
            participant=participant,
            lang=lang,
            encoding=encoding,
            interviewers=interviewers,
            speakers=speakers,
            allow_similar=allow_similar,
            on_progress=on_progress,
        )
    summarise(ctx, report)


def _whole_project(paths: tuple[Path, ...]) -> Path | None:
    """The project file of `qualcope import project FILE` or `qualcope import FILE.qdpx`."""
    from qualcope.services.exchange import is_project_file

    if len(paths) == 2 and str(paths[0]) == "project" and not paths[0].exists():
        return paths[1]
    if len(paths) == 1 and is_project_file(paths[0]):
        return paths[0]
    if any(is_project_file(p) for p in paths):
        raise ImportFileError("import one project of another tool at a time")
    return None


@click.command(
    epilog="""\b
Examples:
  qualcope show 3
  qualcope show mobility_citizen.docx
  qualcope show 3 --respondent-only | less
"""
)
@click.argument("document")
@click.option("--respondent-only", is_flag=True, help="Leave out the interviewer's turns.")
@common_options
@click.pass_context
def show(ctx: click.Context, document: str, respondent_only: bool) -> None:
    """Print a transcript turn by turn, numbered from 1 (DOCUMENT is an id, a name or a GUID)."""
    from rich.console import Console
    from rich.text import Text

    from qualcope.services.documents import find_document, get_document, list_segments

    with open_project(ctx) as project:
        document_id = find_document(project, document)
        view = get_document(project, document_id)
        turns = [s for s in list_segments(project, document_id) if s.kind != "sentence"]
    ref = view.ref
    console = Console(file=sys.stdout, highlight=False, soft_wrap=not sys.stdout.isatty())
    facts = [ref.case, ref.role, ref.participant, ref.language, f"{ref.words:,} words"]
    console.print(Text(f"{ref.name} (document {ref.id})", style="bold"))
    console.print(Text(" · ".join(f for f in facts if f), style="dim"))
    for turn in turns:
        if respondent_only and (turn.is_interviewer or turn.kind == "preamble"):
            continue
        line = Text()
        if turn.kind == "preamble":  # nobody's words: a title, a date line, a footer
            line.append("(preamble) ", style="dim")
            line.append(turn.text, style="dim italic")
            console.print()
            console.print(line)
            continue
        line.append(f"[{turn_number(turn)}] ", style="dim")
        if turn.speaker:
            line.append(f"{turn.speaker}: ", style="bold cyan" if turn.is_interviewer else "bold")
        line.append(turn.text, style="italic" if turn.is_interviewer else "")
        console.print()
        console.print(line)


def turn_number(segment: SegmentView) -> int | None:
    """The number of the turn holding a segment, counted from 1 as everywhere in qualcope
    (stored turn indexes count from 0); None for a preamble or a sentence outside any turn."""
    if segment.kind == "turn" or (segment.kind == "sentence" and segment.parent_id is not None):
        return segment.turn_index + 1
    return None


SEGMENT_COLUMNS = (
    "id",
    "kind",
    "turn",
    "turn_id",
    "speaker",
    "interviewer",
    "start",
    "end",
    "positions",
    "text",
)


@click.command(
    epilog="""\b
Examples:
  qualcope segments 3
  qualcope segments mobility_citizen.docx --kind sentence --format csv > sentences.csv
  qualcope segments 3 --format json | jq '.[] | select(.interviewer == false)'
  qualcope segments 3 --positions stored        offsets into qualcope's text
"""
)
@click.argument("document")
@click.option(
    "--kind",
    type=click.Choice(["turn", "sentence", "preamble"]),
    help="Only turns, sentences or preamble spans.",
)
@click.option(
    "--positions",
    type=click.Choice(["file", "stored"]),
    default="file",
    show_default=True,
    help="Offsets as characters of the imported file, or of qualcope's stored text.",
)
@format_option
@common_options
@click.pass_context
def segments(ctx: click.Context, document: str, kind: str | None, positions: str, fmt: str) -> None:
    """List a document's segments (turns, sentences, preambles) with exact offsets.

    Turns have ids; a sentence is identified by its offsets, and turn_id is the turn holding
    it; turn is that turn's number in the document, counted from 1. A preamble (a title, a
    date line, a footer) belongs to no speaker. Offsets are file positions by default, as
    `codings import` and other tools count them.
    """
    from qualcope.services.documents import document_positions, find_document, list_segments

    with open_project(ctx) as project:
        document_id = find_document(project, document)
        found = list_segments(project, document_id, kind)
        where = document_positions(project, document_id)
    rows = []
    for s in found:
        start, end, used = where.to_kind(s.start, s.end, positions)
        rows.append(
            {
                "id": s.id,
                "kind": s.kind,
                "turn": turn_number(s),
                "turn_id": s.id if s.kind == "turn" else s.parent_id,
                "speaker": s.speaker,
                "interviewer": s.is_interviewer,
                "start": start,
                "end": end,
                "positions": used,
                "text": s.text,
            }
        )
    emit_rows(rows, SEGMENT_COLUMNS, fmt)


def register(group: click.Group) -> None:
    group.add_command(import_)
    group.add_command(show)
    group.add_command(segments)
