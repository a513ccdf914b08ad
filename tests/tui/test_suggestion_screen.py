"""The suggestion queue on a minimal host app, driven with the pilot as a user would."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from rich.text import Text
from sqlalchemy import select
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input, Static

from qualcope.db.models import Code, Coding
from qualcope.db.models import Suggestion as Row
from qualcope.services import suggestions
from qualcope.services.project import Project
from qualcope.tui.screens.suggestions import SuggestionQueueScreen
from qualcope.tui.widgets.suggestion_list import SuggestionList
from qualcope.tui.widgets.suggestion_progress import SuggestionProgress
from tests.tui.conftest import drive
from tests.tui.transcripts import store_transcript

HOSTILE = "We went to the mayor [@click=app.quit]about it[/] in the end."
TURNS = [
    ("Interviewer", True, "What did you do?"),
    (
        "Respondent",
        False,
        "So I just stopped going to the meetings. "
        f"{HOSTILE} "
        "We found a compromise in the end. "
        "Then I had to choose between the budget and the volunteers. "
        "The weather was fine that day.",
    ),
]


class Host(App[None]):
    def __init__(self, project: Project) -> None:
        super().__init__()
        self.project = project

    def on_mount(self) -> None:
        self.push_screen(SuggestionQueueScreen(self.project))


@pytest.fixture
def queued(icvc_project: Project) -> Project:
    store_transcript(icvc_project, TURNS, name="cues.txt")
    run = suggestions.suggest(icvc_project)
    assert run.created >= 4
    return icvc_project


async def settle(pilot: Pilot[Any]) -> None:
    for _ in range(3):
        await pilot.pause()
        for worker in list(pilot.app.workers):
            if not worker.is_finished:
                try:
                    await worker.wait()
                except Exception:  # noqa: BLE001, S110 - a cancelled worker is settled too
                    pass
    await pilot.pause()


async def press(pilot: Pilot[Any], *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


def rows(project: Project) -> dict[int, Row]:
    with project.read() as session:
        return {r.id: r for r in session.scalars(select(Row))}


def current_id(app: App[None]) -> int:
    view = app.screen.query_one(SuggestionList).current
    assert view is not None
    return view.id


def code_of(project: Project, name: str) -> int:
    with project.read() as session:
        return int(session.scalar(select(Code.id).where(Code.name == name)))


@drive
async def test_keys_accept_reject_skip_and_accept_as_other_code(queued: Project) -> None:
    app = Host(queued)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        queue = app.screen.query_one(SuggestionList)
        assert len(queue.views) >= 3
        accepted = current_id(app)
        await press(pilot, "a")
        rejected = current_id(app)
        await press(pilot, "x")
        skipped = current_id(app)
        await press(pilot, "s")
        assert accepted not in {v.id for v in queue.views if v.status == "pending"}
        other = current_id(app)
        await press(pilot, "o")
        picker_input = app.screen.query_one(Input)
        picker_input.value = "Balancing"
        await settle(pilot)
        await press(pilot, "enter")
        await settle(pilot)

    after = rows(queued)
    assert after[accepted].status == "accepted"
    assert after[rejected].status == "rejected"
    assert after[skipped].status == "skipped"
    assert after[other].status == "accepted"
    assert after[other].decided_code_id == code_of(queued, "Balancing")
    with queued.read() as session:
        codings = {c.suggestion_id: c for c in session.scalars(select(Coding))}
    assert codings[accepted].origin == "suggestion"
    assert codings[accepted].code_id == after[accepted].code_id
    assert codings[other].code_id == code_of(queued, "Balancing")
    assert rejected not in codings and skipped not in codings


@drive
async def test_untrusted_text_is_shown_as_text(queued: Project) -> None:
    app = Host(queued)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        queue = app.screen.query_one(SuggestionList)
        index = next(i for i, v in enumerate(queue.views) if "mayor" in v.text)
        queue.highlighted = index
        await settle(pilot)
        body = app.screen.query_one("#suggestion-detail-body", Static)
        shown = body.render()
        plain = shown.plain if isinstance(shown, Text) else str(shown)
        assert "[@click=app.quit]about it[/]" in plain
        assert app.is_running  # the link in the transcript did not quit the app


@drive
async def test_order_toggle_puts_least_sure_first(queued: Project) -> None:
    app = Host(queued)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await press(pilot, "m")
        views = app.screen.query_one(SuggestionList).views
        distances = [abs(v.score - 0.5) for v in views]
        assert distances == sorted(distances)
        assert app.screen.order == "uncertainty"


@drive
async def test_learning_runs_in_a_worker_while_deciding_goes_on(
    queued: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    real_suggest = suggestions.suggest

    def slow_suggest(*args: Any, **kwargs: Any) -> Any:
        assert release.wait(20)
        return real_suggest(*args, **kwargs)

    monkeypatch.setattr(suggestions, "suggest", slow_suggest)
    app = Host(queued)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        rejected = current_id(app)
        await pilot.press("x")
        await pilot.press("l")
        await pilot.pause()
        assert app.screen.query_one(SuggestionProgress).running
        skipped = current_id(app)
        await pilot.press("s")
        for _ in range(50):  # the decision is saved while the model is still learning
            await pilot.pause(0.05)
            if rows(queued)[skipped].status == "skipped":
                break
        assert rows(queued)[skipped].status == "skipped"
        assert app.screen.query_one(SuggestionProgress).running
        release.set()
        await settle(pilot)
        assert not app.screen.query_one(SuggestionProgress).running
        shown = {v.id for v in app.screen.query_one(SuggestionList).views}
    assert rows(queued)[rejected].status == "rejected"
    assert rejected not in shown


def test_snapshot(queued: Project, snap_compare: Any) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)

    assert snap_compare(Host(queued), terminal_size=(100, 24), run_before=run_before)
