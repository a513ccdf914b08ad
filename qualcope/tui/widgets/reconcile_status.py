"""The reconciliation's progress line: decided units, agreement figures, finished documents."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from qualcope.services.reconcile import Figures, Progress


def figures(value: Figures | None) -> str:
    """'α 0.816 (99.7 %)', or '—' while there is nothing to compare."""
    if value is None:
        return "—"
    alpha = f"{value.alpha:.3f}" if value.alpha is not None else "–"
    percent = f" ({value.percent:.1%})" if value.percent is not None else ""
    return f"α {alpha}{percent}"


def progress_text(progress: Progress | None, saving: bool = False) -> Text:
    text = Text(no_wrap=True, overflow="ellipsis")
    if progress is None:
        text.append("reading…", style="dim")
        return text
    text.append(f"{progress.resolved}/{progress.total} decided", style="bold")
    if progress.pending_agreements:  # first: until then the consensus figures mean little
        text.append(
            f"  ·  {progress.pending_agreements} agreed units to take over (t)",
            style="bold yellow",
        )
    text.append(f"  ·  A–B {figures(progress.pair)}")
    text.append(f"  ·  A–consensus {figures(progress.a_consensus)}")
    text.append(f"  ·  B–consensus {figures(progress.b_consensus)}")
    text.append(f"  ·  {progress.finished}/{progress.documents} documents finished")
    if saving:
        text.append("  ·  saving…", style="reverse")
    return text


class ReconcileStatus(Static):
    """Shows a ``Progress``; 'saving…' while a decision is on its way to the project."""

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(progress_text(None), id=id, markup=False)
        self.progress: Progress | None = None

    def show(self, progress: Progress | None, *, saving: bool = False) -> None:
        self.progress = progress if progress is not None else self.progress
        self.update(progress_text(self.progress, saving))
