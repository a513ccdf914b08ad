"""The retraining bar: hidden until a retrain runs, then a progress bar with what it is doing."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, ProgressBar

from qualcope.domain import ProgressUpdate


class SuggestionProgress(Horizontal):
    """Shown while the classifier retrains and suggestions are recomputed."""

    DEFAULT_CSS = """
    SuggestionProgress { height: 1; display: none; }
    SuggestionProgress.-running { display: block; }
    SuggestionProgress Label { width: auto; margin: 0 1; }
    """

    def compose(self) -> ComposeResult:
        yield Label(Text("learning"), id="suggestion-progress-label")
        yield ProgressBar(total=None, show_eta=False, id="suggestion-progress-bar")

    def start(self, message: str) -> None:
        self.add_class("-running")
        self.query_one(ProgressBar).update(total=None, progress=0)
        self.query_one(Label).update(Text(message))

    def advance(self, update: ProgressUpdate) -> None:
        bar = self.query_one(ProgressBar)
        bar.update(total=update.total, progress=update.done)
        if update.message:
            self.query_one(Label).update(Text(update.message[:40]))

    def finish(self) -> None:
        self.remove_class("-running")

    @property
    def running(self) -> bool:
        return self.has_class("-running")
