"""The warning over a report table when several coders' codings are counted together.

The service says so in a table note ("Coders counted: ...", with the CLI's options) or, in
older tables, in the provenance's ``coders`` entry; this line shows it in the screen's words
(the coders choice instead of ``--coder``), in the warning colour, above the table.
"""

from __future__ import annotations

import re

from rich.text import Text
from textual.widgets import Static

from qualcope.report.model import ReportTable

NOTE_START = "Coders counted:"
CLI_WORDS = (  # the service's advice for the CLI -> the same advice on this screen
    ("choose one with --coder (e.g. --coder consensus)", "choose one coder (e.g. consensus)"),
    ("with --unit segments", "with unit: segments"),
    ("--coder", "the coders choice"),
)


def tui_words(text: str) -> str:
    for cli, tui in CLI_WORDS:
        text = text.replace(cli, tui)
    return text


def coders_warning(table: ReportTable) -> tuple[str, list[str]]:
    """(the warning or '', the table's other notes)."""
    notes = table.all_notes()
    said = [n for n in notes if n.startswith(NOTE_START)]
    rest = [n for n in notes if not n.startswith(NOTE_START)]
    if said:
        return tui_words(said[0]), rest
    coders = table.provenance.get("coders", "")
    if "more than one" not in coders:
        return "", rest
    names, _, detail = coders.partition(" (")
    shared = re.match(r"(\d+) documents?", detail)
    count = f"{shared.group(1)} documents" if shared else "documents"
    return (
        f"Coders counted: {names}; {count} coded by more than one of them, all their codings "
        "summed: choose one coder (e.g. consensus) to count each passage once.",
        rest,
    )


class CodersNotice(Static):
    """Shown only when a table sums several coders' codings of the same documents."""

    def show(self, table: ReportTable) -> list[str]:
        """Update for a table; returns the notes left for the notes line."""
        warning, rest = coders_warning(table)
        self.update(Text(f"⚠ {warning}" if warning else ""))
        self.display = bool(warning)
        return rest
