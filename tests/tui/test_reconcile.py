"""The reconciliation screen in the real app, driven with the pilot as a user would."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.widgets import Static

from qualcope.services import codings
from qualcope.services import reconcile as rc
from qualcope.services.project import Project
from qualcope.tui.app import QualcopeApp
from qualcope.tui.screens.coder_pair import CoderPairPicker
from qualcope.tui.screens.help import HelpScreen
from qualcope.tui.screens.reconcile import ReconcileScreen
from qualcope.tui.widgets.disagreement_list import DisagreementList
from qualcope.tui.widgets.reconcile_status import ReconcileStatus
from tests.services.test_reconcile import ESCALATION, SENTENCES, A, B, make_pair, span
from tests.tui.conftest import drive, press, settle

MakeFile = Callable[[bytes | str, str], Path]
SIZE = (150, 45)


def consensus(project: Project) -> set[tuple[int, int, str]]:
    return {
        (c.start, c.end, c.code_path)
        for c in codings.codings_for_document(project, 1, coder=rc.CONSENSUS)
    }


def status(screen: ReconcileScreen) -> str:
    return str(screen.query_one(ReconcileStatus).render())


@drive
async def test_choose_coders_accept_b_see_progress_and_undo(
    icvc_project: Project, make_file: MakeFile, project_path: Path
) -> None:
    make_pair(icvc_project, make_file, project_path)
    app = QualcopeApp(icvc_project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "R")
        assert isinstance(app.screen, CoderPairPicker)
        await press(pilot, "enter")
        screen = app.screen
        assert isinstance(screen, ReconcileScreen) and screen.pair == (A, B)
        units = screen.query_one(DisagreementList)
        assert [(d.key.start, d.key.end) for d in units.items] == [span(1), span(4)]
        assert "0/2 decided" in status(screen)
        assert "2 agreed units to take over (t)" in status(screen)
        detail = str(screen.query_one("#reconcile-unit", Static).render())
        assert SENTENCES[1] in detail and "not decided" in detail
        assert "Include when" in str(screen.query_one("#reconcile-codes", Static).render())

        await press(pilot, "b")  # Bob gave sentence 1 no code: the consensus has none there
        assert "1/2 decided" in status(screen)
        assert units.items[0].decision == "accept_b"
        assert units.current is not None and units.current.key.start == span(4)[0]
        assert consensus(icvc_project) == set()

        await press(pilot, "b")  # sentence 4: Bob's Escalation
        assert consensus(icvc_project) == {(*span(4), ESCALATION)}
        assert "2/2 decided" in status(screen)

        await press(pilot, "u")  # the app's undo takes the last decision back
        assert consensus(icvc_project) == set()
        assert "1/2 decided" in status(screen)
        assert units.items[1].decision is None

        await press(pilot, "t")  # take over what both agree on: the document is finished
        await press(pilot, "k", "j", "a")
        assert "2/2 decided" in status(screen) and "1/1 documents finished" in status(screen)
        assert "A–consensus α" in status(screen)
        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        await press(pilot, "escape", "escape")
        assert not isinstance(app.screen, ReconcileScreen)
    assert rc.progress(icvc_project, A, B).finished == 1


@drive
async def test_recode_uses_the_code_picker(
    icvc_project: Project, make_file: MakeFile, project_path: Path
) -> None:
    make_pair(icvc_project, make_file, project_path)
    app = QualcopeApp(icvc_project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "R", "enter", "j", "r")
        await pilot.press(*"balancing")
        await press(pilot, "enter")
        assert consensus(icvc_project) == {(*span(4), "Coping strategies/Balancing")}
        screen = app.screen
        assert isinstance(screen, ReconcileScreen)
        assert screen.query_one(DisagreementList).items[1].decision == "recode"


@drive
async def test_without_two_coders_it_says_so_and_goes_back(icvc_project: Project) -> None:
    app = QualcopeApp(icvc_project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "R")
        assert not isinstance(app.screen, ReconcileScreen | CoderPairPicker)
        assert any("no two coders" in n.message for n in app._notifications)


@drive
async def test_a_coder_working_blind_cannot_open_it(
    icvc_project: Project, make_file: MakeFile, project_path: Path
) -> None:
    make_pair(icvc_project, make_file, project_path)
    icvc_project.blind = True
    app = QualcopeApp(icvc_project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "R")
        assert not isinstance(app.screen, ReconcileScreen | CoderPairPicker)
        assert any("blind" in n.message for n in app._notifications)
