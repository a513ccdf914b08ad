"""The `qualcope` command: a thin layer over the services.

Data goes to stdout, diagnostics to stderr; a user's mistake is one line on
stderr and a non-zero exit, never a traceback. Heavy libraries (spaCy,
pandas, Textual) are imported only inside the commands that need them, so
`qualcope --help` stays instant.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from qualcope import __version__
from qualcope.cli.common import EXAMPLES, QualcopeGroup, common_options, run_tui_or_help

# Each module adds its commands to the group with register(group).
COMMAND_MODULES = (
    "qualcope.cli.project_cmds",
    "qualcope.cli.codebook_cmds",
    "qualcope.cli.ingest_cmds",
    "qualcope.cli.document_cmds",
    "qualcope.cli.coding_cmds",
    "qualcope.cli.suggest_cmds",
    "qualcope.cli.report_cmds",
    "qualcope.cli.exchange_cmds",
    "qualcope.cli.agreement_cmds",
    "qualcope.cli.db_cmds",
    "qualcope.cli.attribute_cmds",
)

# Each command's module and the first sentence of its help: `qualcope --help` lists the
# commands and `qualcope NAME` runs one without importing the other modules.
# tests/cli/test_cli_imports.py checks this against the commands the modules register.
LAZY_COMMANDS: dict[str, tuple[str, str]] = {
    "agreement": (
        "qualcope.cli.agreement_cmds",
        "Intercoder agreement per code and pooled: percent agreement, Cohen's kappa (two "
        "coders), Fleiss' kappa and Krippendorff's alpha, on the documents every compared "
        "coder marked finished.",
    ),
    "attributes": (
        "qualcope.cli.attribute_cmds",
        "Attributes of participants or documents from a sheet (.csv, .xlsx), and to one.",
    ),
    "blind": (
        "qualcope.cli.project_cmds",
        "Blind double coding for every coder of the project: on, off, or show the setting.",
    ),
    "codebook": (
        "qualcope.cli.codebook_cmds",
        "The code tree: show it, import a file into it, export it.",
    ),
    "codings": (
        "qualcope.cli.coding_cmds",
        "Codings as CSV: import a coder's file, export every coding.",
    ),
    "db": (
        "qualcope.cli.db_cmds",
        "The project database: upgrade a team's server database to this qualcope's schema.",
    ),
    "demo": (
        "qualcope.cli.project_cmds",
        "Build the demo project (ICVC codebook, sample corpus, reference coding) and open it.",
    ),
    "doctor": (
        "qualcope.cli.project_cmds",
        "Check the project: storage integrity, coding spans against the text, the code tree.",
    ),
    "document": (
        "qualcope.cli.document_cmds",
        "Fix one document after import: its facts (`set`) and its turns (`resegment`), or "
        "delete it (`delete`).",
    ),
    "documents": (
        "qualcope.cli.document_cmds",
        "List documents: case, role, participant, language, words, turns and coding progress.",
    ),
    "export": ("qualcope.cli.exchange_cmds", "Export the whole project for other tools."),
    "import": (
        "qualcope.cli.ingest_cmds",
        "Import transcripts (.txt .md .docx .odt .vtt .srt .rtf): files, or folders; or a "
        "spreadsheet of turns (.csv .xlsx) with --document-column, --speaker-column and "
        "--text-column, one document per interview; or a survey's open answers (.csv .xlsx, "
        "one row a respondent) with --respondent-column and --answer-column; or another "
        "tool's whole project (`qualcope import project FILE.qdpx|NAME.qda|NAME.sqlite3`, "
        "into an empty project or --into NEW.db).",
    ),
    "init": (
        "qualcope.cli.project_cmds",
        "Create a new project (refuses to overwrite an existing file).",
    ),
    "others-codings": (
        "qualcope.cli.project_cmds",
        "Whether a coder may remove or recode another coder's codings: ask, protect, or show.",
    ),
    "report": (
        "qualcope.cli.report_cmds",
        "Tables, figures and quotes for a paper, with the unit of counting stated.",
    ),
    "segments": (
        "qualcope.cli.ingest_cmds",
        "List a document's segments (turns, sentences, preambles) with exact offsets.",
    ),
    "show": (
        "qualcope.cli.ingest_cmds",
        "Print a transcript turn by turn, numbered from 1 (DOCUMENT is an id, a name or a GUID).",
    ),
    "suggest": (
        "qualcope.cli.suggest_cmds",
        "Compute and store pending suggestions: candidate segments for codes, with reasons.",
    ),
    "suggestions": (
        "qualcope.cli.suggest_cmds",
        "List this coder's suggestions with score, reason and the suggested text.",
    ),
    "tui": (
        "qualcope.cli.project_cmds",
        "Open the coding workspace (the same as running qualcope with no command).",
    ),
}


class LazyGroup(QualcopeGroup):
    """The top-level group: a command's module is imported when the command runs.

    ``commands`` still holds every command (it imports them all on first use), for code
    that walks the tree; the group itself looks commands up through ``LAZY_COMMANDS``.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._loaded: set[str] = set()
        self._registering = 0
        super().__init__(*args, **kwargs)

    @property
    def commands(self) -> dict[str, click.Command]:  # type: ignore[override]
        if not self._registering:
            for name in COMMAND_MODULES:
                self._load(name)
        return self._commands

    @commands.setter
    def commands(self, value: Any) -> None:
        self._commands: dict[str, click.Command] = dict(value)

    def _load(self, module_name: str) -> None:
        if module_name in self._loaded:
            return
        self._loaded.add(module_name)
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:  # a command module not written yet
            if exc.name != module_name:
                raise
            return
        self._registering += 1
        try:
            module.register(self)
        finally:
            self._registering -= 1

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = LAZY_COMMANDS.get(cmd_name)
        if entry is not None:
            self._load(entry[0])
            if cmd_name in self._commands:
                return self._commands[cmd_name]
        return self.commands.get(cmd_name)  # not in the table: import every module

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*LAZY_COMMANDS, *self._commands})

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list of --help, from the table for the commands not imported."""
        commands = []
        for name in self.list_commands(ctx):
            command = self._commands.get(name)
            if command is None:
                command = click.Command(name, help=LAZY_COMMANDS[name][1])
            if not command.hidden:
                commands.append((name, command))
        if commands:
            limit = formatter.width - 6 - max(len(name) for name, _ in commands)
            rows = [(name, command.get_short_help_str(limit)) for name, command in commands]
            with formatter.section("Commands"):
                formatter.write_dl(rows)


@click.group(
    cls=LazyGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog=EXAMPLES["main"],
)
@click.version_option(__version__, prog_name="qualcope")
@common_options
@click.pass_context
def cli(ctx: click.Context) -> None:
    """qualcope: code interview transcripts with expectations, value conflicts and coping
    strategies, in the terminal.

    Run without a command to open the coding workspace (TUI) on the project.
    The project is --db PATH_OR_URL, else $QUALCOPE_DB, else ./qualcope.db.
    """
    if ctx.invoked_subcommand is None:
        run_tui_or_help(ctx)


def main(argv: list[str] | None = None) -> Any:
    """Entry point of the `qualcope` script."""
    return cli.main(args=argv, prog_name="qualcope", standalone_mode=True)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
