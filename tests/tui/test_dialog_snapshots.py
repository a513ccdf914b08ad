"""SVG snapshots of the search and link dialogs at 80x24 and 120x36.

Update after an intended change with:
pytest tests/tui/test_dialog_snapshots.py --snapshot-update
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from qualcope.services import codings, documents
from qualcope.services.project import Project
from qualcope.tui.app import QualcopeApp
from tests.tui.conftest import press, settle

SIZES = [(80, 24), (120, 36)]
TO_TRADE_OFF = ["J"] * 6  # the last answer, whose first coding is the trade-off


@pytest.fixture
def linked_project(
    coding_project: Project, code_id: Callable[[str], int], project_path: Path
) -> Project:
    """Two coders' codings of one conflict passage, a trade-off, and more codings than the
    link list shows at once (so the dialog must scroll, not push its keys off screen)."""
    text = documents.get_document(coding_project, 1).text

    def span(start: str, end: str) -> tuple[int, int]:
        first = text.index(start)
        return first, text.index(end, first) + len(end)

    question = span("Did you have", "quality?")
    conflict = code_id("Inclusion vs service quality")
    codings.add_coding(coding_project, 1, *question, conflict)
    codings.add_coding(
        coding_project, 1, *span("All the time.", "decisions."), code_id("Trade-off")
    )
    codings.add_coding(coding_project, 1, *span("We lost", "meetings."), code_id("Avoidance"))
    with Project.open(project_path, "alice") as alice:
        codings.add_coding(alice, 1, *question, conflict)
        codings.add_coding(
            alice, 1, *span("I stopped", "fixed."), code_id("Efficiency vs democratic quality")
        )
        codings.add_coding(alice, 1, *span("The city pays", "process."), code_id("Escalation"))
        codings.add_coding(alice, 1, *span("I coordinate", "city."), code_id("Public value"))
    return coding_project


def opened(*keys: str, typed: str = "", then: tuple[str, ...] = ()) -> Callable[[Any], Any]:
    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        pilot.app.open_document(1)
        await settle(pilot)
        await press(pilot, *keys)
        if typed:
            await pilot.press(*typed)
            await settle(pilot)
        await press(pilot, *then)

    return run_before


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_search_dialog_with_an_option_on(
    linked_project: Project, snap_compare: Any, size: tuple[int, int]
) -> None:
    """The regex box ticked and focused: it reads [x] regex; the query is kept."""
    run_before = opened("slash", typed="inclu.*quality", then=("tab", "space"))
    assert snap_compare(QualcopeApp(linked_project), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_link_dialog_candidates(
    linked_project: Project, snap_compare: Any, size: tuple[int, int]
) -> None:
    """Each candidate with its code, turn, coder and quote."""
    run_before = opened(*TO_TRADE_OFF, "l")
    assert snap_compare(QualcopeApp(linked_project), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_link_dialog_favoured_value(
    linked_project: Project, snap_compare: Any, size: tuple[int, int]
) -> None:
    """Inclusion vs service quality chosen: its two values, and the key for all values."""
    run_before = opened(*TO_TRADE_OFF, "l", "down", "enter")
    assert snap_compare(QualcopeApp(linked_project), terminal_size=size, run_before=run_before)


def test_link_dialog_all_values_at_80x24(linked_project: Project, snap_compare: Any) -> None:
    run_before = opened(*TO_TRADE_OFF, "l", "down", "enter", "a")
    assert snap_compare(QualcopeApp(linked_project), terminal_size=(80, 24), run_before=run_before)
