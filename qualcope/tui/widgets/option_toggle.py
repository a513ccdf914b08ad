"""An on/off option of a dialog that shows its state as text: ``[x] regex`` or ``[ ] regex``.

Textual's ``Checkbox`` shows its state by colour only and toggles on Enter as
well as Space; here Space (or a click) toggles and Enter is left to the
dialog, so Enter runs the dialog from any control. Toggling never moves the
focus: the box stays where the user put it.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.events import Click
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

CHECKED, UNCHECKED = "[x]", "[ ]"


def option_text(label: str, value: bool) -> Text:
    """The option as shown: the box as text, so its state reads without colour."""
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(CHECKED if value else UNCHECKED, style="bold" if value else "")
    text.append(" ")
    text.append(label)
    return text


class OptionToggle(Widget, can_focus=True):
    """A focusable ``[x] label`` box; Space or a click toggles it."""

    DEFAULT_CSS = """
    OptionToggle {
        width: auto;
        height: 1;
        padding: 0 1;
    }
    OptionToggle:focus {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: bold;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle", "Toggle", show=False),
    ]

    value: reactive[bool] = reactive(False, init=False)

    class Changed(Message):
        """The option was switched on or off by the user."""

        def __init__(self, toggle: OptionToggle, value: bool) -> None:
            super().__init__()
            self.toggle = toggle
            self.value = value

        @property
        def control(self) -> OptionToggle:
            return self.toggle

    def __init__(self, label: str, value: bool = False, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.label = label
        self.set_reactive(OptionToggle.value, value)

    def render(self) -> Text:
        return option_text(self.label, self.value)

    def watch_value(self, value: bool) -> None:
        self.post_message(self.Changed(self, value))

    def action_toggle(self) -> None:
        self.value = not self.value

    def on_click(self, event: Click) -> None:
        event.stop()
        self.focus()
        self.value = not self.value
