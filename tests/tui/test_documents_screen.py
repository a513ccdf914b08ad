"""The documents screen as a user drives it: Home/End, Esc out of the filters, the two
progress columns, columns that fit 80 and 120 columns, documents that reopen where the coder
left them."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Checkbox, Select

from qualcope.services import codebook, codings, documents, reading_positions
from qualcope.services.project import Project
from qualcope.tui.app import QualcopeApp
from qualcope.tui.screens.coding import CodingScreen
from qualcope.tui.screens.documents import (
    COLUMNS,
    SCROLLBAR,
    DocumentsScreen,
    DocumentTable,
    fit_columns,
)
from tests.tui.conftest import drive, press, settle, until
from tests.tui.test_untrusted_text import screen_text
from tests.tui.transcripts import SMALL_INTERVIEW, store_transcript, synthetic_turns

ALL_LABELS = [
    "Document",
    "Your progress",
    "All coders",
    "Case",
    "Role",
    "Participant",
    "Words",
    "Lang",
]


def many_documents(project: Project, count: int) -> list[str]:
    """`count` short interviews (more than a 24-line terminal shows); their names in list order."""
    names = [f"interview-{number:02d}.txt" for number in range(count)]
    for number, name in enumerate(names):
        turns = [
            ("Interviewer", True, f"What happened in meeting {number}?"),
            ("Respondent", False, f"Meeting {number} was slow. We left early."),
        ]
        store_transcript(project, turns, name=name, participant=f"P{number:02d}")
    return names


def screen_of(app: Any) -> DocumentsScreen:
    screen = app.screen
    assert isinstance(screen, DocumentsScreen)
    return screen


def highlighted(app: Any) -> str:
    screen = screen_of(app)
    return screen.refs[screen.query_one(DocumentTable).cursor_row].name


def header_labels(app: Any) -> list[str]:
    """The column labels as the terminal shows them (the line under the filters)."""
    header = screen_text(app).splitlines()[2]
    return [label for label in ALL_LABELS if label in header]


def coded_by_a_colleague(project: Project) -> int:
    """A document only 'bea' coded (two of its three answers); the test coder coded nothing."""
    document = store_transcript(project, SMALL_INTERVIEW, name="coded-by-bea.txt")
    text = documents.get_document(project, document).text
    code = next(n.id for n in codebook.tree(project) if n.name == "Avoidance")
    colleague = Project(project.engine, project.url, "bea")
    codings.add_coding(colleague, document, text.index("I coordinate"), text.index(" The"), code)
    codings.add_coding(colleague, document, text.index("All the time"), len(text) - 3, code)
    return document


# ------------------------------------------------------------------ keys
@drive
async def test_home_and_end_go_to_the_first_and_last_document(icvc_project: Project) -> None:
    names = many_documents(icvc_project, 30)
    async with QualcopeApp(icvc_project).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert highlighted(pilot.app) == names[0]
        await press(pilot, "end")
        assert highlighted(pilot.app) == names[-1]
        assert names[-1] in screen_text(pilot.app)  # scrolled to it
        await press(pilot, "up", "up")
        assert highlighted(pilot.app) == names[-3]
        await press(pilot, "home")
        assert highlighted(pilot.app) == names[0]
        assert names[0] in screen_text(pilot.app)
        assert names[-1] not in screen_text(pilot.app)
        await press(pilot, "enter")  # Enter still opens the highlighted document
        assert isinstance(pilot.app.screen, CodingScreen)


@drive
async def test_esc_leaves_the_filters_for_the_list(icvc_project: Project) -> None:
    many_documents(icvc_project, 3)
    async with QualcopeApp(icvc_project).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = screen_of(pilot.app).query_one(DocumentTable)
        await press(pilot, "f")
        assert isinstance(pilot.app.focused, Select)
        await press(pilot, "escape")
        assert pilot.app.focused is table
        # An open menu closes first; the next Esc leaves the filters.
        case_filter = screen_of(pilot.app).query_one("#filter-case", Select)
        await press(pilot, "f", "enter")
        assert case_filter.expanded
        await press(pilot, "escape")
        assert not case_filter.expanded and pilot.app.focused is case_filter
        await press(pilot, "escape")
        assert pilot.app.focused is table
        # From the last filter, the checkbox, too; a chosen filter stays chosen.
        await press(pilot, "f", "tab", "tab", "tab")
        assert isinstance(pilot.app.focused, Checkbox)
        await press(pilot, "space", "escape")
        assert pilot.app.focused is table
        assert screen_of(pilot.app).query_one("#filter-unfinished", Checkbox).value
        await press(pilot, "end", "home")  # the list has the keys again
        assert isinstance(pilot.app.screen, DocumentsScreen)


# ------------------------------------------------------------------ progress
@drive
async def test_your_progress_and_all_coders_are_two_columns(icvc_project: Project) -> None:
    coded_by_a_colleague(icvc_project)
    async with QualcopeApp(icvc_project).run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        shown = screen_text(pilot.app)
        assert "Your progress" in shown and "All coders" in shown
        row = next(line for line in shown.splitlines() if "coded-by-bea" in line)
        assert row.split("coded-by-bea.txt")[1].split()[:4] == ["░░░░░░", "0%", "███░░", "67%"]
        [ref] = screen_of(pilot.app).refs
        assert ref.progress == 0 and ref.progress_all > 0


@drive
async def test_a_blind_coder_sees_only_their_own_progress(icvc_project: Project) -> None:
    coded_by_a_colleague(icvc_project)
    blind = Project(icvc_project.engine, icvc_project.url, icvc_project.coder, blind=True)
    async with QualcopeApp(blind).run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert "All coders" not in header_labels(pilot.app)
        assert "67%" not in screen_text(pilot.app)
        assert "Your progress" in header_labels(pilot.app)


# ------------------------------------------------------------------ columns
@drive
async def test_columns_fit_80_and_120_columns(icvc_project: Project) -> None:
    coded_by_a_colleague(icvc_project)
    store_transcript(
        icvc_project,
        SMALL_INTERVIEW[:2],
        name="a-very-long-document-name-from-a-transcription-service.docx",
        case="temporary use of vacant spaces in the old harbour",
        role="citizen co-producer",
        participant="VS-C1",
    )
    async with QualcopeApp(icvc_project).run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert header_labels(pilot.app) == ALL_LABELS
        table = screen_of(pilot.app).query_one(DocumentTable)
        assert table.max_scroll_x == 0  # nothing hides to the right
        assert "a-very-long-document" in screen_text(pilot.app)
        assert "…" in screen_text(pilot.app)  # the long values are cut, visibly
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert header_labels(pilot.app) == [
            "Document",
            "Your progress",
            "All coders",
            "Case",
            "Role",
        ]
        assert table.max_scroll_x == 0
        assert "67%" in screen_text(pilot.app)  # both progress columns still show
        await pilot.resize_terminal(120, 36)
        await settle(pilot)
        assert header_labels(pilot.app) == ALL_LABELS


@pytest.mark.parametrize("room", [60, 78, 98, 118, 158])
def test_fitted_columns_never_exceed_the_room(icvc_project: Project, room: int) -> None:
    coded_by_a_colleague(icvc_project)
    refs = documents.list_documents(icvc_project)
    fitted = fit_columns(COLUMNS, refs, room)
    keys = [column.key for column, _ in fitted]
    assert keys[:4] == ["document", "progress", "progress-all", "case"]  # never left out
    if room >= 70:
        assert sum(width + 2 for _, width in fitted) <= room
    if room >= 120 - SCROLLBAR:
        assert len(fitted) == len(COLUMNS)


# ------------------------------------------------------------------ reopening
def long_document(project: Project) -> int:
    return store_transcript(project, synthetic_turns(3000), name="long.txt")


@drive
async def test_a_document_opens_at_the_remembered_selection(icvc_project: Project) -> None:
    document = long_document(icvc_project)
    text = documents.get_document(icvc_project, document).text
    sentence = documents.list_segments(icvc_project, document, "sentence")[150]
    reading_positions.remember_position(icvc_project, document, sentence.start, sentence.end)
    async with QualcopeApp(icvc_project).run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await press(pilot, "enter")
        screen = pilot.app.screen
        assert isinstance(screen, CodingScreen) and screen.doc is not None
        assert screen.doc.selection.span == (sentence.start, sentence.end)
        assert screen.doc.selection.mode == "sentence"  # as it was made: j goes on from it
        # The view scrolls there once it has its size, a moment later under load.
        await until(pilot, lambda: screen.view.scroll_y > 0)
        assert text[sentence.start : sentence.end][:30] in screen_text(pilot.app)
        await press(pilot, "j")
        following = documents.list_segments(icvc_project, document, "sentence")[151]
        assert screen.doc.selection.span == (following.start, following.end)


@drive
async def test_a_search_hit_wins_over_the_remembered_selection(icvc_project: Project) -> None:
    document = long_document(icvc_project)
    reading_positions.remember_position(icvc_project, document, 2000, 2100)
    async with QualcopeApp(icvc_project).run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        pilot.app.open_document(document)
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, CodingScreen) and screen.doc is not None
        assert screen.doc.selection.span == (2000, 2100)  # any span: the fine selection
        assert screen.doc.selection.mode == "fine"
        screen.open(document, then=(40, 60))
        await settle(pilot)
        assert screen.doc.selection.span == (40, 60)


@drive
async def test_a_document_reopens_where_it_was_left_also_after_a_restart(
    icvc_project: Project,
) -> None:
    long_document(icvc_project)
    async with QualcopeApp(icvc_project).run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await press(pilot, "enter", *["j"] * 40, "J", "J")
        screen = pilot.app.screen
        assert isinstance(screen, CodingScreen) and screen.doc is not None
        left = screen.doc.selection.span
        await press(pilot, "q")
        assert isinstance(pilot.app.screen, DocumentsScreen)
        await press(pilot, "enter")
        again = pilot.app.screen
        assert isinstance(again, CodingScreen) and again.doc is not None
        assert again.doc.selection.span == left
        assert again.view.scroll_y > 0
        await press(pilot, "v", "j", "j", "right")  # a fine selection over three sentences
        left = again.doc.selection.span
    # Quit from the coding screen, start again on the same project.
    async with QualcopeApp(icvc_project).run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await press(pilot, "enter")
        reopened = pilot.app.screen
        assert isinstance(reopened, CodingScreen) and reopened.doc is not None
        assert reopened.doc.selection.span == left


# ------------------------------------------------------------------ delete
@drive
async def test_d_says_what_goes_asks_and_deletes_the_highlighted_document(
    icvc_project: Project,
) -> None:
    names = many_documents(icvc_project, 3)
    colleague = coded_by_a_colleague(icvc_project)
    async with QualcopeApp(icvc_project).run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert highlighted(pilot.app) == "coded-by-bea.txt"  # the list is sorted by name
        await press(pilot, "D")
        await until(pilot, lambda: "Delete coded-by-bea.txt?" in screen_text(pilot.app))
        shown = " ".join(screen_text(pilot.app).split())
        assert "2 codings (bea 2)" in shown and "There is no undo" in shown
        await press(pilot, "escape")  # not deleted
        await settle(pilot)
        assert len(screen_of(pilot.app).refs) == 4 and pilot.app.screen is screen_of(pilot.app)

        await press(pilot, "D")
        await until(pilot, lambda: "Delete coded-by-bea.txt?" in screen_text(pilot.app))
        await press(pilot, "y")
        await until(pilot, lambda: len(screen_of(pilot.app).refs) == 3)
        assert [ref.name for ref in screen_of(pilot.app).refs] == names
        told = [n.message for n in pilot.app._notifications]
        assert "deleted coded-by-bea.txt: 2 codings (bea 2)" in told
    assert colleague not in [ref.id for ref in documents.list_documents(icvc_project)]
