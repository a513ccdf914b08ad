"""SVG snapshots of the help on two screens (coding, report) at 80x24 and 120x36.

Update after an intended change with:
pytest tests/tui/test_help_snapshots.py --snapshot-update
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from qualcope.services.project import Project
from qualcope.tui.app import QualcopeApp
from tests.tui.conftest import press, settle

SIZES = [(80, 24), (120, 36)]


def help_on(*keys: str, document: int | None = None) -> Callable[[Any], Awaitable[None]]:
    """Reach a screen with ``keys`` (after opening ``document``), then press ?."""

    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        if document is not None:
            pilot.app.open_document(document)
            await settle(pilot)
        await press(pilot, *keys, "question_mark")

    return run_before


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_help_on_the_coding_screen(
    coding_project: Project, snap_compare: Any, size: tuple[int, int]
) -> None:
    app = QualcopeApp(coding_project)
    assert snap_compare(app, terminal_size=size, run_before=help_on("J", document=1))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_help_on_the_report_screen(
    coding_project: Project, snap_compare: Any, size: tuple[int, int]
) -> None:
    app = QualcopeApp(coding_project)
    assert snap_compare(app, terminal_size=size, run_before=help_on("r"))
