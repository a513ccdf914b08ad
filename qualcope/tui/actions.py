"""The action table: every key of the workspace, in one place.

Each row is (keys, action, description, where). It feeds the screens'
``BINDINGS`` (and so the footer and the key bar), the help screen of each
screen, the command palette and the key table in README.md, so they can
never disagree. Rows that open a screen living in a module another issue
provides (codebook, report, suggestions) appear only when that module can be
imported. A codebook's own shortcut keys (``a``, ``e``, ``t``, ``b`` ...)
apply codes; they must avoid ``RESERVED_KEYS``.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass, replace

from textual.binding import Binding

APP, DOCUMENTS, CODING, FINE = "app", "documents", "coding", "fine"
CODEBOOK, SUGGESTIONS, REPORT, RECONCILE, DIALOG = (
    "codebook",
    "suggestions",
    "report",
    "reconcile",
    "dialog",
)
WHERE_SHORT = {
    APP: "anywhere",
    DOCUMENTS: "documents",
    CODING: "coding",
    FINE: "fine selection",
    CODEBOOK: "codebook",
    SUGGESTIONS: "suggestions",
    REPORT: "report",
    RECONCILE: "reconcile",
    DIALOG: "dialogs",
}
WHERE_TITLES = {
    APP: "Everywhere",
    DOCUMENTS: "Documents screen",
    CODING: "Coding screen",
    FINE: "Coding screen: fine selection (any character span)",
    CODEBOOK: "Codebook screen",
    SUGGESTIONS: "Suggestions screen (review candidate codings)",
    REPORT: "Report screen (cross-tab, co-occurrence)",
    RECONCILE: "Reconciliation screen (two coders' disagreements -> consensus)",
    DIALOG: "Dialogs (code picker, memo, link, search, prompts)",
}
# Places one screen binds together: fine selection is a mode of the coding screen.
SCREEN_PLACES: dict[str, tuple[str, ...]] = {CODING: (CODING, FINE), FINE: (CODING, FINE)}

# Textual key names -> what a user types.
KEY_GLYPHS = {
    "question_mark": "?",
    "slash": "/",
    "greater_than_sign": ">",
    "less_than_sign": "<",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
    "shift+down": "shift+↓",
    "shift+up": "shift+↑",
    "shift+left": "shift+←",
    "shift+right": "shift+→",
    "shift+tab": "shift+Tab",
    "ctrl+down": "ctrl+↓",
    "ctrl+up": "ctrl+↑",
    "ctrl+left": "ctrl+←",
    "ctrl+right": "ctrl+→",
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
    "f1": "F1",
    "f2": "F2",
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
    # Keys bound with priority: they work in a dialog (Textual gives a modal screen none of
    # the app's other bindings) and in a text field. Only keys nobody types as text.
    priority_keys: str = ""

    @property
    def key_list(self) -> list[str]:
        return [key.strip() for key in self.keys.split(",")]

    @property
    def display(self) -> str:
        return " ".join(KEY_GLYPHS.get(key, key) for key in self.key_list)

    @property
    def label(self) -> str:
        """The footer's and key bar's label."""
        return self.short or self.description.split(":")[0].split(" (")[0]

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
    ActionSpec(
        "question_mark,f1",
        "help",
        "Help: the keys of this screen",
        APP,
        show=True,
        priority_keys="f1",
    ),
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
    ActionSpec(
        "D", "delete_document", "Delete the document (says what goes, asks; no undo)", DOCUMENTS
    ),
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
    # Codebook screen (its own undo and redo re-read the tree; c, q and Esc go back)
    ActionSpec("up,down", "tree_move", "Move in the tree", CODEBOOK, binding=False),
    ActionSpec("a", "add('code')", "Add: a code in the current group", CODEBOOK, show=True),
    ActionSpec("A", "add('group')", "Add a group", CODEBOOK),
    ActionSpec("r,f2", "rename", "Rename", CODEBOOK, show=True),
    ActionSpec("e", "edit", "Edit: definition, criteria, colour, shortcut...", CODEBOOK, show=True),
    ActionSpec("K,ctrl+up", "reorder(-1)", "Move up among its siblings", CODEBOOK),
    ActionSpec("J,ctrl+down", "reorder(1)", "Move down among its siblings", CODEBOOK),
    ActionSpec("greater_than_sign,ctrl+right", "indent", "Move in: under the code above", CODEBOOK),
    ActionSpec("less_than_sign,ctrl+left", "outdent", "Move out: one level up", CODEBOOK),
    ActionSpec("M", "move_to", "Move to another group (picker)", CODEBOOK),
    ActionSpec("m", "merge", "Merge: into another code", CODEBOOK, show=True),
    ActionSpec("d,delete", "delete", "Delete (asks about its codings)", CODEBOOK, show=True),
    ActionSpec("u,ctrl+z", "undo", "Undo (unlimited)", CODEBOOK, show=True),
    ActionSpec("U,ctrl+y", "redo", "Redo", CODEBOOK),
    ActionSpec("x", "export", "Export: the codebook (.yaml .csv .md .qdc)", CODEBOOK, show=True),
    ActionSpec("i", "import", "Import a codebook file (merged by code path)", CODEBOOK),
    ActionSpec("v", "document", "Document: the codebook to read", CODEBOOK, show=True),
    ActionSpec("escape,q,c", "close", "Back", CODEBOOK, show=True, short="Close"),
    # Suggestions screen
    ActionSpec("up,down", "queue_move", "Move in the queue", SUGGESTIONS, binding=False),
    ActionSpec("a", "accept", "Accept: code the passage (Enter too)", SUGGESTIONS, show=True),
    ActionSpec("x", "reject", "Reject (kept as a negative example)", SUGGESTIONS, show=True),
    ActionSpec("s", "skip", "Skip: decide later", SUGGESTIONS, show=True),
    ActionSpec(
        "o", "accept_other", "Accept as another code", SUGGESTIONS, show=True, short="Accept as…"
    ),
    ActionSpec("m", "toggle_order", "Order: likeliest or least sure first", SUGGESTIONS, show=True),
    ActionSpec(
        "f",
        "filter_code",
        "Show one code's suggestions or all",
        SUGGESTIONS,
        show=True,
        short="Code…",
    ),
    ActionSpec("l", "learn", "Learn: retrain, recompute the suggestions", SUGGESTIONS, show=True),
    ActionSpec("escape", "close", "Back", SUGGESTIONS, show=True),
    # Report screen (Tab moves between the choices of rows, columns, unit, percent, filters)
    ActionSpec("tab,shift+tab", "focus_next", "Next / previous choice", REPORT, binding=False),
    ActionSpec(
        "enter",
        "open_cell",
        "The coded passages behind a cell (Enter on one: its transcript)",
        REPORT,
        binding=False,
    ),
    ActionSpec(
        "left_square_bracket",
        "previous_table",
        "Previous table of a split by (tab)",
        REPORT,
    ),
    ActionSpec("right_square_bracket", "next_table", "Next table of a split by (tab)", REPORT),
    ActionSpec(
        "t",
        "cycle_top",
        "Top N: the 10 / 20 / 40 rows and columns with the highest totals, or all",
        REPORT,
        binding=False,
    ),
    ActionSpec(
        "l",
        "toggle_layout",
        "Layout: the grid, or long (one pair per line, largest first)",
        REPORT,
        binding=False,
    ),
    ActionSpec(
        "o",
        "toggle_cooccurrence",
        "Co-occurrence: codes by codes within a segment, turn, overlap or link (o: cross-tab)",
        REPORT,
        binding=False,
    ),
    ActionSpec("e", "export", "Export: the table, format from the file name", REPORT, show=True),
    ActionSpec("r", "refresh", "Recompute: read the project again", REPORT, show=True),
    ActionSpec("escape", "back", "Back", REPORT, show=True),
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
            urgent = [key for key in spec.key_list if key in spec.priority_keys.split(",")]
            usual = [key for key in spec.key_list if key not in urgent]
            for keys, priority in ((usual, False), (urgent, True)):
                if keys:
                    out.append(
                        Binding(
                            ",".join(keys),
                            spec.action,
                            spec.label,
                            show=spec.show and keys[0] == spec.key_list[0],  # one footer entry
                            key_display=KEY_GLYPHS.get(keys[0], keys[0]),
                            priority=priority,
                        )
                    )
    return out


def screen_places(where: str) -> tuple[str, ...]:
    """The places whose keys the screen of ``where`` binds (fine selection: the coding screen)."""
    return SCREEN_PLACES.get(where, (where,))


def app_rows(where: str) -> list[ActionSpec]:
    """The app-wide rows as they work on the screen of ``where``.

    A key the screen binds itself wins over the app's (the codebook's ``c`` closes it, the
    report's ``r`` recomputes), so it is left out; a row left without keys is dropped.
    """
    if where == APP:
        return rows(APP)
    if where == DIALOG:  # a modal screen: Textual lets only the app's priority keys through
        return [replace(spec, keys=spec.priority_keys) for spec in rows(APP) if spec.priority_keys]
    taken = {
        key
        for place in screen_places(where)
        for spec in rows(place)
        if spec.binding
        for key in spec.key_list
    }
    found: list[ActionSpec] = []
    for spec in rows(APP):
        free = [key for key in spec.key_list if key not in taken]
        if free:
            found.append(replace(spec, keys=",".join(free)))
    return found


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
