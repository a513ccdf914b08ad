"""The search and link dialogs of the coding screen, driven with keys as a user would.

Search: Space on an option box keeps the focus there and the query as typed, the box reads
``[x]``; Enter runs the search from any control. Link: each candidate shows its coder and
turn, so two coders' codings of one passage are told apart; the favoured values are the
two the conflict names, ``a`` shows them all; the link is asserted on the project afterwards.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, OptionList

from qualcope.domain import CodingView
from qualcope.services import codebook, codings, documents
from qualcope.services.project import Project
from qualcope.tui.app import QualcopeApp
from qualcope.tui.screens.coding import CodingScreen
from qualcope.tui.screens.hits import HitsDialog
from qualcope.tui.screens.link import LinkDialog, TurnNumbers, conflict_values, value_codes
from qualcope.tui.screens.search import SearchDialog, SearchRequest
from qualcope.tui.widgets.key_hint import KeyHint
from qualcope.tui.widgets.option_toggle import OptionToggle
from tests.tui.conftest import drive, press, settle

SIZE = (80, 24)
QUESTION = "Did you have to choose between inclusion and quality?"  # turn 5
ANSWER_START, ANSWER_END = "All the time.", "main decisions."  # turn 6


def span(project: Project, start: str, end: str) -> tuple[int, int]:
    text = documents.get_document(project, 1).text
    first = text.index(start)
    return first, text.index(end, first) + len(end)


@pytest.fixture
def two_coders(
    coding_project: Project, code_id: Callable[[str], int], project_path: Path
) -> Project:
    """tester: a conflict on the question, a trade-off and an avoidance on the answer;
    alice: the same conflict on the same question (so two codings look alike but for
    their coder)."""
    conflict = code_id("Inclusion vs service quality")
    question = span(coding_project, QUESTION, QUESTION)
    answer = span(coding_project, ANSWER_START, ANSWER_END)
    codings.add_coding(coding_project, 1, *question, conflict)
    codings.add_coding(coding_project, 1, *answer, code_id("Trade-off"))
    codings.add_coding(coding_project, 1, answer[0], answer[0] + 13, code_id("Avoidance"))
    with Project.open(project_path, "alice") as alice:
        codings.add_coding(alice, 1, *question, conflict)
    return coding_project


def coding_of(project: Project, code: str, coder: str = "tester") -> CodingView:
    return next(
        c
        for c in codings.codings_for_document(project, 1)
        if c.code_path.endswith(code) and c.coder == coder
    )


def prompts(pilot: Any) -> list[str]:
    options = pilot.app.screen.query_one(OptionList).options
    return [str(option.prompt) for option in options]


async def open_document(pilot: Any) -> CodingScreen:
    await settle(pilot)
    pilot.app.open_document(1)
    await settle(pilot)
    assert isinstance(pilot.app.screen, CodingScreen)
    return pilot.app.screen


async def open_search(pilot: Any, query: str) -> SearchDialog:
    await open_document(pilot)
    await press(pilot, "slash")
    await pilot.press(*query)
    await settle(pilot)
    assert isinstance(pilot.app.screen, SearchDialog)
    return pilot.app.screen


async def open_link_on_trade_off(pilot: Any) -> LinkDialog:
    """The answer turn (the last), whose first coding is the trade-off; then `l`."""
    screen = await open_document(pilot)
    await press(pilot, *["J"] * 6)
    assert screen.panel.current is not None
    assert screen.panel.current.code_path.endswith("Trade-off")
    await press(pilot, "l")
    assert isinstance(pilot.app.screen, LinkDialog)
    return pilot.app.screen


async def choose(pilot: Any, containing: str) -> None:
    """Move to the first option whose text holds `containing` and press Enter."""
    index = next(i for i, text in enumerate(prompts(pilot)) if containing in text)
    options = pilot.app.screen.query_one(OptionList)
    steps = index - (options.highlighted or 0)
    await press(pilot, *(["down"] * steps if steps > 0 else ["up"] * -steps), "enter")


# ----------------------------------------------------------------- search
@drive
async def test_space_on_an_option_keeps_the_focus_and_the_query(coding_project: Project) -> None:
    async with QualcopeApp(coding_project).run_test(size=SIZE) as pilot:
        dialog = await open_search(pilot, "the cit")
        await press(pilot, "tab", "space")
        regex = dialog.query_one("#search-regex", OptionToggle)
        assert pilot.app.focused is regex
        assert regex.value
        assert str(regex.render()) == "[x] regex"
        query = dialog.query_one(Input)
        assert query.value == "the cit"
        assert query.selection.is_empty  # nothing selected that a key could wipe
        await press(pilot, "space")
        assert str(regex.render()) == "[ ] regex"
        await press(pilot, "space")
        await press(pilot, "y")  # typed on the box: goes to the end of the query
        assert query.value == "the city"
        assert str(regex.render()) == "[x] regex"
        await press(pilot, "enter")
        screen = pilot.app.screen
        assert isinstance(screen, CodingScreen)
        assert screen.last_search == SearchRequest("the city", use_regex=True)


@drive
async def test_returning_to_the_query_selects_nothing(coding_project: Project) -> None:
    async with QualcopeApp(coding_project).run_test(size=SIZE) as pilot:
        dialog = await open_search(pilot, "city")
        await press(pilot, "tab", "space", "shift+tab")
        query = dialog.query_one(Input)
        assert pilot.app.focused is query
        await pilot.press(*"s")
        await settle(pilot)
        assert query.value == "citys"


@drive
async def test_enter_on_an_option_runs_the_search(coding_project: Project) -> None:
    async with QualcopeApp(coding_project).run_test(size=SIZE) as pilot:
        dialog = await open_search(pilot, "people")
        await press(pilot, "tab", "tab", "space")
        whole = dialog.query_one("#search-project", OptionToggle)
        assert pilot.app.focused is whole
        assert str(whole.render()) == "[x] whole project"
        await press(pilot, "enter")  # runs the search (does not toggle the box)
        assert isinstance(pilot.app.screen, HitsDialog)
        coding_screen = pilot.app.screen_stack[-2]
        assert coding_screen.last_search == SearchRequest("people", whole_project=True)


@drive
async def test_escape_cancels_the_search(coding_project: Project) -> None:
    async with QualcopeApp(coding_project).run_test(size=SIZE) as pilot:
        await open_search(pilot, "city")
        await press(pilot, "tab", "space", "escape")
        screen = pilot.app.screen
        assert isinstance(screen, CodingScreen)
        assert screen.last_search is None


@drive
async def test_the_previous_search_comes_back_with_its_options(coding_project: Project) -> None:
    async with QualcopeApp(coding_project).run_test(size=SIZE) as pilot:
        await open_search(pilot, "cit.")
        await press(pilot, "tab", "space", "enter", "slash")
        dialog = pilot.app.screen
        assert isinstance(dialog, SearchDialog)
        assert dialog.query_one(Input).value == "cit."
        assert str(dialog.query_one("#search-regex", OptionToggle).render()) == "[x] regex"
        assert str(dialog.query_one("#search-project", OptionToggle).render()) == (
            "[ ] whole project"
        )


# ------------------------------------------------------------------- link
@drive
async def test_each_candidate_shows_its_coder_and_turn(two_coders: Project) -> None:
    async with QualcopeApp(two_coders).run_test(size=SIZE) as pilot:
        dialog = await open_link_on_trade_off(pilot)
        conflicts = [text for text in prompts(pilot) if "Inclusion vs service quality" in text]
        assert len(conflicts) == 2
        assert any("turn 5 · tester" in text for text in conflicts), conflicts
        assert any("turn 5 · alice" in text for text in conflicts), conflicts
        assert conflicts[0] != conflicts[1]  # two coders' codings of one passage told apart
        assert all(QUESTION in text for text in conflicts)
        avoidance = next(text for text in prompts(pilot) if "Avoidance" in text)
        assert "turn 6 · tester" in avoidance
        assert "(turn 6)" in str(dialog.query_one("#link-title").render())


@drive
async def test_linking_to_the_other_coders_conflict(two_coders: Project) -> None:
    async with QualcopeApp(two_coders).run_test(size=SIZE) as pilot:
        await open_link_on_trade_off(pilot)
        await choose(pilot, "alice")
        await choose(pilot, "(no favoured value)")
    trade_off = coding_of(two_coders, "Trade-off")
    alices = coding_of(two_coders, "Inclusion vs service quality", coder="alice")
    assert [(x.target_coding_id, x.favoured_code_id) for x in trade_off.links] == [
        (alices.id, None)
    ]


@drive
async def test_favoured_values_are_the_two_in_conflict(two_coders: Project) -> None:
    async with QualcopeApp(two_coders).run_test(size=SIZE) as pilot:
        dialog = await open_link_on_trade_off(pilot)
        await choose(pilot, "tester")
        assert [text.lstrip("■ ") for text in prompts(pilot)] == [
            "(no favoured value)",
            "Inclusiveness",
            "Service quality",
        ]
        assert "a all values" in str(dialog.query_one(KeyHint).render())
        await choose(pilot, "Service quality")
    trade_off = coding_of(two_coders, "Trade-off")
    conflict = coding_of(two_coders, "Inclusion vs service quality")
    assert [(x.target_coding_id, x.favoured_code_path) for x in trade_off.links] == [
        (conflict.id, "Expectations/Public values in the process/Service quality")
    ]


@drive
async def test_the_all_values_key_offers_every_value(two_coders: Project) -> None:
    every_value = [c.name for c in value_codes(codebook.tree(two_coders))]
    async with QualcopeApp(two_coders).run_test(size=SIZE) as pilot:
        dialog = await open_link_on_trade_off(pilot)
        await choose(pilot, "tester")
        await press(pilot, "down", "down", "a")  # on Service quality: it stays highlighted
        listed = [text.lstrip("■ ") for text in prompts(pilot)]
        assert listed == ["(no favoured value)", *every_value]
        highlighted = dialog.query_one(OptionList).highlighted_option
        assert highlighted is not None and "Service quality" in str(highlighted.prompt)
        assert "a the two in conflict" in str(dialog.query_one(KeyHint).render())
        await press(pilot, "a")
        assert len(prompts(pilot)) == 3
        await press(pilot, "a")
        await choose(pilot, "Equity")
    trade_off = coding_of(two_coders, "Trade-off")
    assert [x.favoured_code_path for x in trade_off.links] == [
        "Expectations/Public values in the process/Equity"
    ]


@drive
async def test_a_target_naming_no_values_offers_them_all(two_coders: Project) -> None:
    every_value = [c.name for c in value_codes(codebook.tree(two_coders))]
    async with QualcopeApp(two_coders).run_test(size=SIZE) as pilot:
        dialog = await open_link_on_trade_off(pilot)
        await choose(pilot, "Avoidance")  # not a conflict: it names no values
        assert [text.lstrip("■ ") for text in prompts(pilot)] == [
            "(no favoured value)",
            *every_value,
        ]
        assert " a " not in str(dialog.query_one(KeyHint).render())
        await press(pilot, "a")  # nothing to narrow to: the list stays whole
        assert len(prompts(pilot)) == 1 + len(every_value)
        await press(pilot, "escape")
        assert isinstance(pilot.app.screen, CodingScreen)
    assert coding_of(two_coders, "Trade-off").links == ()


# ------------------------------------------------------------ pure parts
def test_each_icvc_conflict_names_its_two_values(icvc_project: Project) -> None:
    nodes = codebook.tree(icvc_project)
    values = value_codes(nodes)
    named = {
        node.name: [value.name for value in conflict_values(node.name, values)]
        for node in nodes
        if node.path.startswith("Value conflicts/") and not node.is_group
    }
    assert named == {
        "Inclusion vs service quality": ["Inclusiveness", "Service quality"],
        "Efficiency vs democratic quality": ["Efficiency", "Democratic quality"],
        "Individual vs public value": ["Individual value", "Public value"],
        "Responsiveness vs accountability": ["Responsiveness", "Accountability"],
        "Equity vs efficiency": ["Equity", "Efficiency"],
        "Multiple expectations": [],
        "Variety of initiatives and roles": [],
        "Time pressure": [],
        "Interactions": [],
    }
    assert [v.name for v in conflict_values("efficiency VERSUS Equity", values)] == [
        "Efficiency",
        "Equity",
    ]


def coding_at(start: int, end: int) -> CodingView:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    return CodingView(1, "g", 1, start, end, "", 1, "x", None, "tester", "", "manual", now)


def test_turn_numbers_count_from_one(coding_project: Project) -> None:
    turns = documents.list_segments(coding_project, 1, "turn", with_text=False)
    numbers = TurnNumbers(turns)
    first, second = turns[0], turns[1]
    assert numbers.label(coding_at(first.start, first.end)) == "turn 1"
    assert numbers.label(coding_at(second.start + 3, second.start + 3)) == "turn 2"  # empty span
    assert numbers.label(coding_at(first.start, second.start + 5)) == "turns 1–2"
    assert numbers.label(coding_at(first.end, first.end + 1)) == ""  # a speaker label
    assert TurnNumbers().label(coding_at(0, 5)) == ""  # a document without turns
