"""The hits of a project-wide search: one line per hit with its document and context."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from qualcope.services.search import SearchHit
from qualcope.tui.widgets.transcript import safe_text


def hit_prompt(hit: SearchHit, document: str) -> Text:
    text = Text()
    text.append(safe_text(document), style="bold")
    text.append("  …" + safe_text(hit.before[-30:]).replace("\n", " "), style="dim")
    text.append(safe_text(hit.match).replace("\n", " "), style="reverse")
    text.append(safe_text(hit.after[:30]).replace("\n", " ") + "…", style="dim")
    return text


class HitsDialog(ModalScreen[int | None]):
    """Returns the index of the chosen hit, None on Esc."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, hits: list[SearchHit], names: dict[int, str]) -> None:
        super().__init__()
        self.title_text = title
        self.hits = hits
        self.names = names

    def compose(self) -> ComposeResult:
        with Vertical(id="hits", classes="dialog"):
            yield Label(Text(self.title_text), classes="dialog-title")
            yield OptionList(
                *[
                    Option(hit_prompt(hit, self.names.get(hit.document_id, "?")), id=str(i))
                    for i, hit in enumerate(self.hits)
                ],
                id="hits-list",
                markup=False,
            )
            yield Label(Text("Enter open · n/N in the document: next/previous hit", style="dim"))

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option.id or 0))

    def action_cancel(self) -> None:
        self.dismiss(None)
