"""The suggestion queue: one line per suggestion (score, code, the start of its text).

Attributes down: the screen hands it the views to show; it never reads the
project. Text from transcripts and the codebook is shown as ``Text`` only.
"""

from __future__ import annotations

from rich.text import Text
from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from qualcope.domain import SuggestionView
from qualcope.tui.widgets.transcript import safe_text

PREVIEW = 90


def suggestion_label(view: SuggestionView) -> Text:
    """'0.84  Avoidance  So I just stopped going…' (skipped ones dimmed)."""
    label = Text()
    label.append(f"{view.score:.2f}  ", style="bold" if view.status == "pending" else "dim")
    label.append(safe_text(view.code_path.rsplit("/", 1)[-1]), style="italic")
    label.append("  ")
    flat = " ".join(safe_text(view.text).split())
    label.append(flat[:PREVIEW] + ("…" if len(flat) > PREVIEW else ""))
    if view.status == "skipped":
        label.stylize("dim")
    return label


class SuggestionList(OptionList):
    """The open suggestions in queue order; keeps its place when one is decided."""

    DEFAULT_CSS = """
    SuggestionList { height: 1fr; }
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(markup=False, **kwargs)  # type: ignore[arg-type]
        self.views: list[SuggestionView] = []

    def show(self, views: list[SuggestionView], keep: int | None = None) -> None:
        """Replace the queue; highlight suggestion ``keep`` if it is still there."""
        index = self.highlighted or 0
        self.views = list(views)
        self.clear_options()
        self.add_options(
            [Option(Content.from_rich_text(suggestion_label(v)), id=str(v.id)) for v in self.views]
        )
        if not self.views:
            self.highlighted = None
            return
        ids = [v.id for v in self.views]
        self.highlighted = ids.index(keep) if keep in ids else min(index, len(ids) - 1)

    @property
    def current(self) -> SuggestionView | None:
        index = self.highlighted
        if index is None or not 0 <= index < len(self.views):
            return None
        return self.views[index]

    def drop(self, suggestion_id: int) -> None:
        """Take a decided suggestion out of the queue; the next one is highlighted."""
        ids = [v.id for v in self.views]
        if suggestion_id not in ids:
            return
        index = ids.index(suggestion_id)
        self.views.pop(index)
        self.remove_option_at_index(index)
        if self.views:
            self.highlighted = min(index, len(self.views) - 1)
