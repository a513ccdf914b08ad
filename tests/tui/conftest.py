"""Fixtures for the TUI tests: a project with the ICVC codebook and stored transcripts."""

from __future__ import annotations

import asyncio
import functools
import inspect
from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from qualcope.domain import CodeNode
from qualcope.services import codebook
from qualcope.services.project import Project
from tests.tui.transcripts import SMALL_INTERVIEW, store_transcript


@pytest.fixture
def snap_compare(snap_compare: Callable[..., bool]) -> Callable[..., bool]:
    """The plugin's snap_compare, with a last wait after ``run_before``: under load a
    layout pass (a table's scrollbar shown while it was still small) could land after the
    screen was taken, and a snapshot failed now and then."""

    def compare(app: Any, *args: Any, run_before: Any = None, **kwargs: Any) -> bool:
        async def before(pilot: Pilot[Any]) -> None:
            if run_before is not None:
                result = run_before(pilot)
                if inspect.isawaitable(result):
                    await result
            await pilot.pause(0.1)
            await pilot.app.workers.wait_for_complete()  # any app, not only qualcope's
            await pilot.pause()

        return snap_compare(app, *args, run_before=before, **kwargs)

    return compare


@pytest.fixture(autouse=True)
def steady_cursors(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """In a snapshot, a text cursor stays shown: blinking, it is on or off as the machine's
    load decides when the screen is taken, and the snapshot fails now and then."""
    if "snap_compare" in request.fixturenames:
        monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)
        monkeypatch.setattr(TextArea, "_toggle_cursor_blink_visible", lambda self: None)


@pytest.fixture
def coding_project(icvc_project: Project) -> Project:
    """The ICVC codebook and one small interview (document id 1)."""
    store_transcript(icvc_project, SMALL_INTERVIEW, name="panel.txt")
    return icvc_project


@pytest.fixture
def code_id(coding_project: Project) -> Callable[[str], int]:
    nodes: dict[str, CodeNode] = {n.name: n for n in codebook.tree(coding_project)}
    return lambda name: nodes[name].id


def drive(test: Callable[..., Any]) -> Callable[..., Any]:
    """Run an async test body (a Textual pilot session) from a plain pytest test."""

    @functools.wraps(test)
    def run(*args: Any, **kwargs: Any) -> Any:
        return asyncio.run(test(*args, **kwargs))

    return run


async def settle(pilot: Pilot[Any]) -> None:
    """Wait until the app drew everything and no write or read is pending."""
    await pilot.pause()
    await pilot.app.settled()  # type: ignore[attr-defined]
    await pilot.pause()


async def press(pilot: Pilot[Any], *keys: str) -> None:
    """Press keys one by one, letting the app settle after each (as a user would)."""
    for key in keys:
        await pilot.press(key)
        await settle(pilot)
