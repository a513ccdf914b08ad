"""The documents screen: every document with its progress, case, role, participant, words.

Two progress columns: "Your progress" is this coder's share of respondent turns with at least
one of their codings (and ✓ when they marked the document finished); "All coders" is the
share holding anyone's coding, so a project coded by a colleague does not look untouched. A
blind coder (``Project.blind``) sees only their own column.

Filters (case, role, participant, not finished) are passed to
``services.documents.list_documents``, which runs in a worker; Esc in a filter goes back to
the list. Enter opens the highlighted document on the coding screen, Home and End go to the
first and last document; D deletes the highlighted one after saying what goes with it
(``services.document_delete``; no undo). Columns are fitted to the terminal's width
(``fit_columns``): at 80 columns Participant, Words and Lang are left out, from 120 every
column shows, and long values end with "…". Names come from files and are shown as ``Text``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Checkbox, DataTable, Header, Label, Select

from qualcope.domain import DocumentRef
from qualcope.services import document_delete, documents
from qualcope.tui import actions
from qualcope.tui.widgets.codebook_confirm import CodebookConfirm
from qualcope.tui.widgets.key_bar import KeyBar
from qualcope.tui.widgets.transcript import safe_text
from qualcope.wording import plural

if TYPE_CHECKING:
    from qualcope.tui.app import QualcopeApp

EMPTY = (
    "No documents match. Import transcripts with `qualcope import FILES` "
    "(or clear the filters with x)."
)
BAR = 6  # cells of the progress bar: with " 100% ✓" it is as wide as "Your progress"
BAR_ALL = 5  # with " 100%" as wide as "All coders"
PADDING = 2  # DataTable's cell padding, one column each side
SCROLLBAR = 2  # kept free so the vertical scrollbar of a long list never hides a column


def progress_cell(ref: DocumentRef) -> Text:
    """This coder's progress: a bar, the share, and ✓ when they marked it finished."""
    share = ref.progress
    filled = round(share * BAR)
    text = Text("█" * filled + "░" * (BAR - filled), style="green" if ref.finished else "")
    text.append(f" {share:4.0%}")
    text.append(" ✓" if ref.finished else "  ", style="bold green")
    return text


def progress_all_cell(ref: DocumentRef) -> Text:
    """Every coder's progress together: a bar and the share."""
    share = ref.progress_all
    filled = round(share * BAR_ALL)
    text = Text("█" * filled + "░" * (BAR_ALL - filled), style="dim")
    text.append(f" {share:4.0%}")
    return text


def _plain(value: str | None) -> Text:
    # Values come from files: shown literally, cut with "…" when the column is narrower.
    return Text(safe_text(value or ""), no_wrap=True, overflow="ellipsis")


@dataclass(frozen=True)
class Column:
    """A column of the list and how it gives way when the terminal is narrow."""

    key: str
    label: str
    cell: Callable[[DocumentRef], Text]
    width: int | None = None  # a fixed width; None: as wide as its values allow
    least: int = 0  # a flexible column is never narrower (it is left out instead)
    weight: float = 0.0  # share of the room a flexible column gets; 0: its values' width
    drop: int | None = None  # left out first when it does not fit (lower first); None: never


COLUMNS = (
    Column("document", "Document", lambda r: _plain(r.name), least=20, weight=1.5),
    Column("progress", "Your progress", progress_cell, width=BAR + 7),
    Column("progress-all", "All coders", progress_all_cell, width=BAR_ALL + 5),
    Column("case", "Case", lambda r: _plain(r.case), least=12, weight=1.0),
    Column("role", "Role", lambda r: _plain(r.role), least=12, weight=1.0, drop=3),
    Column("participant", "Participant", lambda r: _plain(r.participant), drop=2),
    Column("words", "Words", lambda r: Text(f"{r.words:,}", justify="right"), drop=0),
    Column("lang", "Lang", lambda r: _plain(r.language), drop=1),
)


def natural_width(column: Column, refs: Sequence[DocumentRef]) -> int:
    """The width showing the label and every value whole."""
    if column.width is not None:
        return column.width
    return max([len(column.label), *(column.cell(ref).cell_len for ref in refs)])


def fit_columns(
    columns: Sequence[Column], refs: Sequence[DocumentRef], room: int
) -> list[tuple[Column, int]]:
    """The columns that fit in `room` cells, each with its width.

    Columns are left out by their ``drop`` order while even their narrowest widths do not fit;
    then the flexible ones (``weight``) share what is left in proportion to their weights,
    none wider than its values need, so the longest values are the ones cut.
    """
    shown = list(columns)
    natural = {c.key: natural_width(c, refs) for c in columns}

    def narrowest(column: Column) -> int:
        return (
            min(natural[column.key], max(column.least, len(column.label)))
            if column.weight
            else natural[column.key]
        )

    droppable = sorted((c for c in shown if c.drop is not None), key=lambda c: c.drop or 0)
    while droppable and sum(narrowest(c) + PADDING for c in shown) > room:
        shown.remove(droppable.pop(0))
    flexible = [c for c in shown if c.weight]
    space = room - sum(PADDING + (0 if c.weight else natural[c.key]) for c in shown)

    def widths(level: float) -> dict[str, int]:
        return {
            c.key: min(natural[c.key], max(narrowest(c), int(c.weight * level))) for c in flexible
        }

    low, high = 0.0, float(max(natural.values(), default=0) + 1)
    for _ in range(40):  # the largest level whose widths fit
        middle = (low + high) / 2
        low, high = (middle, high) if sum(widths(middle).values()) <= space else (low, middle)
    flexible_widths = widths(low)
    spare = space - sum(flexible_widths.values())
    for column in flexible:  # cells left over by rounding go to the first that can use them
        extra = min(spare, natural[column.key] - flexible_widths[column.key])
        if extra > 0:
            flexible_widths[column.key] += extra
            spare -= extra
    return [(c, flexible_widths.get(c.key, natural[c.key])) for c in shown]


class DocumentTable(DataTable[Any]):
    """The list: Home and End go to the first and last document (not the first column);
    Enter opens the highlighted one at once (a click goes through ``RowSelected``)."""

    BINDINGS = [
        Binding("home", "scroll_top", "First document", show=False),
        Binding("end", "scroll_bottom", "Last document", show=False),
        Binding("enter", "open_highlighted", "Open", show=False),
    ]

    def action_open_highlighted(self) -> None:
        screen = self.screen
        if isinstance(screen, DocumentsScreen):
            screen.open_highlighted()


class Filters(Horizontal):
    """The filter controls; Esc goes back to the list (a Select's open menu closes first)."""

    BINDINGS = [Binding("escape", "leave", "Back to the list", show=False)]

    def action_leave(self) -> None:
        self.screen.query_one(DocumentTable).focus()


class DocumentsScreen(Screen[None]):
    """The list of documents; the first screen of the workspace."""

    WHERE = actions.DOCUMENTS
    BINDINGS = actions.bindings(actions.DOCUMENTS)

    def __init__(self) -> None:
        super().__init__()
        self.refs: list[DocumentRef] = []
        self.all_refs: list[DocumentRef] | None = None
        self.layout_: list[tuple[Column, int]] = []

    @property
    def qapp(self) -> QualcopeApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Header()
        with Filters(id="filters"):
            yield Select[str]([], prompt="any case", id="filter-case", compact=True)
            yield Select[str]([], prompt="any role", id="filter-role", compact=True)
            yield Select[str]([], prompt="any participant", id="filter-participant", compact=True)
            yield Checkbox("not finished", id="filter-unfinished", compact=True)
        yield DocumentTable(id="documents", cursor_type="row", zebra_stripes=True)
        yield Label("", id="documents-empty")
        yield KeyBar(actions.DOCUMENTS, id="keys")

    def on_mount(self) -> None:
        self.query_one(DocumentTable).focus()
        self.fill_table()
        self.reload()

    def on_screen_resume(self) -> None:
        self.reload()

    def on_resize(self, _event: events.Resize) -> None:
        self.fill_table()

    # ------------------------------------------------------------ loading
    def _filters(self) -> dict[str, Any]:
        def value(selector: str) -> str | None:
            chosen = self.query_one(selector, Select).value
            return chosen if isinstance(chosen, str) else None

        return {
            "case": value("#filter-case"),
            "role": value("#filter-role"),
            "participant": value("#filter-participant"),
            "unfinished_only": self.query_one("#filter-unfinished", Checkbox).value,
        }

    def reload(self) -> None:
        project = self.qapp.project
        filters = self._filters()
        first = self.all_refs is None

        def load() -> tuple[list[DocumentRef], list[DocumentRef] | None]:
            shown = documents.list_documents(project, **filters)
            everything = documents.list_documents(project) if first else None
            return shown, everything

        self.qapp.read(load, self._show, group="documents")

    def _show(self, result: tuple[list[DocumentRef], list[DocumentRef] | None]) -> None:
        shown, everything = result
        if everything is not None:
            self.all_refs = everything
            self._fill_filters(everything)
        keep = self._highlighted_id()
        self.refs = shown
        self.fill_table(keep)
        empty = self.query_one("#documents-empty", Label)
        empty.update(Text(EMPTY if not shown else ""))
        empty.display = not shown

    def visible_columns(self) -> tuple[Column, ...]:
        """Every column, but a blind coder is not shown how far the others got."""
        if self.qapp.project.blind:
            return tuple(c for c in COLUMNS if c.key != "progress-all")
        return COLUMNS

    def fill_table(self, keep: int | None = None) -> None:
        """(Re)build the table for the terminal's width, keeping the highlighted document."""
        table = self.query_one(DocumentTable)
        if keep is None:
            keep = self._highlighted_id()
        width = self.size.width or self.app.size.width  # the table is as wide as its columns
        layout = fit_columns(self.visible_columns(), self.refs, width - SCROLLBAR)
        if layout != self.layout_ or not table.columns:
            self.layout_ = layout
            table.clear(columns=True)
            for column, column_width in layout:
                table.add_column(column.label, key=column.key, width=column_width)
        else:
            table.clear()
        for ref in self.refs:
            table.add_row(*(column.cell(ref) for column, _ in layout), key=str(ref.id))
        rows = [i for i, ref in enumerate(self.refs) if ref.id == keep]
        if rows:
            table.move_cursor(row=rows[0])

    def _fill_filters(self, refs: list[DocumentRef]) -> None:
        for selector, attribute in (
            ("#filter-case", "case"),
            ("#filter-role", "role"),
            ("#filter-participant", "participant"),
        ):
            values = sorted({getattr(r, attribute) for r in refs if getattr(r, attribute)})
            select = self.query_one(selector, Select)
            with self.prevent(Select.Changed):
                select.set_options([(Text(safe_text(v)), v) for v in values])

    def _highlighted_id(self) -> int | None:
        table = self.query_one(DocumentTable)
        if not self.refs or table.cursor_row is None or table.cursor_row >= len(self.refs):
            return None
        return self.refs[table.cursor_row].id

    # ------------------------------------------------------------ events
    def on_select_changed(self, event: Select.Changed) -> None:
        self.reload()

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        self.reload()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self.qapp.open_document(int(event.row_key.value))

    def open_highlighted(self) -> None:
        document_id = self._highlighted_id()
        if document_id is not None:
            self.qapp.open_document(document_id)

    # ------------------------------------------------ the ordered key stream
    def ordered_keys(self, event: events.Key) -> bool:
        """Enter on the list goes through the app's ordered stream (``tui.key_order``): it
        opens the document before the next key is taken, so the keys typed right after it
        reach the coding screen, which holds them until the document is loaded."""
        return event.key == "enter" and isinstance(self.focused, DocumentTable)

    def keys_must_wait(self) -> bool:
        return False

    def shortcut(self, _event: events.Key) -> bool:
        return False  # no code shortcuts on the list

    def action_focus_filters(self) -> None:
        self.query_one("#filter-case", Select).focus()

    def action_toggle_unfinished(self) -> None:
        box = self.query_one("#filter-unfinished", Checkbox)
        box.value = not box.value

    def action_clear_filters(self) -> None:
        with self.prevent(Select.Changed, Checkbox.Changed):
            for selector in ("#filter-case", "#filter-role", "#filter-participant"):
                self.query_one(selector, Select).clear()
            self.query_one("#filter-unfinished", Checkbox).value = False
        self.reload()

    def action_delete_document(self) -> None:
        """Say what deleting the highlighted document removes, ask, then delete it."""
        document_id = self._highlighted_id()
        if document_id is None:
            return
        project = self.qapp.project
        self.qapp.read(
            lambda: document_delete.document_removal(project, document_id),
            self._ask_to_delete,
            group="delete-document",
        )

    def _ask_to_delete(self, removal: document_delete.DocumentRemoval) -> None:
        message = Text()
        message.append(f"Delete {safe_text(removal.name)}?", style="bold")
        message.append(f"\n{plural(removal.words, 'word')}; {safe_text(removal.describe())}.")
        message.append(
            "\nIts participant and case stay. There is no undo: import the file again to "
            "bring its text back."
        )
        project = self.qapp.project

        def answered(choice: str | None) -> None:
            if choice == "y":
                self.qapp.write(
                    lambda: document_delete.delete_document(
                        project, removal.document_id, others_confirmed=True
                    ),
                    self._deleted,
                )

        self.app.push_screen(CodebookConfirm(message, [("y", "delete it")]), answered)

    def _deleted(self, removal: document_delete.DocumentRemoval) -> None:
        self.notify(f"deleted {removal.name}: {removal.describe()}", markup=False)
        self.all_refs = None  # its case, role and participant may leave the filters
        self.reload()

    def after_history(self, _summary: object) -> None:
        if self.is_current:  # otherwise it reloads when it shows again
            self.reload()

    async def action_quit(self) -> None:
        await self.app.run_action("quit")
