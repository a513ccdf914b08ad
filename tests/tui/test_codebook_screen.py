"""The codebook screen, driven by keys on a minimal host app; assertions on the project."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.screen import ModalScreen
from textual.widgets import Markdown, Static

from qualcope.domain import CodeNode
from qualcope.interchange.codebook_yaml import parse_codebook_yaml
from qualcope.services import codebook, codebook_edit, codings
from qualcope.services.project import Project
from qualcope.tui.screens.codebook import CodebookScreen
from qualcope.tui.widgets.codebook_confirm import CodebookConfirm
from qualcope.tui.widgets.codebook_document import CodebookDocument
from qualcope.tui.widgets.codebook_form import CodebookForm
from qualcope.tui.widgets.codebook_tree import CodebookTree
from tests.services.test_codebook_service import add_document

SMALL = """\
name: Small
codes:
  - name: Coping
    kind: group
    colour: '#e15759'
    children:
      - name: Avoidance
        definition: Not dealing with the conflict.
        colour: '#d95f6e'
        shortcut: a
      - name: Escalation
        colour: '#e5533d'
        shortcut: e
      - name: Trade-off
  - name: Conflicts
    kind: group
    children:
      - name: Equity vs efficiency
  - name: Trust
"""
# Lines of the tree (everything expanded): 0 Coping, 1 Avoidance, 2 Escalation,
# 3 Trade-off, 4 Conflicts, 5 Equity vs efficiency, 6 Trust.
TEXT = "Respondent: we just stopped going. Then we wrote to the mayor about it all."


class Host(App[None]):
    """The smallest app that shows the codebook screen."""

    def __init__(self, project: Project) -> None:
        super().__init__()
        self.project = project

    def on_mount(self) -> None:
        self.push_screen(CodebookScreen(self.project))


def drive(test: Callable[..., Awaitable[None]]) -> Callable[..., None]:
    @functools.wraps(test)
    def run(*args: Any, **kwargs: Any) -> None:
        asyncio.run(test(*args, **kwargs))

    return run


def screen_of(app: App[Any]) -> CodebookScreen:
    return next(s for s in app.screen_stack if isinstance(s, CodebookScreen))


async def settle(pilot: Pilot[Any]) -> None:
    """Wait until no service call runs and every edit waits for a key or is finished."""
    for _ in range(200):
        await pilot.pause()
        screen = screen_of(pilot.app)
        busy = [w for w in pilot.app.workers if w.is_running and w.group.startswith("codebook")]
        if screen.pending == 0 and (not busy or isinstance(pilot.app.screen, ModalScreen)):
            await pilot.pause()
            return
    raise AssertionError("the codebook screen did not settle")


async def press(pilot: Pilot[Any], *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


async def type_text(pilot: Pilot[Any], text: str, *, clear: bool = False) -> None:
    if clear:
        await pilot.press("end", "shift+home", "backspace")
    await pilot.press(*text)
    await settle(pilot)


async def go_to(pilot: Pilot[Any], line: int) -> None:
    await pilot.press("home", *(["down"] * line))
    await settle(pilot)


def tree(project: Project) -> dict[str, CodeNode]:
    return {n.path: n for n in codebook.tree(project)}


@pytest.fixture
def small(project: Project) -> Project:
    codebook.import_codebook(project, parse_codebook_yaml(SMALL))
    return project


@pytest.fixture
def coded(small: Project) -> Project:
    """Two codings on Avoidance (one by another coder) and one on Escalation."""
    doc = add_document(small, TEXT)
    nodes = tree(small)
    codings.add_coding(small, doc, 12, 33, nodes["Coping/Avoidance"].id)
    codings.add_coding(small, doc, 12, 33, nodes["Coping/Escalation"].id)
    other = Project(small.engine, small.url, "other")
    codings.add_coding(other, doc, 35, 60, nodes["Coping/Avoidance"].id)
    return small


async def start(app: Host, pilot: Pilot[Any]) -> CodebookScreen:
    await settle(pilot)
    return screen_of(app)


# ------------------------------------------------------------------ flows
@drive
async def test_add_a_code_in_a_group_and_a_group_at_the_top(small: Project) -> None:
    app = Host(small)
    async with app.run_test(size=(100, 30)) as pilot:
        await start(app, pilot)
        await press(pilot, "a")  # cursor on the group 'Coping': the new code goes inside
        await type_text(pilot, "Humour")
        await press(pilot, "enter")
        assert app.screen is screen_of(app) and screen_of(app).current.name == "Humour"
        await go_to(pilot, 7)  # 'Trust', a top-level code: a new group goes beside it
        await press(pilot, "A")
        await type_text(pilot, "Later")
        await press(pilot, "enter")
    nodes = tree(small)
    assert "Coping/Humour" in nodes and nodes["Later"].is_group


@drive
async def test_rename_and_a_refused_rename_leaves_the_project_as_it_was(small: Project) -> None:
    app = Host(small)
    async with app.run_test(size=(100, 30)) as pilot:
        await start(app, pilot)
        await go_to(pilot, 1)
        await press(pilot, "r")
        await type_text(pilot, "Withdrawal", clear=True)
        await press(pilot, "enter")
        before = tree(small)
        await press(pilot, "r")
        await type_text(pilot, "ESCALATION", clear=True)
        await press(pilot, "enter")
        assert tree(small) == before
        assert any("already a code 'Escalation'" in n.message for n in app._notifications)
    assert "Coping/Withdrawal" in tree(small)


@drive
async def test_move_up_down_in_out_and_anywhere(small: Project) -> None:
    app = Host(small)
    async with app.run_test(size=(100, 30)) as pilot:
        await start(app, pilot)
        await go_to(pilot, 2)  # Escalation
        await press(pilot, "K")
        children = [n.name for n in codebook.tree(small) if n.path.startswith("Coping/")]
        assert children == ["Escalation", "Avoidance", "Trade-off"]
        await press(pilot, "J")
        await press(pilot, "greater_than_sign")  # under the code above it: Avoidance
        assert "Coping/Avoidance/Escalation" in tree(small)
        await press(pilot, "less_than_sign")
        assert "Coping/Escalation" in tree(small)
        await press(pilot, "M")
        await type_text(pilot, "conflicts")
        await press(pilot, "enter")
        assert screen_of(app).current.path == "Conflicts/Escalation"
    assert "Conflicts/Escalation" in tree(small)


@drive
async def test_merge_moves_the_codings_after_a_confirmation(coded: Project) -> None:
    app = Host(coded)
    async with app.run_test(size=(100, 30)) as pilot:
        await start(app, pilot)
        await go_to(pilot, 1)  # Avoidance: 2 codings
        await press(pilot, "m")
        await type_text(pilot, "escal")
        await press(pilot, "enter")
        assert isinstance(app.screen, CodebookConfirm)
        assert "2 codings move to 'Escalation'" in app.screen.message.plain
        await press(pilot, "y")
        assert any(
            "1 codings moved, 1 duplicates collapsed" in n.message for n in app._notifications
        )
    nodes = tree(coded)
    assert "Coping/Avoidance" not in nodes
    assert (nodes["Coping/Escalation"].coding_count, codings.count_codings(coded)) == (2, 2)


@drive
async def test_delete_states_the_numbers_then_merges_or_deletes_the_codings(
    coded: Project,
) -> None:
    app = Host(coded)
    async with app.run_test(size=(100, 30)) as pilot:
        await start(app, pilot)
        await go_to(pilot, 1)  # Avoidance
        await press(pilot, "d")
        message = app.screen.message.plain
        assert "2 codings (other: 1, tester: 1; 1 yours)" in message
        await press(pilot, "escape")
        assert codings.count_codings(coded) == 3
        await press(pilot, "d", "m")
        await type_text(pilot, "trade")
        await press(pilot, "enter")
        assert tree(coded)["Coping/Trade-off"].coding_count == 2
        await go_to(pilot, 1)  # Escalation (Avoidance is gone)
        await press(pilot, "d", "D")
        await go_to(pilot, 5)  # Trust: no codings
        await press(pilot, "d")
        assert "no codings" in app.screen.message.plain
        await press(pilot, "y")
    nodes = tree(coded)
    assert {"Coping/Avoidance", "Coping/Escalation", "Trust"}.isdisjoint(nodes)
    assert codings.count_codings(coded) == 2


@drive
async def test_edit_fields_and_a_refused_shortcut_keeps_the_form_open(small: Project) -> None:
    app = Host(small)
    async with app.run_test(size=(100, 30)) as pilot:
        await start(app, pilot)
        await go_to(pilot, 3)  # Trade-off
        await press(pilot, "e")
        form = app.screen
        assert isinstance(form, CodebookForm)
        await type_text(pilot, "Choosing one value.")
        form.query_one("#form-shortcut").focus()
        await type_text(pilot, "j")
        await press(pilot, "ctrl+s")
        assert app.screen is form
        assert "app key" in str(form.query_one("#form-error", Static).render())
        form.query_one("#form-shortcut").focus()
        await type_text(pilot, "w", clear=True)
        form.query_one("#form-colour").focus()
        await type_text(pilot, "#AA5500")
        form.query_one("#form-cues-nl").focus()
        await type_text(pilot, "afwegen; kiezen")
        await press(pilot, "ctrl+s")
        assert app.screen is screen_of(app)
    node = tree(small)["Coping/Trade-off"]
    assert (node.definition, node.shortcut, node.colour) == ("Choosing one value.", "w", "#aa5500")
    assert node.cues == {"nl": ("afwegen", "kiezen")}


@drive
async def test_undo_and_redo_from_the_screen(small: Project) -> None:
    app = Host(small)
    async with app.run_test(size=(100, 30)) as pilot:
        await start(app, pilot)
        await go_to(pilot, 6)  # Trust
        await press(pilot, "d", "y")
        assert "Trust" not in tree(small)
        await press(pilot, "u")
        assert "Trust" in tree(small)
        await press(pilot, "U")
        assert "Trust" not in tree(small)


@drive
async def test_export_import_and_the_codebook_document(
    small: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # short relative paths, as a user types them
    exported = tmp_path / "out.yaml"
    incoming = tmp_path / "in.yaml"
    incoming.write_text("codes:\n  - name: Humour\n", encoding="utf-8")
    app = Host(small)
    async with app.run_test(size=(100, 30)) as pilot:
        await start(app, pilot)
        await press(pilot, "x")
        await type_text(pilot, "out.yaml", clear=True)
        await press(pilot, "enter")
        await press(pilot, "i")
        await type_text(pilot, "in.yaml")
        await press(pilot, "enter")
        await press(pilot, "v")
        assert isinstance(app.screen, CodebookDocument)
        assert "Not dealing with the conflict." in app.screen.markdown
        assert app.screen.query_one(Markdown)
        await press(pilot, "escape")
        assert app.screen is screen_of(app)
    assert "Avoidance" in exported.read_text(encoding="utf-8")
    assert "Humour" in tree(small)


@drive
async def test_importing_another_tools_list_says_what_was_made_of_it(
    small: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "codes.txt").write_text("Themes>>Humour\tjokes that ease a conflict\n")
    app = Host(small)
    async with app.run_test(size=(100, 30)) as pilot:
        await start(app, pilot)
        await press(pilot, "i")
        await type_text(pilot, "codes.txt")
        await press(pilot, "enter")
        messages = [n.message for n in app._notifications]
    assert any(
        "codes.txt: 2 added" in m and "read as a QualCoder code list: 1 code, 1 category" in m
        for m in messages
    ), messages
    assert tree(small)["Themes/Humour"].definition == "jokes that ease a conflict"


@drive
async def test_code_names_with_markup_are_shown_literally(small: Project) -> None:
    """C8-1: a name that looks like markup or an action link is only text."""
    for name in ("[bold]x", "[@click=app.quit]y"):
        codebook_edit.add_code(small, name)
    app = Host(small)
    async with app.run_test(size=(100, 30)) as pilot:
        await start(app, pilot)
        labels = [n.label.plain for n in app.screen.query_one(CodebookTree).root.children]
        assert any(label.startswith("■ [bold]x") for label in labels)
        assert any(label.startswith("■ [@click=app.quit]y") for label in labels)
        await press(pilot, "end")
        assert app.is_running


def test_the_service_refuses_every_key_of_the_workspace() -> None:
    from qualcope.tui import actions

    assert actions.RESERVED_KEYS <= codebook_edit.RESERVED_KEYS


# --------------------------------------------------------------- snapshot
def test_snapshot_of_the_codebook_screen(coded: Project, snap_compare: Any) -> None:
    assert snap_compare(Host(coded), terminal_size=(100, 30), run_before=go_to_avoidance)


async def go_to_avoidance(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await go_to(pilot, 1)


@drive
async def test_a_code_saved_meanwhile_by_another_coder_asks_reload_or_overwrite(
    small: Project,
) -> None:
    app = Host(small)
    ben = Project(small.engine, small.url, "ben")
    async with app.run_test(size=(100, 30)) as pilot:
        await start(app, pilot)
        await go_to(pilot, 3)  # Trade-off
        for choice, mine in (("r", "Mine, dropped."), ("o", "Mine, kept.")):
            await press(pilot, "e")
            assert isinstance(app.screen, CodebookForm)
            node = tree(small)["Coping/Trade-off"]
            codebook_edit.update_code(ben, node.id, {"definition": f"Ben's, before {choice}."})
            await type_text(pilot, mine, clear=True)
            await press(pilot, "ctrl+s")
            asked = app.screen
            assert isinstance(asked, CodebookConfirm)
            assert "changed by ben" in asked.message.plain
            await press(pilot, choice)
            assert app.screen is screen_of(app)
            kept = tree(small)["Coping/Trade-off"].definition
            assert kept == (f"Ben's, before {choice}." if choice == "r" else mine)


@drive
async def test_a_rename_after_another_coders_rename_asks_too(small: Project) -> None:
    app = Host(small)
    ben = Project(small.engine, small.url, "ben")
    async with app.run_test(size=(100, 30)) as pilot:
        await start(app, pilot)
        await go_to(pilot, 3)  # Trade-off
        codebook_edit.rename_code(ben, tree(small)["Coping/Trade-off"].id, "Trade-offs")
        await press(pilot, "r")
        await type_text(pilot, "Weighing", clear=True)
        await press(pilot, "enter")
        asked = app.screen
        assert isinstance(asked, CodebookConfirm) and "changed by ben" in asked.message.plain
        await press(pilot, "o")
        assert app.screen is screen_of(app)
    assert "Coping/Weighing" in tree(small)
