"""Document commands: `documents` (the listing, `finish`, `unfinish`) and `document` (`set`,
`resegment`): fixing what an import got wrong without importing again."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import click

from qualcope.cli.common import (
    coder_name,
    common_options,
    emit_rows,
    err_console_print,
    format_option,
    label_options,
    open_project,
    project_location,
    warn_about_storage,
)
from qualcope.cli.import_output import interviewer_hint, speaker_summary
from qualcope.db.sqlite_file import sqlite_file_of
from qualcope.domain import DocumentRef
from qualcope.errors import QualcopeError
from qualcope.wording import plural

if TYPE_CHECKING:
    from qualcope.services.document_delete import DocumentRemoval

DOCUMENT_COLUMNS = (
    "id",
    "name",
    "case",
    "role",
    "participant",
    "language",
    "words",
    "respondent_turns",
    "interviewer_turns",
    "coded_turns",
    "progress",
    "finished",
)
SHORT_COLUMNS = ("id", "name", "case", "role", "participant", "lang", "words", "turns", "int.")


@click.group(
    invoke_without_command=True,
    epilog="""\b
Examples:
  qualcope documents
  qualcope documents --format csv > documents.csv
  qualcope documents --case "social elderly care" --format json
  qualcope documents --attributes --format csv      one column per attribute
  qualcope documents finish 3 4 mobility_citizen.docx
  qualcope documents unfinish 4
""",
)
@format_option
@click.option("--case", metavar="NAME", help="Only documents of this case.")
@click.option("--role", metavar="ROLE", help="Only documents of participants with this role.")
@click.option(
    "--attributes",
    "with_attributes",
    is_flag=True,
    help="One more column per attribute of the documents and their participants.",
)
@common_options
@click.pass_context
def documents(
    ctx: click.Context, fmt: str, case: str | None, role: str | None, with_attributes: bool
) -> None:
    """List documents: case, role, participant, language, words, turns and coding progress.

    `documents finish` and `documents unfinish` set your finished mark on documents.
    """
    if ctx.invoked_subcommand is not None:
        return
    refs, keys, attributes = _listing(ctx, case, role, with_attributes)
    if not refs:
        err_console_print("no documents yet; add some with `qualcope import PATH`")
        if fmt != "table":  # a script still gets its empty list or header
            emit_rows([], DOCUMENT_COLUMNS, fmt)
        return
    rows = [
        {
            "id": ref.id,
            "name": ref.name,
            "case": ref.case,
            "role": ref.role,
            "participant": ref.participant,
            "language": ref.language,
            "words": ref.words,
            "respondent_turns": ref.respondent_turns,
            "interviewer_turns": ref.interviewer_turns,
            "coded_turns": ref.coded_turns,
            "progress": round(ref.progress, 3),
            "finished": ref.finished,
        }
        for ref in refs
    ]
    # An attribute named like a column ("role") must not hide the column.
    extra = {key: f"attribute {key}" if key in DOCUMENT_COLUMNS else key for key in keys}
    found = {ref.id: attributes.get(ref.id, {}) for ref in refs}
    if fmt != "table":
        for row in rows:
            row.update({column: found[row["id"]].get(key) for key, column in extra.items()})
        emit_rows(rows, (*DOCUMENT_COLUMNS, *extra.values()), fmt)
        return
    # A terminal is narrow: short headers, progress as a percentage.
    short = [
        {
            **{k: row[k] for k in ("id", "name", "case", "role", "participant")},
            "words": f"{row['words']:,}",
            "lang": row["language"],
            "turns": row["respondent_turns"],
            "int.": row["interviewer_turns"],
            "coded": f"{row['progress']:.0%}" + (" done" if row["finished"] else ""),
            **{column: found[row["id"]].get(key) for key, column in extra.items()},
        }
        for row in rows
    ]
    columns = (*SHORT_COLUMNS, "coded", *extra.values())
    emit_rows(short, columns, fmt, title=f"{len(rows)} documents")


def _listing(
    ctx: click.Context, case: str | None, role: str | None, with_attributes: bool
) -> tuple[list[DocumentRef], list[str], dict[int, dict[str, str]]]:
    """The documents, straight from a current SQLite project when it is one (a listing should
    not wait for SQLAlchemy to load), else through the project as every command opens it."""
    from qualcope.config import project_location as resolve_location
    from qualcope.services.document_listing import quick_document_listing

    location = resolve_location(project_location(ctx))
    quick = quick_document_listing(
        location, coder_name(ctx), case=case, role=role, with_attributes=with_attributes
    )
    if quick is not None:
        warn_about_storage(sqlite_file_of(location))
        return quick.refs, quick.attribute_keys, quick.attributes
    from qualcope.services.document_edit import document_attributes
    from qualcope.services.documents import list_documents

    with open_project(ctx) as project:
        refs = list_documents(project, case=case, role=role)
        keys, attributes = document_attributes(project) if with_attributes else ([], {})
    return refs, keys, attributes


def _mark(ctx: click.Context, keys: Sequence[str], finished: bool) -> None:
    from qualcope.services.document_edit import set_finished_many
    from qualcope.services.documents import find_document

    word = "finished" if finished else "unfinished"
    with open_project(ctx) as project:
        ids = [find_document(project, key) for key in keys]
        marks = set_finished_many(project, ids, finished)
    for mark in marks:
        if mark.changed:
            click.echo(f"{word}: {mark.name} (document {mark.document_id})")
        else:
            err_console_print(f"already {word}: {mark.name} (document {mark.document_id})")
    if not any(mark.changed for mark in marks):
        click.echo("nothing to change")


@documents.command(
    epilog="""\b
Examples:
  qualcope documents finish 3
  qualcope documents finish 3 4 mobility_citizen.docx     one action: one undo
"""
)
@click.argument("keys", metavar="DOC...", nargs=-1, required=True)
@common_options
@click.pass_context
def finish(ctx: click.Context, keys: tuple[str, ...]) -> None:
    """Mark documents finished (your mark; each DOC is an id, a name or a GUID).

    A finished document's uncoded sentences teach the suggestion model what is not a code.
    """
    _mark(ctx, keys, True)


@documents.command(
    epilog="""\b
Examples:
  qualcope documents unfinish 3
  qualcope documents unfinish 3 4
"""
)
@click.argument("keys", metavar="DOC...", nargs=-1, required=True)
@common_options
@click.pass_context
def unfinish(ctx: click.Context, keys: tuple[str, ...]) -> None:
    """Take your finished mark off documents (each DOC is an id, a name or a GUID)."""
    _mark(ctx, keys, False)


@click.group(
    epilog="""\b
Examples:
  qualcope document set 3 --role "public servant"
  qualcope document set anna.docx --interviewer Anna
  qualcope document resegment 3 --speaker "Peter Smit"
  qualcope document delete consent_form.docx
"""
)
def document() -> None:
    """Fix one document after import: its facts (`set`) and its turns (`resegment`), or
    delete it (`delete`)."""


@document.command(
    "set",
    epilog="""\b
Examples:
  qualcope document set 3 --role "public servant"       the role of its participant
  qualcope document set anna.docx --case "urban mobility planning" --participant MO-C1
  qualcope document set 3 --interviewer Anna --interviewer Ben   re-marks the turns
  qualcope document set 3 --no-interviewers
  qualcope document set 3 --attribute gender=f --attribute age=     age= removes age
  qualcope document set 3 --lang nl && qualcope document resegment 3
""",
)
@click.argument("doc")
@click.option("--name", metavar="NAME", help="Rename the document.")
@click.option("--case", metavar="NAME", help="The document's case (created when new).")
@click.option("--participant", metavar="LABEL", help="Its participant (created when new).")
@click.option("--role", metavar="ROLE", help="The role of its participant.")
@click.option("--lang", metavar="CODE", help="Its language (en, nl, ...).")
@label_options(
    "A speaker whose turns are the interviewer's (replaces the names given before).",
    "A label to take as a speaker at the next resegment (replaces those given before).",
)
@click.option("--no-interviewers", is_flag=True, help="No named interviewers (role words stay).")
@click.option("--no-speakers", is_flag=True, help="No extra speaker labels.")
@click.option(
    "--attribute",
    "attributes",
    metavar="KEY=VALUE",
    multiple=True,
    help="Set an attribute; KEY= removes it.",
)
@click.option(
    "--allow-similar",
    is_flag=True,
    help="Accept a new role, case or attribute that looks like a known one (not a typo).",
)
@common_options
@click.pass_context
def set_(
    ctx: click.Context,
    doc: str,
    name: str | None,
    case: str | None,
    participant: str | None,
    role: str | None,
    lang: str | None,
    interviewers: tuple[str, ...],
    no_interviewers: bool,
    speakers: tuple[str, ...],
    no_speakers: bool,
    attributes: tuple[str, ...],
    allow_similar: bool,
) -> None:
    """Change a document's name, case, participant, role, language, attributes, and the
    speakers that are the interviewer's (DOC is an id, a name or a GUID).

    One undoable action (`u` in the workspace reverts all of it); one line per change.
    """
    from qualcope.services.document_edit import parse_attribute, set_document
    from qualcope.services.documents import find_document

    pairs = dict(parse_attribute(text) for text in attributes)
    with open_project(ctx) as project:
        edit = set_document(
            project,
            find_document(project, doc),
            name=name,
            case=case,
            participant=participant,
            role=role,
            language=lang,
            attributes=pairs,
            interviewers=_either(interviewers, no_interviewers, "interviewer"),
            speakers=_either(speakers, no_speakers, "speaker"),
            allow_similar=allow_similar,
        )
    for line in edit.changes:
        click.echo(line)
    for note in edit.notes:
        err_console_print(f"note: {note}")
    if not edit.changes:
        click.echo("nothing to change")


def _either(given: tuple[str, ...], none: bool, what: str) -> list[str] | None:
    if given and none:
        raise QualcopeError(f"give --{what} or --no-{what}s, not both")
    return [] if none else list(given) or None


@document.command(
    epilog="""\b
Examples:
  qualcope document resegment 3
  qualcope document resegment 3 --speaker "Peter Smit"     a name alone on its line
  qualcope document resegment anna.txt --interviewer Anna
"""
)
@click.argument("doc")
@label_options(
    "A speaker whose turns are the interviewer's (replaces the names given before).",
    "A label to take as a speaker wherever it starts a line, even alone on its line.",
)
@common_options
@click.pass_context
def resegment(
    ctx: click.Context, doc: str, interviewers: tuple[str, ...], speakers: tuple[str, ...]
) -> None:
    """Re-detect a document's turns in its text with its settings, and re-split its sentences.

    The text and its codings stay exactly as they are; suggestions move to the turns now
    holding them. One undoable action: `u` in the workspace brings the old turns back.
    """
    from qualcope.services.documents import find_document
    from qualcope.services.resegment import resegment as run

    with open_project(ctx) as project:
        done = run(
            project,
            find_document(project, doc),
            interviewers=list(interviewers) or None,
            speakers=list(speakers) or None,
        )
    for line in done.changes:
        click.echo(line)
    before, after = done.speakers
    click.echo(f"speakers before: {speaker_summary(before)}")
    click.echo(f"speakers after:  {speaker_summary(after)}")
    click.echo(", ".join(_count(what, *pair) for what, pair in done.counts.items()))
    if done.repointed:
        click.echo(f"suggestions moved to their new turns: {done.repointed}")
    hint = interviewer_hint(doc, after)
    if hint:
        err_console_print(f"warning: {hint}")
    for note in done.label_notes:
        err_console_print(f"warning: {note}")
    if not done.changed:
        click.echo("nothing to change: the turns and sentences are the same")


@document.command(
    epilog="""\b
Examples:
  qualcope document delete 7                      says what goes, then asks
  qualcope document delete consent_form.docx --yes
  qualcope document delete 12 13 14               one action: all or none
"""
)
@click.argument("keys", metavar="DOC...", nargs=-1, required=True)
@click.option("--yes", is_flag=True, help="Delete without asking (for scripts).")
@common_options
@click.pass_context
def delete(ctx: click.Context, keys: tuple[str, ...], yes: bool) -> None:
    """Delete documents with their turns, codings, links, memos, suggestions and finished
    marks (each DOC is an id, a name or a GUID); their participants and cases stay.

    Says what goes and asks first. Not undoable: import a file again to bring its text
    back (`qualcope codings export` keeps its codings first).
    """
    from qualcope.services.document_delete import delete_documents, document_removal
    from qualcope.services.documents import find_document

    with open_project(ctx) as project:
        ids = list(dict.fromkeys(find_document(project, key) for key in keys))
        removals = [document_removal(project, document_id) for document_id in ids]
        if not yes:
            for removal in removals:
                click.echo(f"to delete: {_what(removal)}: {removal.describe()}", err=True)
            them = "it" if len(ids) == 1 else f"these {len(ids)} documents"
            try:
                agreed = click.confirm(f"delete {them}? this cannot be undone", err=True)
            except click.Abort:
                click.echo(err=True)  # end the prompt's line
                names = ", ".join(removal.name for removal in removals)
                raise QualcopeError(
                    f"{names}: not deleted (no answer); add --yes to delete without asking"
                ) from None
            if not agreed:
                click.echo("nothing deleted")
                return
        done = delete_documents(project, ids, others_confirmed=True)
    for removal in done:
        click.echo(f"deleted {_what(removal)}: {removal.describe()}")


def _what(removal: DocumentRemoval) -> str:
    return f"{removal.name} (document {removal.document_id}, {plural(removal.words, 'word')})"


def _count(what: str, before: int, after: int) -> str:
    return f"{what}: {before:,}" if before == after else f"{what}: {before:,} -> {after:,}"


def register(group: click.Group) -> None:
    group.add_command(documents)
    group.add_command(document)
