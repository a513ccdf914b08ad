"""The action table: every key of the workspace, in one place.

Each row is (keys, action, description, where). It feeds the screens'
``BINDINGS`` (and so the footer), the help screen, the command palette and
the key table in README.md, so the four can never disagree. Rows whose
screen lives in a module another issue provides (codebook, report,
suggestions) appear only when that module can be imported. A codebook's own
shortcut keys (``a``, ``e``, ``t``, ``b`` ...) apply codes; they must avoid
``RESERVED_KEYS``.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass

from textual.binding import Binding

APP, DOCUMENTS, CODING, FINE, RECONCILE, DIALOG = (
    "app",
    "documents",
    "coding",
    "fine",
    "reconcile",
    "dialog",
)
WHERE_SHORT = {
    APP: "anywhere",
    DOCUMENTS: "documents",
    CODING: "coding",
    FINE: "fine selection",
    RECONCILE: "reconcile",
    DIALOG: "dialogs",
}
WHERE_TITLES = {
    APP: "Everywhere",
    DOCUMENTS: "Documents screen",
    CODING: "Coding screen",
    FINE: "Coding screen: fine selection (any character span)",
    RECONCILE: "Reconciliation screen (two coders' disagreements -> consensus)",
    DIALOG: "Dialogs (code picker, memo, link, search)",
}

# Textual key names -> what a user types.
KEY_GLYPHS = {
    "question_mark": "?",
    "slash": "/",
    "greater_than_sign": ">",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
    "shift+down": "shift+↓",
    "shift+up": "shift+↑",
    "shift+left": "shift+←",
    "shift+right": "shift+→",
    "down": "↓",
    "up": "↑",
    "left": "←",
    "right": "→",
    "pagedown": "PgDn",
    "pageup": "PgUp",
    "home": "Home",
    "end": "End",
    "enter": "Enter",
    "escape": "Esc",
    "delete": "Del",
    "space": "Space",
    "tab": "Tab",
}

# Screens provided by other modules: (key of the row) -> (module, class).
HOOKS = {
    "open_codebook": ("qualcope.tui.screens.codebook", "CodebookScreen"),
    "open_report": ("qualcope.tui.screens.report", "ReportScreen"),
    "open_suggestions": ("qualcope.tui.screens.suggestions", "SuggestionsScreen"),
    "open_reconcile": ("qualcope.tui.screens.reconcile", "ReconcileScreen"),
}


@dataclass(frozen=True)
class ActionSpec:
    """One row of the table: comma-separated Textual key names, an action, where it works."""

    keys: str
    action: str
    description: str
    where: str
    show: bool = False  # shown in the footer
    short: str = ""  # the footer's label (default: the description up to ':' or '(')
    binding: bool = True  # False: handled by a widget or dialog, listed for help only

    @property
    def key_list(self) -> list[str]:
        return [key.strip() for key in self.keys.split(",")]

    @property
    def display(self) -> str:
        return " ".join(KEY_GLYPHS.get(key, key) for key in self.key_list)

    @property
    def available(self) -> bool:
        hook = HOOKS.get(self.action)
        return hook is None or _importable(hook[0])


def _importable(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


ACTIONS: tuple[ActionSpec, ...] = (
    # Everywhere
    ActionSpec("question_mark,f1", "help", "Help: every key", APP, show=True),
    ActionSpec("ctrl+p", "command_palette", "Command palette (documents, codes, actions)", APP),
    ActionSpec("u,ctrl+z", "undo", "Undo (unlimited, also after a restart)", APP, show=True),
    ActionSpec("U,ctrl+y", "redo", "Redo", APP),
    ActionSpec("c", "open_codebook", "Codebook: edit codes", APP),
    ActionSpec("g", "open_suggestions", "Suggestions to review", APP),
    ActionSpec("r", "open_report", "Report: cross-tabs by role and case", APP),
    ActionSpec("R", "open_reconcile", "Reconcile two coders' codings into a consensus", APP),
    ActionSpec("ctrl+q", "quit", "Quit (every change is already saved)", APP),
    # Documents screen
    ActionSpec(
        "enter",
        "open_document",
        "Open the document",
        DOCUMENTS,
        show=True,
        short="Open",
        binding=False,
    ),
    ActionSpec(
        "f",
        "focus_filters",
        "Filter by case, role, participant",
        DOCUMENTS,
        show=True,
        short="Filter",
    ),
    ActionSpec(
        "n",
        "toggle_unfinished",
        "Show only documents not finished",
        DOCUMENTS,
        show=True,
        short="Not finished",
    ),
    ActionSpec("x", "clear_filters", "Clear the filters", DOCUMENTS),
    ActionSpec("q", "quit", "Quit", DOCUMENTS, show=True),
    # Coding screen
    ActionSpec("j,down", "next_sentence", "Next sentence", CODING, show=True, short="Sentence"),
    ActionSpec("k,up", "previous_sentence", "Previous sentence", CODING),
    ActionSpec("J,shift+down", "next_turn", "Next speaker turn (selects the turn)", CODING),
    ActionSpec("K,shift+up", "previous_turn", "Previous speaker turn", CODING),
    ActionSpec("pagedown,space", "page_down", "Page down", CODING),
    ActionSpec("pageup", "page_up", "Page up", CODING),
    ActionSpec("home", "top", "First sentence", CODING),
    ActionSpec("end", "bottom", "Last sentence", CODING),
    ActionSpec("v", "extend", "Extend: moves grow the selection (again to stop)", CODING),
    ActionSpec("f", "fine", "Fine selection mode on/off", CODING),
    ActionSpec("escape", "collapse", "Back to the current sentence", CODING),
    ActionSpec(
        "enter,p", "pick_code", "Code picker: apply a code", CODING, show=True, short="Code"
    ),
    ActionSpec("x,delete", "remove_coding", "Remove the current coding", CODING),
    ActionSpec("s", "recode", "Recode the current coding", CODING),
    ActionSpec("left_square_bracket", "previous_coding", "Previous coding at the cursor", CODING),
    ActionSpec("right_square_bracket", "next_coding", "Next coding at the cursor", CODING),
    ActionSpec("l", "link", "Link a coping coding to a conflict coding", CODING),
    ActionSpec("m", "memo", "Memo on the current coding", CODING, show=True, short="Memo"),
    ActionSpec("M", "document_memo", "Memo on the document", CODING),
    ActionSpec("F", "toggle_finished", "Mark the document finished / not finished", CODING),
    ActionSpec(
        "slash", "search", "Search the document or the project", CODING, show=True, short="Search"
    ),
    ActionSpec("n", "next_hit", "Next search hit", CODING),
    ActionSpec("N", "previous_hit", "Previous search hit", CODING),
    ActionSpec("greater_than_sign", "next_uncoded", "Next uncoded respondent turn", CODING),
    ActionSpec("P", "toggle_panel", "Show / hide the side panel", CODING),
    ActionSpec("q", "close", "Back to the documents", CODING, show=True, short="Documents"),
    # Fine selection (arrows enter it from the coding screen)
    ActionSpec("right", "edge_word(1)", "Move the selection edge one word right", FINE),
    ActionSpec("left", "edge_word(-1)", "Move the selection edge one word left", FINE),
    ActionSpec("shift+right", "edge_char(1)", "Move the edge one character right", FINE),
    ActionSpec("shift+left", "edge_char(-1)", "Move the edge one character left", FINE),
    ActionSpec("o", "swap_edge", "Switch between moving the end and the start", FINE),
    # Reconciliation screen (u undoes a decision, as everywhere)
    ActionSpec(
        "a",
        "accept_a",
        "Accept coder A's codings of the unit",
        RECONCILE,
        show=True,
        short="Accept A",
    ),
    ActionSpec(
        "b",
        "accept_b",
        "Accept coder B's codings of the unit",
        RECONCILE,
        show=True,
        short="Accept B",
    ),
    ActionSpec("o,2", "both", "Both: every code either coder gave", RECONCILE, show=True),
    ActionSpec("n", "neither", "Neither: no code on the unit", RECONCILE, show=True),
    ActionSpec("r", "recode", "Recode: give the unit one code (code picker)", RECONCILE, show=True),
    ActionSpec(
        "t",
        "take_over",
        "Take over every unit both coders agree on",
        RECONCILE,
        show=True,
        short="Take over",
    ),
    ActionSpec("j,down", "next_unit", "Next disagreement", RECONCILE),
    ActionSpec("k,up", "previous_unit", "Previous disagreement", RECONCILE),
    ActionSpec("space", "next_open", "Next disagreement not decided yet", RECONCILE),
    ActionSpec("escape,q", "close", "Back", RECONCILE, show=True),
    # Dialogs (handled by the dialogs themselves)
    ActionSpec("up,down", "dialog_move", "Move in a list", DIALOG, binding=False),
    ActionSpec("enter", "dialog_accept", "Choose / apply / run", DIALOG, binding=False),
    ActionSpec("ctrl+s", "dialog_save", "Save a memo", DIALOG, binding=False),
    ActionSpec("escape", "dialog_cancel", "Cancel", DIALOG, binding=False),
)


def rows(where: str) -> list[ActionSpec]:
    """The available rows of one place, in table order."""
    return [spec for spec in ACTIONS if spec.where == where and spec.available]


def bindings(*places: str) -> list[Binding]:
    """Textual Binding objects for the rows of the given places."""
    out: list[Binding] = []
    for where in places:
        for spec in rows(where):
            if not spec.binding:
                continue
            out.append(
                Binding(
                    spec.keys,
                    spec.action,
                    spec.short or spec.description.split(":")[0].split(" (")[0],
                    show=spec.show,
                    key_display=KEY_GLYPHS.get(spec.key_list[0], spec.key_list[0]),
                )
            )
    return out


def _characters(key: str) -> str | None:
    if key in ("up", "down", "left", "right"):
        return None
    glyph = KEY_GLYPHS.get(key, key)
    return glyph if len(glyph) == 1 else None


RESERVED_KEYS: frozenset[str] = frozenset(
    char
    for spec in ACTIONS
    if spec.where in (APP, CODING, FINE) and spec.binding
    for key in spec.key_list
    if (char := _characters(key)) is not None
)
"""Characters a code shortcut cannot use: they move or act on the coding screen."""


def markdown_table() -> str:
    """The key table of README.md (every row, available or not)."""
    lines = ["| where | keys | what it does |", "|---|---|---|"]
    for where, title in WHERE_SHORT.items():
        if where == CODING:
            lines.append(
                f"| {title} | the codebook's shortcuts (`a` `e` `t` `b` ...) "
                "| Apply that code to the selection |"
            )
        for spec in ACTIONS:
            if spec.where == where:
                keys = " ".join(f"`{KEY_GLYPHS.get(k, k)}`" for k in spec.key_list)
                lines.append(f"| {title} | {keys} | {spec.description} |")
    return "\n".join(lines) + "\n"
