"""Edit a code's fields: definition, criteria, example, colour, shortcut and cue phrases.

The colour comes from a palette or is typed as hex; cue phrases are one line per
language, separated by ';' (as in the CSV codebook). Ctrl+S saves: the form hands
the changed fields to ``save`` (the screen's service call) and stays open with the
message when the service refuses them (a taken shortcut, a bad colour); Escape
closes without saving. Returns True when something was saved.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, Static, TextArea

from qualcope.domain import CodeNode
from qualcope.tui.widgets.transcript import safe_text

CUE_SEPARATOR = ";"
LANGUAGES = ("en", "nl")
PALETTE: tuple[tuple[str, str], ...] = (
    ("blue", "#4e79a7"),
    ("orange", "#f28e2b"),
    ("red", "#e15759"),
    ("teal", "#76b7b2"),
    ("green", "#59a14f"),
    ("yellow", "#edc948"),
    ("purple", "#b07aa1"),
    ("pink", "#ff9da7"),
    ("brown", "#9c755f"),
    ("grey", "#bab0ac"),
)
TEXTS = (
    ("definition", "Definition"),
    ("inclusion", "Include when"),
    ("exclusion", "Exclude when"),
    ("example", "Example quote"),
)
SaveCall = Callable[[dict[str, Any]], Awaitable[str | None]]


def parse_cues(line: str) -> list[str]:
    return [phrase.strip() for phrase in line.split(CUE_SEPARATOR) if phrase.strip()]


class CodebookForm(ModalScreen[bool]):
    """The fields of one code."""

    DEFAULT_CSS = """
    CodebookForm {
        align: center middle;
    }
    CodebookForm > #codebook-form {
        width: 90%;
        max-width: 110;
        height: 90%;
        padding: 0 1;
        border: round $primary;
        background: $surface;
    }
    CodebookForm #form-fields {
        height: 1fr;
    }
    CodebookForm TextArea {
        height: 4;
    }
    CodebookForm .form-row {
        height: auto;
    }
    CodebookForm .form-row Select {
        width: 24;
    }
    CodebookForm #form-colour {
        width: 14;
    }
    CodebookForm #form-shortcut {
        width: 8;
    }
    CodebookForm .form-label {
        margin-top: 1;
        text-style: bold;
    }
    CodebookForm #form-error {
        color: $error;
        height: auto;
    }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, node: CodeNode, save: SaveCall) -> None:
        super().__init__()
        self.node = node
        self.save = save
        self.languages = tuple(sorted(set(LANGUAGES) | set(node.cues)))

    def compose(self) -> ComposeResult:
        node = self.node
        with Vertical(id="codebook-form"):
            title = Text("Edit ", style="bold")
            title.append(safe_text(node.path), style="bold")
            yield Label(title)
            with VerticalScroll(id="form-fields"):
                for field, label in TEXTS:
                    yield Label(label, classes="form-label")
                    yield TextArea(getattr(node, field), id=f"form-{field}", soft_wrap=True)
                yield Label("Colour (palette or #rrggbb) and shortcut key", classes="form-label")
                with Horizontal(classes="form-row"):
                    yield Select(
                        [(self._swatch(name, hex_), hex_) for name, hex_ in PALETTE],
                        prompt="palette",
                        id="form-palette",
                    )
                    yield Input(node.colour or "", placeholder="#rrggbb", id="form-colour")
                    yield Input(
                        node.shortcut or "", placeholder="key", max_length=1, id="form-shortcut"
                    )
                for language in self.languages:
                    yield Label(
                        Text(f"Cue phrases ({language}), separated by ;"), classes="form-label"
                    )
                    yield Input(
                        f"{CUE_SEPARATOR} ".join(node.cues.get(language, ())),
                        id=f"form-cues-{language}",
                    )
            yield Static("", id="form-error", markup=False)
            yield Label(Text("Ctrl+S save · Esc cancel · Tab next field", style="dim"))

    @staticmethod
    def _swatch(name: str, hex_: str) -> Text:
        text = Text("■ ", style=hex_)
        text.append(f"{name} {hex_}")
        return text

    def on_mount(self) -> None:
        self.query_one("#form-definition", TextArea).focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, str):
            self.query_one("#form-colour", Input).value = event.value

    def changes(self) -> dict[str, Any]:
        """The fields that differ from the code as it was shown."""
        node, out = self.node, {}
        for field, _ in TEXTS:
            value = self.query_one(f"#form-{field}", TextArea).text
            if value.strip() != getattr(node, field):
                out[field] = value
        colour = self.query_one("#form-colour", Input).value.strip()
        if colour.lower() != (node.colour or ""):
            out["colour"] = colour
        shortcut = self.query_one("#form-shortcut", Input).value.strip()
        if shortcut != (node.shortcut or ""):
            out["shortcut"] = shortcut
        cues = {lang: list(phrases) for lang, phrases in node.cues.items()}
        for language in self.languages:
            phrases = parse_cues(self.query_one(f"#form-cues-{language}", Input).value)
            if phrases:
                cues[language] = phrases
            else:
                cues.pop(language, None)
        if cues != {lang: list(phrases) for lang, phrases in node.cues.items()}:
            out["cues"] = cues
        return out

    @work(exclusive=True, group="codebook-form-save")
    async def action_save(self) -> None:
        # A worker: saving may ask a question (a code changed meanwhile: reload or overwrite).
        changes = self.changes()
        if not changes:
            self.dismiss(False)
            return
        problem = await self.save(changes)
        if problem is None:
            self.dismiss(True)
        else:
            self.query_one("#form-error", Static).update(Text(problem))

    def action_cancel(self) -> None:
        self.dismiss(False)
