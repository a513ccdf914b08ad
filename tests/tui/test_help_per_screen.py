"""Help per screen and the command palette, driven with the pilot as a user would.

``?`` on each screen lists that screen's keys first, then the app-wide keys that work
there; the palette lists qualcope's commands first and none of Textual's duplicates.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
from textual.app import SystemCommand
from textual.command import CommandList, CommandPalette
from textual.screen import ModalScreen, Screen

import qualcope.tui.screens as screens_package
from qualcope.services import documents
from qualcope.services.project import Project
from qualcope.tui import actions
from qualcope.tui.app import QualcopeApp
from qualcope.tui.palette import KEPT_SYSTEM_COMMANDS, kept_system_commands
from qualcope.tui.screens.help import HelpScreen, help_places, key_table
from qualcope.tui.screens.picker import CodePicker
from tests.tui.conftest import drive, press, settle
from tests.tui.test_untrusted_text import screen_text
from tests.tui.transcripts import SMALL_INTERVIEW, store_transcript

MakeFile = Callable[[bytes | str, str], Path]
TALL = (120, 140)  # every row of the longest help (the coding screen's) on screen
TEXTUAL_ONLY = ("Screenshot", "Maximize", "Minimize", "Keys", "Quit the application")


class PaletteApp(QualcopeApp):
    """QualcopeApp with the override app.py needs (see palette.py's module doc)."""

    CSS_PATH = Path(inspect.getfile(QualcopeApp)).with_name("qualcope.tcss")

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        return ()


async def open_help(pilot: Any, *keys: str, key: str = "question_mark") -> str:
    """Reach a screen with ``keys``, open its help and return the help as plain text."""
    await settle(pilot)
    await press(pilot, *keys, key)
    assert isinstance(pilot.app.screen, HelpScreen), pilot.app.screen
    return screen_text(pilot.app)


def section_line(shown: str, title: str) -> int:
    """The line of the help whose only text is ``title`` (a section heading)."""
    inside = [line.split("│")[1].strip() if "│" in line else "" for line in shown.splitlines()]
    return inside.index(title)


def assert_own_keys_first(shown: str, place: str) -> None:
    """The place's section comes first, all its rows, then the app-wide section."""
    title = actions.WHERE_TITLES[place]
    everywhere = shown.index(actions.WHERE_TITLES[actions.APP])
    assert shown.index(title) < everywhere
    for spec in actions.rows(place):
        assert spec.description[:40] in shown[:everywhere], spec
    for spec in actions.app_rows(place):
        assert spec.description[:40] in shown[everywhere:], spec
    for other in set(actions.WHERE_TITLES) - {place, actions.APP, *actions.screen_places(place)}:
        assert actions.WHERE_TITLES[other] not in shown, other


@pytest.mark.parametrize(
    ("keys", "place"),
    [
        ((), actions.DOCUMENTS),
        (("c",), actions.CODEBOOK),
        (("r",), actions.REPORT),
        (("g",), actions.SUGGESTIONS),
    ],
    ids=["documents", "codebook", "report", "suggestions"],
)
@drive
async def test_help_lists_the_keys_of_the_screen_it_is_opened_on_first(
    coding_project: Project, keys: tuple[str, ...], place: str
) -> None:
    async with QualcopeApp(coding_project).run_test(size=TALL) as pilot:
        shown = await open_help(pilot, *keys)
        assert_own_keys_first(shown, place)
        await press(pilot, "escape")
        assert not isinstance(pilot.app.screen, HelpScreen)


@drive
async def test_report_help_lists_the_report_keys_and_not_the_keys_it_takes_over(
    coding_project: Project,
) -> None:
    async with QualcopeApp(coding_project).run_test(size=TALL) as pilot:
        shown = await open_help(pilot, "r")
        assert "Keys  report first" in shown
        for text in ("Recompute: read the project", "Export: the table", "passages behind a cell"):
            assert text in shown
        # r recomputes here: the app's "r opens the report" is not listed on this screen
        assert "Report: cross-tabs" not in shown
        assert "Help: the keys of this screen" in shown


@drive
async def test_codebook_help_leaves_out_the_app_keys_the_codebook_binds_itself(
    coding_project: Project,
) -> None:
    async with QualcopeApp(coding_project).run_test(size=TALL) as pilot:
        shown = await open_help(pilot, "c")
        everywhere = shown[shown.index(actions.WHERE_TITLES[actions.APP]) :]
        assert "Codebook: edit codes" not in everywhere  # c closes the codebook
        assert "Undo (unlimited, also after" not in everywhere  # its own u and ctrl+z
        assert "Suggestions to review" in everywhere


@drive
async def test_coding_help_lists_the_codebook_shortcuts_its_keys_then_fine_selection(
    coding_project: Project,
) -> None:
    async with QualcopeApp(coding_project).run_test(size=TALL) as pilot:
        await settle(pilot)
        pilot.app.open_document(1)
        shown = await open_help(pilot)
        assert_own_keys_first(shown, actions.CODING)
        order = [
            section_line(shown, "Codebook shortcuts (apply a code)"),
            section_line(shown, actions.WHERE_TITLES[actions.CODING]),
            section_line(shown, actions.WHERE_TITLES[actions.FINE]),
            section_line(shown, actions.WHERE_TITLES[actions.APP]),
        ]
        assert order == sorted(order)
        trade_off = next(i for i, line in enumerate(shown.splitlines()) if "Trade-off" in line)
        assert order[0] < trade_off < order[1]


@drive
async def test_fine_selection_help_lists_the_fine_keys_first(coding_project: Project) -> None:
    async with QualcopeApp(coding_project).run_test(size=TALL) as pilot:
        await settle(pilot)
        pilot.app.open_document(1)
        shown = await open_help(pilot, "f", "right")
        assert "Keys  fine selection first" in shown
        fine = section_line(shown, actions.WHERE_TITLES[actions.FINE])
        assert fine < section_line(shown, actions.WHERE_TITLES[actions.CODING])


@drive
async def test_f1_in_a_dialog_shows_the_dialog_keys_first(coding_project: Project) -> None:
    async with QualcopeApp(coding_project).run_test(size=TALL) as pilot:
        await settle(pilot)
        pilot.app.open_document(1)
        shown = await open_help(pilot, "p", key="f1")  # ? would be typed into the picker
        assert_own_keys_first(shown, actions.DIALOG)
        await press(pilot, "escape")
        assert isinstance(pilot.app.screen, CodePicker)


@drive
async def test_reconcile_help_lists_the_reconcile_keys_first(
    icvc_project: Project, make_file: MakeFile, project_path: Path
) -> None:
    from tests.services.test_reconcile import make_pair

    make_pair(icvc_project, make_file, project_path)
    async with QualcopeApp(icvc_project).run_test(size=TALL) as pilot:
        shown = await open_help(pilot, "R", "enter")
        assert_own_keys_first(shown, actions.RECONCILE)
        assert "Report: cross-tabs" not in shown  # r recodes here


def screen_classes() -> list[type[Screen[Any]]]:
    """Every full screen (not a dialog) defined under qualcope/tui/screens."""
    found: list[type[Screen[Any]]] = []
    for info in pkgutil.iter_modules(screens_package.__path__):
        module = importlib.import_module(f"{screens_package.__name__}.{info.name}")
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if (
                cls.__module__ == module.__name__
                and issubclass(cls, Screen)
                and not issubclass(cls, ModalScreen)
            ):
                found.append(cls)
    return found


def test_every_screen_takes_its_keys_from_the_action_table() -> None:
    classes = screen_classes()
    assert {cls.__name__ for cls in classes} >= {
        "DocumentsScreen",
        "CodingScreen",
        "CodebookScreen",
        "ReportScreen",
        "SuggestionQueueScreen",
        "ReconcileScreen",
    }
    for cls in classes:
        where = getattr(cls, "WHERE", None)
        assert where in actions.WHERE_TITLES, cls
        expected = actions.bindings(*actions.screen_places(where))
        bound = [(b.key, b.action, b.show) for b in cls.BINDINGS]  # type: ignore[union-attr]
        assert bound == [(b.key, b.action, b.show) for b in expected], cls


def test_help_sections_of_each_place() -> None:
    assert help_places(actions.REPORT) == [actions.REPORT, actions.APP]
    assert help_places(actions.CODING) == [actions.CODING, actions.FINE, actions.APP]
    assert help_places(actions.FINE) == [actions.FINE, actions.CODING, actions.APP]
    assert help_places(actions.APP) == list(actions.WHERE_TITLES)  # an unknown screen: all
    own, everywhere = actions.rows(actions.REPORT), actions.app_rows(actions.REPORT)
    # a heading, the rows; a blank line, a heading, the rows
    assert key_table([], actions.REPORT).row_count == 1 + len(own) + 2 + len(everywhere)


def test_app_rows_leave_out_keys_the_screen_binds_itself() -> None:
    codebook = {spec.action: spec.keys for spec in actions.app_rows(actions.CODEBOOK)}
    assert "open_codebook" not in codebook and "undo" not in codebook
    assert codebook["help"] == "question_mark,f1"
    assert {spec.action for spec in actions.app_rows(actions.DOCUMENTS)} == {
        spec.action for spec in actions.rows(actions.APP)
    }


# ------------------------------------------------------------------ palette
def palette_entries(app: QualcopeApp) -> list[str]:
    """The palette's list, one entry per command: its title and its help line."""
    assert CommandPalette.is_open(app)
    commands = app.screen.query_one(CommandList)
    return [
        commands.get_option_at_index(i).prompt.plain  # type: ignore[union-attr]
        for i in range(commands.option_count)
    ]


async def palette(pilot: Any, query: str = "") -> list[str]:
    await press(pilot, "ctrl+p")
    if query:
        await pilot.press(*query)
    await pilot.pause(0.4)  # the palette gathers hits in batches
    await settle(pilot)
    return palette_entries(pilot.app)


def test_kept_system_commands_are_textuals_theme_only(coding_project: Project) -> None:
    app = QualcopeApp(coding_project)
    titles = [command.title for command in kept_system_commands(app, Screen())]
    assert titles == sorted(KEPT_SYSTEM_COMMANDS) == ["Theme"]


@drive
async def test_palette_lists_qualcope_commands_first_and_no_textual_duplicates(
    coding_project: Project,
) -> None:
    async with PaletteApp(coding_project).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        entries = await palette(pilot)
        first = next(spec for spec in actions.rows(actions.DOCUMENTS) if spec.binding)
        assert entries[0].startswith(first.description)
        assert entries[-1].startswith("Theme")
        assert [e for e in entries if e.startswith("Quit")] == ["Quit\nq"]  # one quit, ours
        for text in TEXTUAL_ONLY:
            assert not any(text in entry for entry in entries), text
        await press(pilot, "escape")

        found = await palette(pilot, "quit")
        assert found and all(not entry.startswith("Quit the application") for entry in found)
        await press(pilot, "escape")

        found = await palette(pilot, "screenshot")
        assert not any("Screenshot" in entry for entry in found)


@drive
async def test_palette_on_the_report_screen_lists_the_report_actions(
    coding_project: Project,
) -> None:
    async with PaletteApp(coding_project).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "r")
        entries = await palette(pilot)
        own = [spec.description for spec in actions.rows(actions.REPORT) if spec.binding]
        assert [entry.split("\n")[0] for entry in entries[: len(own)]] == own
        assert not any(entry.startswith("Report: cross-tabs") for entry in entries)
        assert not any("Filter by case" in entry for entry in entries)  # the documents' keys
        await press(pilot, "escape")
        await palette(pilot, "help: the keys")
        await press(pilot, "enter")  # help from the palette: still the report's keys first
        help_screen = pilot.app.screen
        assert isinstance(help_screen, HelpScreen) and help_screen.place == actions.REPORT


@drive
async def test_palette_help_lines_show_keys_and_names_literally(icvc_project: Project) -> None:
    store_transcript(icvc_project, SMALL_INTERVIEW, name="x.txt", participant="[b]P1[/b]")
    assert documents.list_documents(icvc_project)[0].participant == "[b]P1[/b]"
    async with PaletteApp(icvc_project).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        found = await palette(pilot, "open document x")
        assert any("[b]P1[/b]" in entry for entry in found), found
        await press(pilot, "escape", "escape")
        pilot.app.open_document(1)
        await settle(pilot)
        found = await palette(pilot, "previous coding at")
        assert any(entry == "Previous coding at the cursor\n[" for entry in found), found
