"""Keys apply in order, each to the state the keys before it produced, however fast they come
(issue 15, item 1): bursts of move and code keys with no pause, slow writes under a burst, and
random key sequences that must leave the same project whether typed fast or slow."""

from __future__ import annotations

import random
import time
from collections.abc import Iterable
from pathlib import Path

import pytest
from textual import events

from qualcope.services import codebook, codings, documents
from qualcope.services.project import Project
from qualcope.tui.app import QualcopeApp
from tests.conftest import ICVC
from tests.tui.conftest import drive, press, settle
from tests.tui.test_coding_flows import SIZE, open_document, spans
from tests.tui.transcripts import SMALL_INTERVIEW, store_transcript

CHARACTERS = {"escape": None, "space": " "}


def burst(app: QualcopeApp, keys: Iterable[str]) -> None:
    """Post every key to the app at once, as a paste, key repeat or one SSH packet brings
    them: none waits for the one before it to be handled."""
    for key in keys:
        app.post_message(events.Key(key, CHARACTERS.get(key, key)))


def turn_texts(project: Project) -> list[str]:
    found = documents.list_segments(project, 1, kind="turn")
    return [turn.text for turn in found]


@drive
async def test_a_burst_of_moves_and_codes_codes_each_turn_it_moved_to(
    coding_project: Project,
) -> None:
    app = QualcopeApp(coding_project)
    async with app.run_test(size=SIZE) as pilot:
        await open_document(pilot)
        burst(app, "JaJeJtJb")
        await settle(pilot)
    turns = turn_texts(coding_project)
    assert sorted(spans(coding_project)) == sorted(
        [
            ("Avoidance", turns[1], "tester"),
            ("Escalation", turns[2], "tester"),
            ("Trade-off", turns[3], "tester"),
            ("Balancing", turns[4], "tester"),
        ]
    )


@drive
async def test_keys_after_a_slow_write_act_on_what_it_wrote(
    coding_project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A code, then (before the database answered) a remove: the remove takes the coding just
    made, and the moves after it go on from where the keys left the cursor."""
    add = codings.add_coding

    def add_slowly(*args: object, **kwargs: object) -> object:
        time.sleep(0.15)
        return add(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(codings, "add_coding", add_slowly)
    app = QualcopeApp(coding_project)
    async with app.run_test(size=SIZE) as pilot:
        await open_document(pilot)
        burst(app, ["j", "a", "e", "x", "j", "t"])  # code twice, remove the current, move, code
        await settle(pilot)
    sentences = [s.text for s in documents.list_segments(coding_project, 1, kind="sentence")]
    got = sorted(spans(coding_project))
    assert len(got) == 2, got
    assert got[1] == ("Trade-off", sentences[2], "tester")
    assert got[0][1] == sentences[1]  # one of the two codes of the second sentence is left


@drive
async def test_keys_typed_while_a_document_opens_wait_for_it(coding_project: Project) -> None:
    app = QualcopeApp(coding_project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        burst(app, ["enter", "j", "a"])  # open the first document and code its second sentence
        await settle(pilot)
    sentences = [s.text for s in documents.list_segments(coding_project, 1, kind="sentence")]
    assert spans(coding_project) == [("Avoidance", sentences[1], "tester")]


# ------------------------------------------------------------- fast and slow, same project
KEYS = ["j", "j", "k", "J", "K", "a", "e", "t", "b", "v", "x", "escape", "u"]


def key_sequences(count: int, length: int, seed: int) -> list[list[str]]:
    rng = random.Random(seed)
    return [[rng.choice(KEYS) for _ in range(length)] for _ in range(count)]


def fresh_project(folder: Path) -> Project:
    folder.mkdir()
    project = Project.create(folder / "keys.db", "tester")
    codebook.import_codebook(project, codebook.read_codebook_file(ICVC))
    store_transcript(project, SMALL_INTERVIEW, name="panel.txt")
    return project


def coded(project: Project) -> list[tuple[str, int, int, str]]:
    return sorted(
        (c.code_path, c.start, c.end, c.coder) for c in codings.codings_for_document(project, 1)
    )


async def type_sequences(project: Project, sequences: list[list[str]], *, fast: bool) -> None:
    app = QualcopeApp(project)
    async with app.run_test(size=SIZE) as pilot:
        await open_document(pilot)
        for keys in sequences:
            if fast:
                burst(app, keys)
                await settle(pilot)
            else:
                for key in keys:  # each key handled and its writes and reads done first
                    await pilot.press(key)
                    await app.settled()
            await press(pilot, "home")  # each sequence starts at the top


async def same_project_fast_and_slow(tmp_path: Path, count: int, length: int) -> None:
    sequences = key_sequences(count, length, seed=15)
    slow, fast = fresh_project(tmp_path / "slow"), fresh_project(tmp_path / "fast")
    try:
        await type_sequences(slow, sequences, fast=False)
        await type_sequences(fast, sequences, fast=True)
        assert coded(fast) == coded(slow)
        assert coded(slow), "the sequences coded nothing: the comparison would prove nothing"
    finally:
        slow.close()
        fast.close()


@drive
async def test_random_key_sequences_leave_the_same_project_fast_or_slow(tmp_path: Path) -> None:
    await same_project_fast_and_slow(tmp_path, count=10, length=10)


@pytest.mark.slow
@pytest.mark.timeout(600)
@drive
async def test_many_random_key_sequences_fast_or_slow(tmp_path: Path) -> None:
    """600 keys in 60 sequences (about two minutes: typing slowly through the pilot costs
    about 0.1 s a key)."""
    await same_project_fast_and_slow(tmp_path, count=60, length=10)
