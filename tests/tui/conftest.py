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
from rich.cells import cell_len
from textual._doc import take_svg_screenshot
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, TextArea

from qualcope.domain import CodeNode
from qualcope.services import codebook
from qualcope.services.project import Project
from tests.tui.transcripts import SMALL_INTERVIEW, store_transcript

Cell = tuple[str, str, str]  # a character, its colour and weight, its background


def screen_cells(svg: str) -> list[list[Cell]]:
    """A snapshot SVG as the terminal's cells, row by row: what the user sees, however Rich
    cut the lines into ``<text>`` runs (the cut may differ between two renders of one screen)."""
    styles = dict(re.findall(r"\.(terminal-[\w-]+) \{ ([^}]*) \}", svg))
    cell = 12.2  # the width of a character in Rich's SVG export
    rows: dict[float, dict[int, Cell]] = {}
    for fill, x, y, width in re.findall(
        r'<rect fill="(#[0-9a-f]+)" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="24.65"',
        svg,
    ):
        row, first = rows.setdefault(round(float(y) + 18.5, 1), {}), round(float(x) / cell)
        for column in range(first, first + round(float(width) / cell)):
            row[column] = (" ", "", fill)
    for name, x, y, text in re.findall(
        r'<text class="([^"]*)" x="([\d.]+)" y="([\d.]+)"[^>]*>(.*?)</text>', svg
    ):
        row, column = rows.setdefault(round(float(y), 1), {}), round(float(x) / cell)
        style = styles.get(name, name).replace(" ", "")
        for character in html.unescape(text).replace("\xa0", " "):
            # a blank shows only its background (a run of blanks alone has no <text> at all)
            shown = style if character != " " or "text-decoration" in style else ""
            row[column] = (character, shown, row.get(column, ("", "", ""))[2])
            column += cell_len(character)
    return [[cells[c] for c in sorted(cells)] for _, cells in sorted(rows.items())]


def _runs(cells: list[Cell]) -> str:
    """One row's cells as ``text{colour and weight}/background`` runs, to print a difference."""
    runs: list[list[str]] = []
    for character, style, background in cells:
        if runs and runs[-1][1:] == [style, background]:
            runs[-1][0] += character
        else:
            runs.append([character, style, background])
    return " ".join(f"{text!r}{{{style}}}/{background}" for text, style, background in runs)


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
        shot = screen_cells(pilot.app.export_screenshot())  # what is seen, however cut
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
    """The plugin's snap_compare, comparing what the user sees: it waits for a steady screen
    after ``run_before``, and a screen whose every cell (character, colour, weight,
    background) is as stored passes, however Rich cut its lines into SVG runs. When a
    snapshot differs, the rows that differ are printed (CI keeps no report file)."""
    stored = request.path.parent / "__snapshots__" / request.path.stem / f"{request.node.name}.svg"
    taken: list[str] = []

    def take(*args: Any, **kwargs: Any) -> str:
        svg = take_svg_screenshot(*args, **kwargs)
        taken.append(svg)
        if stored.exists() and screen_cells(stored.read_text()) == screen_cells(svg):
            return stored.read_text()  # the same screen: the stored SVG stands
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
        if not same and taken and stored.exists():
            old, new = screen_cells(stored.read_text()), screen_cells(taken[-1])
            old_rows, new_rows = (
                ["".join(c for c, _, _ in row) for row in rows] for rows in (old, new)
            )
            if old_rows == new_rows:  # same characters: say which cells changed colour or weight
                old_rows, new_rows = [_runs(row) for row in old], [_runs(row) for row in new]
            diff = difflib.unified_diff(old_rows, new_rows, "snapshot", "taken", lineterm="", n=0)
            print("\n".join(diff))
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
