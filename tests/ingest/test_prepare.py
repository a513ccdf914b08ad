"""Preparing files in chunks gives exactly what preparing them one by one gives."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import pytest

from qualcope.ingest import prepare as prepare_module
from qualcope.ingest.manifest import ImportItem
from qualcope.ingest.prepare import _can_fork, prepare, prepare_all
from tests.conftest import SAMPLE_CORPUS


def items(tmp_path: Path) -> list[ImportItem]:
    found = [
        ImportItem(p)
        for p in sorted(SAMPLE_CORPUS.iterdir())
        if p.suffix in (".txt", ".docx", ".vtt")
    ]
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"%PDF-1.4")
    return [found[0], ImportItem(bad), *found[1:]]


def test_chunked_and_single_results_are_identical_and_in_order(tmp_path: Path) -> None:
    batch = items(tmp_path)
    chunked = list(prepare_all(batch, set()))
    assert [p.item.path for p in chunked] == [i.path for i in batch]
    assert chunked == [prepare(item) for item in batch]
    assert chunked[1].problem == "this looks like a PDF document, not a .txt text file"
    good = [p for p in chunked if p.problem is None]
    assert {p.language for p in good} == {"en", "nl"} and all(p.language_guessed for p in good)
    assert all(p.sentences and p.transcript is not None for p in good)


def test_known_texts_are_not_segmented_again(tmp_path: Path) -> None:
    batch = items(tmp_path)[2:4]
    first = list(prepare_all(batch, set()))
    again = list(prepare_all(batch, {first[0].digest}))
    assert again[0].sentences == 0 and again[0].sentence_bounds == b""
    assert again[1].sentences > 0 and again[1].sentence_bounds == first[1].sentence_bounds


needs_fork = pytest.mark.skipif(not _can_fork(), reason="worker processes are forked (Linux)")


@needs_fork
def test_worker_processes_give_the_same_results_in_order(tmp_path: Path) -> None:
    batch = items(tmp_path)
    alone = list(prepare_all(batch, set(), workers=0))
    assert list(prepare_all(batch, set(), workers=2)) == alone
    assert not multiprocessing.active_children()  # the workers are gone


@needs_fork
def test_stopping_early_stops_the_workers(tmp_path: Path) -> None:
    prepared = prepare_all(items(tmp_path) * 3, set(), workers=1)
    first = next(prepared)
    prepared.close()  # the importer was told to stop
    assert first.transcript is not None and not multiprocessing.active_children()


def _die(*_: object) -> None:
    os._exit(1)


@needs_fork
def test_a_killed_worker_leaves_the_rest_to_this_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    batch = items(tmp_path)
    alone = list(prepare_all(batch, set(), workers=0))
    monkeypatch.setattr(prepare_module, "_worker", _die)  # the worker dies at once
    assert list(prepare_all(batch, set(), workers=1)) == alone


def test_small_batches_stay_in_this_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(prepare_module.WORKERS_VARIABLE, raising=False)
    batch = items(tmp_path)  # the sample corpus: well under PARALLEL_MIN_BYTES
    assert prepare_module.worker_count(batch) == 0
    monkeypatch.setenv(prepare_module.WORKERS_VARIABLE, "1")
    assert prepare_module.worker_count(batch) == (1 if _can_fork() else 0)
    monkeypatch.setattr(prepare_module, "PARALLEL_MIN_BYTES", 1)
    monkeypatch.delenv(prepare_module.WORKERS_VARIABLE)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    expected = min(prepare_module.MAX_WORKERS, cores - 1) if _can_fork() else 0
    assert prepare_module.worker_count(batch) == expected
