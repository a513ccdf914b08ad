"""Fixtures for the TUI tests: a project with the ICVC codebook and stored transcripts."""

from __future__ import annotations

import asyncio
import difflib
import functools
import html
import inspect
import re
import time
from collections.abc import Callable
from typing import Any

import pytest
import textual._doc
from textual._doc import take_svg_screenshot
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, TextArea

from qualcope.domain import CodeNode
from qualcope.services import codebook
from qualcope.services.project import Project
from tests.tui.transcripts import SMALL_INTERVIEW, store_transcript


def screen_rows(svg: str) -> list[str]:
    """The characters of a snapshot SVG, row by row (to say what differs when one fails)."""
    rows: dict[float, list[tuple[float, str]]] = {}
    for x, y, text in re.findall(
        r'<text class="[^"]*" x="([\d.]+)" y="([\d.]+)"[^>]*>(.*?)</text>', svg
    ):
        rows.setdefault(float(y), []).append((float(x), html.unescape(text)))
    return ["".join(text for _, text in sorted(row)) for _, row in sorted(rows.items())]


def _busy(app: Any) -> bool:
    """Whether the app has work queued: a message not yet taken by the app, a screen or a
    widget, or a table's new rows still to measure (a table does so when idle)."""
    nodes = [app, *app.screen_stack, *app.screen.walk_children()]
    if any(node._message_queue.qsize() for node in nodes):
        return True
    return any(
        table._require_update_dimensions or table._new_rows or table._updated_cells
        for table in app.screen.query(DataTable)
    )


async def steady(pilot: Pilot[Any], calm: int = 3) -> None:
    """Wait until nothing is queued and ``calm`` screens taken a tenth of a second apart
    agree (at most about 10 s).

    Under load a layout pass (a table's scrollbar while it was still small, a table's new
    rows measured only when its message queue is idle, a table filled by a handler that
    first awaits the tabs it mounts) could land after the screen was taken, and a snapshot
    failed now and then on CI. A handler awaiting is not visible from outside: the screens
    must agree for long enough.
    """
    previous, agreeing = None, 0
    for _ in range(100):
        await pilot.pause(0.1)
        await pilot.app.workers.wait_for_complete()  # any app, not only qualcope's
        await pilot.pause()
        shot = pilot.app.export_screenshot()
        agreeing = agreeing + 1 if shot == previous and not _busy(pilot.app) else 0
        if agreeing >= calm - 1:
            return
        previous = shot


@pytest.fixture
def snap_compare(
    snap_compare: Callable[..., bool],
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
) -> Callable[..., bool]:
    """The plugin's snap_compare, waiting for a steady screen after ``run_before``; when a
    snapshot differs, the rows that differ are printed (CI keeps no report file)."""
    taken: list[str] = []

    def take(*args: Any, **kwargs: Any) -> str:
        svg = take_svg_screenshot(*args, **kwargs)
        taken.append(svg)
        return svg

    monkeypatch.setattr(textual._doc, "take_svg_screenshot", take)

    def compare(app: Any, *args: Any, run_before: Any = None, **kwargs: Any) -> bool:
        async def before(pilot: Pilot[Any]) -> None:
            if run_before is not None:
                result = run_before(pilot)
                if inspect.isawaitable(result):
                    await result
            await steady(pilot)

        same = snap_compare(app, *args, run_before=before, **kwargs)
        expected = (
            request.path.parent / "__snapshots__" / request.path.stem / f"{request.node.name}.svg"
        )
        if not same and taken and expected.exists():
            old, new = screen_rows(expected.read_text()), screen_rows(taken[-1])
            diff = list(difflib.unified_diff(old, new, "snapshot", "taken", lineterm=""))
            print("\n".join(diff) or "same characters; colours or styles differ")
        return same

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


async def until(pilot: Pilot[Any], check: Callable[[], bool], within: float = 2.5) -> float:
    """Seconds until check() holds, asking every tenth of a second (fails after ``within``):
    for what the app does a moment later by design (a live refresh, a scroll once the view
    has its size), which no settling can wait for."""
    began = time.monotonic()
    while time.monotonic() - began < within:
        if check():
            return time.monotonic() - began
        await pilot.pause(0.1)
    raise AssertionError(f"not within {within} s")


async def press(pilot: Pilot[Any], *keys: str) -> None:
    """Press keys one by one, letting the app settle after each (as a user would)."""
    for key in keys:
        await pilot.press(key)
        await settle(pilot)
