"""The coding screen driven with keys as a user would; assertions on the project afterwards."""

from __future__ import annotations

import time

from qualcope.errors import ProjectBusyError
from qualcope.services import codings, documents
from qualcope.services.project import Project
from qualcope.tui.app import QualcopeApp
from qualcope.tui.screens.coding import CodingScreen
from tests.tui.conftest import drive, press, settle

SIZE = (100, 30)


def spans(project: Project, document_id: int = 1) -> list[tuple[str, str, str]]:
    text = documents.get_document(project, document_id).text
    return [
        (c.code_path.rpartition("/")[2], text[c.start : c.end], c.coder)
        for c in codings.codings_for_document(project, document_id)
    ]


async def open_document(pilot, document_id: int = 1) -> CodingScreen:  # noqa: ANN001
    """Open a document and wait until every coding of it is read (that read starts on a
    timer after the first screen is drawn, so a busy machine may need a few rounds)."""
    await settle(pilot)
    pilot.app.open_document(document_id)
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, CodingScreen)
    for _ in range(100):
        if screen.doc is not None and screen.doc.complete:
            break
        await pilot.pause(0.02)
        await settle(pilot)
    return screen


@drive
async def test_enter_opens_a_document_and_a_shortcut_codes_the_sentence(
    coding_project: Project,
) -> None:
    app = QualcopeApp(coding_project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "enter")
        assert isinstance(app.screen, CodingScreen)
        await press(pilot, "j", "j", "a")
        assert "Avoidance" in str(app.screen.panel.codings[0].code_path)
    assert spans(coding_project) == [
        ("Avoidance", "The city pays us, but we serve the process.", "tester")
    ]


@drive
async def test_turns_extend_and_several_codes_on_one_span(coding_project: Project) -> None:
    async with QualcopeApp(coding_project).run_test(size=SIZE) as pilot:
        await open_document(pilot)
        await press(pilot, "J", "e", "t")  # the whole first answer, two codes
        await press(pilot, "J", "J", "v", "j", "b")  # the second answer and the next question
    got = spans(coding_project)
    answer = (
        "I coordinate the citizen panel for the city. The city pays us, but we serve the "
        "process. [laughs] People do not always understand that."
    )
    assert ("Escalation", answer, "tester") in got
    assert ("Trade-off", answer, "tester") in got
    balancing = [span for code, span, _ in got if code == "Balancing"]
    assert len(balancing) == 1
    assert balancing[0].startswith("I stopped the session plan")
    assert balancing[0].endswith("Did you have to choose between inclusion and quality?")


@drive
async def test_fine_selection_trims_the_sentence_word_by_word(coding_project: Project) -> None:
    async with QualcopeApp(coding_project).run_test(size=SIZE) as pilot:
        await open_document(pilot)
        # Fourth answer sentence: "We lost people anyway: the young people stopped going ..."
        await press(pilot, "J", "J", "J", "j", "j", "j")
        await press(pilot, "f", "o", "right", "right", "right", "right")  # start: 4 words on
        await press(pilot, "o", "left", "left", "left")  # end: back to "going"
        await press(pilot, "shift+right", "shift+right", "shift+right", "a")  # then " to"
    assert spans(coding_project) == [("Avoidance", "the young people stopped going to", "tester")]


@drive
async def test_picker_finds_a_code_by_name_or_definition_and_applies_it(
    coding_project: Project,
) -> None:
    async with QualcopeApp(coding_project).run_test(size=SIZE) as pilot:
        await open_document(pilot)
        await press(pilot, "j", "enter")
        await pilot.press(*"escal")
        await press(pilot, "enter")
        await press(pilot, "j", "p")
        await pilot.press(*"authority")  # a word of Escalation's definition
        await settle(pilot)
        picker = pilot.app.screen
        assert picker.shown and picker.shown[0].name == "Escalation"
        await press(pilot, "escape")  # cancelled: nothing applied
    assert [code for code, _, _ in spans(coding_project)] == ["Escalation"]


@drive
async def test_remove_recode_and_memo_on_the_current_coding(coding_project: Project) -> None:
    async with QualcopeApp(coding_project).run_test(size=SIZE) as pilot:
        await open_document(pilot)
        await press(pilot, "j", "a", "e", "right_square_bracket")  # two codes; second current
        await press(pilot, "x")  # removes Escalation
        await press(pilot, "s")
        await pilot.press(*"balanc")
        await press(pilot, "enter")  # Avoidance -> Balancing
        await press(pilot, "m")
        await pilot.press(*"[/] both")
        await press(pilot, "ctrl+s")
        screen = pilot.app.screen
        assert [c.memo for c in screen.panel.codings] == ["[/] both"]
    found = codings.codings_for_document(coding_project, 1)
    assert [(c.code_path.rpartition("/")[2], c.memo) for c in found] == [("Balancing", "[/] both")]


@drive
async def test_link_a_trade_off_to_a_conflict_and_pick_the_favoured_value(
    coding_project: Project,
) -> None:
    async with QualcopeApp(coding_project).run_test(size=SIZE) as pilot:
        screen = await open_document(pilot)
        await press(pilot, "J", "J", "J", "J", "J")  # the question about inclusion and quality
        screen.on_code_tree_code_chosen(_chosen(pilot, "Inclusion vs service quality"))
        await settle(pilot)
        await press(pilot, "J", "t", "l")  # trade-off on the answer, then link
        await press(pilot, "enter")  # the conflict coding is offered first
        await pilot.press(*["down"] * 1)
        await settle(pilot)
        link_dialog = pilot.app.screen
        favoured = link_dialog.values[0]
        await press(pilot, "enter")
    trade_off = next(
        c
        for c in codings.codings_for_document(coding_project, 1)
        if c.code_path.endswith("Trade-off")
    )
    assert [(x.target_code_path, x.favoured_code_path) for x in trade_off.links] == [
        ("Value conflicts/Inclusion vs service quality", favoured.path)
    ]


def _chosen(pilot, name: str):  # noqa: ANN001, ANN202
    from qualcope.tui.widgets.code_tree import CodeTree

    code = next(c for c in pilot.app.codes if c.name == name)
    return CodeTree.CodeChosen(code)


@drive
async def test_document_memo_and_finished_mark(coding_project: Project) -> None:
    async with QualcopeApp(coding_project).run_test(size=SIZE) as pilot:
        await open_document(pilot)
        await press(pilot, "M")
        await pilot.press(*"[bold]panel ok")
        await press(pilot, "ctrl+s", "F")
    view = documents.get_document(coding_project, 1)
    assert view.memo == "[bold]panel ok"
    assert view.ref.finished


@drive
async def test_undo_and_redo_work_across_a_restart(coding_project: Project) -> None:
    location, coder = coding_project.path, coding_project.coder
    async with QualcopeApp(coding_project).run_test(size=SIZE) as pilot:
        await open_document(pilot)
        await press(pilot, "j", "a", "j", "e", "u")
        assert [c.code_path for c in pilot.app.screen.doc.codings.all()] == [
            "Coping strategies/Avoidance"
        ]
    assert [code for code, _, _ in spans(coding_project)] == ["Avoidance"]
    coding_project.close()
    with Project.open(location, coder) as reopened:
        async with QualcopeApp(reopened).run_test(size=SIZE) as pilot:
            screen = await open_document(pilot)
            await press(pilot, "u")  # undoes "apply Avoidance" from the previous session
            assert screen.doc.codings.all() == []
            await press(pilot, "U")
            assert [c.code_path for c in screen.doc.codings.all()] == [
                "Coping strategies/Avoidance"
            ]
        assert [code for code, _, _ in spans(reopened)] == ["Avoidance"]


@drive
async def test_a_failed_write_shows_a_message_and_the_true_state(
    coding_project: Project, monkeypatch
) -> None:  # noqa: ANN001
    def busy(*_args: object, **_kwargs: object) -> None:
        raise ProjectBusyError("the project is busy (another qualcope is writing); try again")

    async with QualcopeApp(coding_project).run_test(size=SIZE) as pilot:
        screen = await open_document(pilot)
        monkeypatch.setattr(codings, "add_coding", busy)
        await press(pilot, "j", "a")
        messages = [n.message for n in pilot.app._notifications]
        assert any("busy" in m for m in messages), messages
        assert screen.doc.codings.all() == []
        assert screen.status.parts.get("saving") == ""
    assert spans(coding_project) == []


@drive
async def test_search_jumps_between_hits_and_a_bad_regex_is_a_message(
    coding_project: Project,
) -> None:
    async with QualcopeApp(coding_project).run_test(size=SIZE) as pilot:
        screen = await open_document(pilot)
        await press(pilot, "slash")
        await pilot.press(*"people")
        await press(pilot, "enter")
        text = screen.doc.text
        assert text[slice(*screen.doc.selection.span)] == "People"
        await press(pilot, "n")
        assert text[slice(*screen.doc.selection.span)] == "people"
        await press(pilot, "n", "n", "a")  # wraps around to the first hit and codes it
        await press(pilot, "slash", "ctrl+a", "backspace")
        await pilot.press(*"^(a|aa")
        await press(pilot, "tab", "space", "enter")
        messages = [n.message for n in pilot.app._notifications]
        assert any("invalid regular expression" in m for m in messages), messages
        assert isinstance(pilot.app.screen, CodingScreen)
    assert [span for _, span, _ in spans(coding_project)] == ["People"]


@drive
async def test_next_uncoded_respondent_turn_skips_coded_turns(coding_project: Project) -> None:
    async with QualcopeApp(coding_project).run_test(size=SIZE) as pilot:
        screen = await open_document(pilot)
        await press(pilot, "J", "a", "greater_than_sign")
        start, end = screen.doc.selection.span
        assert screen.doc.text[start:end].startswith("I stopped the session plan")
        await press(pilot, "a", "greater_than_sign")
        assert screen.doc.text[slice(*screen.doc.selection.span)].startswith("All the time.")


@drive
async def test_quitting_right_after_a_key_keeps_the_change(
    coding_project: Project, monkeypatch
) -> None:  # noqa: ANN001
    slow_add = codings.add_coding

    def add_slowly(*args: object, **kwargs: object) -> object:
        time.sleep(0.3)  # a slow disk: the second change waits in the queue
        return slow_add(*args, **kwargs)

    app = QualcopeApp(coding_project)
    async with app.run_test(size=SIZE) as pilot:
        await open_document(pilot)
        monkeypatch.setattr(codings, "add_coding", add_slowly)
        await pilot.press("j", "a", "e", "ctrl+q")  # no pause between the keys
        await pilot.pause()
    assert sorted(code for code, _, _ in spans(coding_project)) == ["Avoidance", "Escalation"]


@drive
async def test_a_document_that_is_gone_is_a_message_not_a_crash(coding_project: Project) -> None:
    async with QualcopeApp(coding_project).run_test(size=SIZE) as pilot:
        await settle(pilot)
        pilot.app.open_document(99)
        await settle(pilot)
        assert any("no document 99" in n.message for n in pilot.app._notifications)
        assert type(pilot.app.screen).__name__ == "DocumentsScreen"


@drive
async def test_a_code_added_meanwhile_gets_its_shortcut_when_the_screen_shows_again(
    coding_project: Project,
) -> None:
    from qualcope.domain import CodebookSpec, CodeSpec
    from qualcope.services import codebook

    async with QualcopeApp(coding_project).run_test(size=SIZE) as pilot:
        await open_document(pilot)
        spec = CodebookSpec(
            name="extra", codes=(CodeSpec(name="Humour", shortcut="w", colour="#33aa33"),)
        )
        codebook.import_codebook(coding_project, spec)  # e.g. from the codebook screen
        await press(pilot, "question_mark", "escape", "j", "w")
    assert spans(coding_project) == [
        ("Humour", "I coordinate the citizen panel for the city.", "tester")
    ]


@drive
async def test_a_document_memo_saved_meanwhile_elsewhere_asks_reload_or_overwrite(
    coding_project: Project,
) -> None:
    from qualcope.tui.widgets.codebook_confirm import CodebookConfirm

    # The document memo is the coder's own: the same coder in another window.
    other = Project(coding_project.engine, coding_project.url, coding_project.coder)
    app = QualcopeApp(coding_project)
    async with app.run_test(size=SIZE) as pilot:
        await open_document(pilot)
        await press(pilot, "M")
        documents.set_document_memo(other, 1, "from the other window", expected_text="")
        await pilot.press(*"mine")
        await press(pilot, "ctrl+s")
        asked = app.screen
        assert isinstance(asked, CodebookConfirm) and "memo" in asked.message.plain
        await press(pilot, "o")
    assert documents.get_document(coding_project, 1).memo == "mine"
