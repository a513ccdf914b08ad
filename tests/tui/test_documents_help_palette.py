"""The documents screen (filters, progress), the help screen, the command palette, README keys."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable

from qualcope.services import documents
from qualcope.services.project import Project
from qualcope.tui import actions
from qualcope.tui.app import QualcopeApp
from qualcope.tui.screens.coding import CodingScreen
from qualcope.tui.screens.documents import DocumentsScreen
from qualcope.tui.screens.help import HelpScreen
from tests.tui.conftest import drive, press, settle
from tests.tui.test_untrusted_text import screen_text
from tests.tui.transcripts import SMALL_INTERVIEW, store_transcript

README = Path(__file__).resolve().parents[2] / "README.md"


def three_documents(project: Project) -> dict[str, int]:
    return {
        "care-citizen": store_transcript(
            project,
            SMALL_INTERVIEW[:2],
            name="care-citizen.txt",
            case="social elderly care",
            role="citizen co-producer",
            participant="C1",
        ),
        "care-servant": store_transcript(
            project,
            SMALL_INTERVIEW[2:4],
            name="care-servant.txt",
            case="social elderly care",
            role="public servant",
            participant="S1",
        ),
        "mobility-servant": store_transcript(
            project,
            SMALL_INTERVIEW[4:],
            name="mobility-servant.txt",
            case="urban mobility planning",
            role="public servant",
            participant="S2",
        ),
    }


def listed(app: QualcopeApp) -> list[str]:
    screen = app.screen
    assert isinstance(screen, DocumentsScreen)
    return [ref.name for ref in screen.refs]


@drive
async def test_filters_narrow_the_documents_list(icvc_project: Project) -> None:
    ids = three_documents(icvc_project)
    documents.set_finished(icvc_project, ids["care-servant"], True)
    async with QualcopeApp(icvc_project).run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert len(listed(pilot.app)) == 3
        await press(pilot, "f", "enter", "down", "enter")  # case: the first case in the list
        assert listed(pilot.app) == ["care-citizen.txt", "care-servant.txt"]
        await press(pilot, "tab", "enter", "down", "down", "enter")  # role: public servant
        assert listed(pilot.app) == ["care-servant.txt"]
        await press(pilot, "x")
        assert len(listed(pilot.app)) == 3
        pilot.app.screen.query_one(DataTable).focus()
        await press(pilot, "n")  # not finished only
        assert listed(pilot.app) == ["care-citizen.txt", "mobility-servant.txt"]
        assert "✓" not in screen_text(pilot.app)
        await press(pilot, "n")
        assert "✓" in screen_text(pilot.app)


@drive
async def test_progress_follows_the_coding_and_enter_opens_the_highlighted_document(
    icvc_project: Project,
) -> None:
    three_documents(icvc_project)
    async with QualcopeApp(icvc_project).run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await press(pilot, "down", "enter")
        screen = pilot.app.screen
        assert isinstance(screen, CodingScreen) and screen.doc is not None
        assert screen.doc.view.ref.name == "care-servant.txt"
        await press(pilot, "J", "a", "q")
        row = next(line for line in screen_text(pilot.app).splitlines() if "care-servant" in line)
        assert "100%" in row


@drive
async def test_help_lists_every_key_of_the_coding_screen_and_the_code_shortcuts(
    coding_project: Project,
) -> None:
    async with QualcopeApp(coding_project).run_test(size=(120, 200)) as pilot:
        await settle(pilot)
        pilot.app.open_document(1)
        await settle(pilot)
        await press(pilot, "question_mark")
        assert isinstance(pilot.app.screen, HelpScreen)
        shown = screen_text(pilot.app)
        for spec in [
            *actions.rows(actions.CODING),
            *actions.rows(actions.FINE),
            *actions.app_rows(actions.CODING),
        ]:
            assert spec.description in shown, spec
        assert "Coping strategies/Trade-off" in shown
        assert actions.WHERE_TITLES[actions.RECONCILE] not in shown  # on its own screen's help
        await press(pilot, "escape")
        assert isinstance(pilot.app.screen, CodingScreen)


@drive
async def test_command_palette_opens_a_document_and_runs_an_action(
    icvc_project: Project,
) -> None:
    three_documents(icvc_project)
    async with QualcopeApp(icvc_project).run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await press(pilot, "ctrl+p")
        await pilot.press(*"mobility-serv")
        await settle(pilot)
        await press(pilot, "enter")
        screen = pilot.app.screen
        assert isinstance(screen, CodingScreen) and screen.doc is not None
        assert screen.doc.view.ref.name == "mobility-servant.txt"
        await press(pilot, "ctrl+p")
        await pilot.press(*"next speaker turn")
        await settle(pilot)
        await press(pilot, "enter")
        assert screen.doc.selection.mode == "turn"


def test_readme_key_table_is_the_action_table() -> None:
    readme = README.read_text(encoding="utf-8")
    assert actions.markdown_table() in readme


def test_codebook_shortcuts_of_the_icvc_codebook_are_free() -> None:
    assert not {"a", "e", "t", "b", *"0123456789"} & actions.RESERVED_KEYS


def test_progress_counts_respondent_turns_overlapped_by_this_coders_codings(
    icvc_project: Project,
) -> None:
    from qualcope.services import codebook, codings

    document = store_transcript(icvc_project, SMALL_INTERVIEW)
    text = documents.get_document(icvc_project, document).text
    code = next(n.id for n in codebook.tree(icvc_project) if n.name == "Avoidance")
    # A coding touching the last character of the first answer, and one in a question.
    end_of_answer = text.index("understand that.") + len("understand that.")
    codings.add_coding(icvc_project, document, end_of_answer - 5, end_of_answer, code)
    question = text.index("What happened")
    codings.add_coding(icvc_project, document, question, question + 4, code)
    other = Project(icvc_project.engine, icvc_project.url, "someone else")
    codings.add_coding(other, document, text.index("All the time"), len(text) - 3, code)
    ref = documents.get_document(icvc_project, document).ref
    assert (ref.respondent_turns, ref.coded_turns) == (3, 1)
    assert documents.list_documents(other)[0].coded_turns == 1
    assert documents.list_documents(icvc_project, document_id=document + 1) == []


@drive
async def test_hook_keys_open_the_screens_of_other_modules_when_they_exist(
    coding_project: Project,
) -> None:
    import importlib
    import importlib.util

    async with QualcopeApp(coding_project).run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        for key, action in (
            ("c", "open_codebook"),
            ("r", "open_report"),
            ("g", "open_suggestions"),
        ):
            module, class_name = actions.HOOKS[action]
            if importlib.util.find_spec(module) is None:
                assert all(spec.action != action for spec in actions.rows(actions.APP))
                continue
            await press(pilot, key)
            expected = getattr(importlib.import_module(module), class_name)
            assert isinstance(pilot.app.screen, expected)
            pilot.app.pop_screen()
            await settle(pilot)
            assert isinstance(pilot.app.screen, DocumentsScreen)


def test_a_hook_whose_module_is_missing_is_left_out(monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setitem(actions.HOOKS, "open_report", ("qualcope.tui.screens.nowhere", "X"))
    assert "open_report" not in {spec.action for spec in actions.rows(actions.APP)}
