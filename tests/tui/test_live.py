"""Other coders' codings appear on the coding screen live, naming who (issue 14, Live)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from qualcope.services import codebook_edit, codings
from qualcope.services.document_delete import delete_document
from qualcope.services.project import Project
from qualcope.tui.app import QualcopeApp
from qualcope.tui.screens.coding import CodingScreen
from qualcope.tui.screens.documents import DocumentsScreen
from tests.tui.conftest import drive, press, settle, until
from tests.tui.test_coding_flows import SIZE, open_document
from tests.tui.test_ownership_modes import SENTENCE, messages, sentence_span
from tests.tui.transcripts import SMALL_INTERVIEW, store_transcript


def shown(screen: CodingScreen) -> list[tuple[str, str, str]]:
    return sorted((c.code_path.rpartition("/")[2], c.coder, c.memo) for c in screen.panel.codings)


def seen(
    app: QualcopeApp, screen: CodingScreen, codings: list[tuple[str, str, str]], told: str
) -> bool:
    """The panel shows these codings and the app said so (the codings of a span may show a
    beat before the message: they are read after the log)."""
    return shown(screen) == codings and told in messages(app)


@drive
async def test_another_coders_codings_appear_live_without_moving_the_selection(
    coding_project: Project, code_id: Callable[[str], int]
) -> None:
    span = sentence_span(coding_project, SENTENCE)
    app = QualcopeApp(coding_project)
    with Project.open(coding_project.url.render_as_string(hide_password=False), "ana") as ana:
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_document(pilot)
            await press(pilot, "j", "j")
            assert screen.doc is not None and screen.doc.selection.span == span
            before = (screen.doc.selection.state(), screen.view.scroll_y)

            added = codings.add_coding(ana, 1, *span, code_id("Avoidance"))
            await until(
                pilot, lambda: seen(app, screen, [("Avoidance", "ana", "")], "ana added Avoidance")
            )
            assert "ana" in str(screen.panel.get_option_at_index(0).prompt)

            codings.recode(ana, added.id, code_id("Escalation"))
            told = "ana recoded Avoidance to Escalation"
            await until(pilot, lambda: seen(app, screen, [("Escalation", "ana", "")], told))

            memo = "seen [red]live[/]"  # untrusted text: shown as typed
            codings.set_memo(ana, added.id, memo)
            told = "ana changed the memo on Escalation"
            await until(pilot, lambda: seen(app, screen, [("Escalation", "ana", memo)], told))

            codings.remove_coding(ana, added.id)
            await until(pilot, lambda: seen(app, screen, [], "ana removed Escalation"))
            assert added.id not in screen.doc.codings

            assert (screen.doc.selection.state(), screen.view.scroll_y) == before
            assert app.screen is screen


@drive
async def test_own_writes_are_not_told_as_someone_elses(
    coding_project: Project, code_id: Callable[[str], int]
) -> None:
    app = QualcopeApp(coding_project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_document(pilot)
        await press(pilot, "j", "j", "a")  # a: Avoidance's shortcut
        await press(pilot, "x", "u")  # removed, and back
        assert [c.coder for c in screen.panel.codings] == ["tester"]
        await pilot.pause(2.2)  # two beats
        await settle(pilot)
        assert not [m for m in messages(app) if m.startswith("tester ")]
        assert [c.coder for c in screen.panel.codings] == ["tester"]


@drive
async def test_a_codebook_change_reloads_the_codes(coding_project: Project) -> None:
    app = QualcopeApp(coding_project)
    with Project.open(coding_project.url.render_as_string(hide_password=False), "ana") as ana:
        async with app.run_test(size=SIZE) as pilot:
            await open_document(pilot)
            codebook_edit.add_code(ana, "Brand new")
            await until(pilot, lambda: "Brand new" in [c.name for c in app.codes])
            assert "ana changed the codebook" in messages(app)


async def opened(pilot: Any) -> CodingScreen:
    """The coding screen an app opened itself (``document_id``), once its codings are read."""
    for _ in range(100):
        await settle(pilot)
        screen = pilot.app.screen
        if isinstance(screen, CodingScreen) and screen.doc is not None and screen.doc.complete:
            return screen
        await pilot.pause(0.02)
    raise AssertionError("the document did not open")


@drive
async def test_two_apps_see_each_others_codings(
    coding_project: Project, code_id: Callable[[str], int]
) -> None:
    # Each app opens the document itself: a screen pushed from the test would take the
    # other app as its own (Textual's active app is per task).
    first = QualcopeApp(coding_project, document_id=1)
    with Project.open(coding_project.url.render_as_string(hide_password=False), "ana") as ana:
        second = QualcopeApp(ana, document_id=1)
        async with first.run_test(size=SIZE) as one, second.run_test(size=SIZE) as two:
            mine, theirs = await opened(one), await opened(two)
            await press(one, "j", "j")
            await press(two, "j", "j", "a")
            await until(
                one, lambda: seen(first, mine, [("Avoidance", "ana", "")], "ana added Avoidance")
            )
            await press(one, "a")  # the same span and code, now tester's too
            both = [("Avoidance", "ana", ""), ("Avoidance", "tester", "")]
            await until(two, lambda: seen(second, theirs, both, "tester added Avoidance"))
            assert not [m for m in messages(second) if m.startswith("ana ")]
            assert not [m for m in messages(first) if m.startswith("tester ")]


MORE = ("Respondent", False, "And more.")


@drive
async def test_a_document_deleted_by_another_coder_closes_with_a_message(
    coding_project: Project, code_id: Callable[[str], int]
) -> None:
    span = sentence_span(coding_project, SENTENCE)
    store_transcript(coding_project, [*SMALL_INTERVIEW, MORE], name="zz.txt")
    app = QualcopeApp(coding_project)
    with Project.open(coding_project.url.render_as_string(hide_password=False), "ana") as ana:
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_document(pilot)
            assert screen.doc is not None and screen.doc.view.ref.id == 1
            codings.add_coding(ana, 1, *span, code_id("Avoidance"))
            await until(pilot, lambda: "ana added Avoidance" in messages(app))
            await press(pilot, "M")  # a memo editor open over the screen when it goes
            assert app.screen is not screen
            name = screen.doc.view.ref.name if screen.doc is not None else ""

            delete_document(ana, 1, others_confirmed=True)
            told = f"ana deleted {name}: back to the documents"
            await until(pilot, lambda: told in messages(app))
            assert isinstance(app.screen, DocumentsScreen) and screen not in app.screen_stack
            await settle(pilot)
            assert [ref.id for ref in app.screen.refs] == [2]
