"""Preparing files in chunks gives exactly what preparing them one by one gives."""

from __future__ import annotations

from pathlib import Path

from qualcope.ingest.manifest import ImportItem
from qualcope.ingest.prepare import prepare, prepare_all
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
    assert again[0].sentences == () and again[1].sentences == first[1].sentences
