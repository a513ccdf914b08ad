"""Preparing files for storage: read, normalise, find turns, split sentences, hash.

The CPU-heavy half of an import, with no database. Files are prepared a few at a time so
their texts share one ``nlp.pipe`` call, and handed on at once, so memory stays flat
whatever the corpus size. (A forked worker process preparing files while the importer
stored the previous ones was measured slower on the shared 2-core machines: see
benchmarks/README.md.)
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Set
from dataclasses import dataclass, replace
from pathlib import Path

from qualcope.domain import SegmentSpec
from qualcope.errors import QualcopeError
from qualcope.ingest.base import Transcript
from qualcope.ingest.language import guess_language
from qualcope.ingest.manifest import ImportItem
from qualcope.ingest.transcript import read_transcript

CHUNK = 4  # files per nlp.pipe call


@dataclass(frozen=True)
class Prepared:
    """A file ready to store, or the problem that stops it (message without the file name)."""

    item: ImportItem
    transcript: Transcript | None = None
    sentences: tuple[SegmentSpec, ...] = ()
    language: str = ""
    digest: str = ""
    problem: str | None = None  # kept as plain values, like everything a reader returns
    line: int | None = None
    language_guessed: bool = False


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def problem_text(exc: QualcopeError, path: Path) -> str:
    """The error without the file name (and line) it starts with, when that is this file."""
    message = str(exc)
    if exc.path == str(path):
        where = exc.path + (f", line {exc.line}" if exc.line is not None else "") + ": "
        if message.startswith(where):
            return message[len(where) :]
    return message


def prepare(item: ImportItem, known: Set[str] = frozenset()) -> Prepared:
    """Read and segment one file; sentences are skipped when its text is already ``known``."""
    return prepare_chunk([item], known)[0]


def prepare_chunk(items: list[ImportItem], known: Set[str] = frozenset()) -> list[Prepared]:
    """``prepare`` for a few files at once: their texts share one ``nlp.pipe`` per language."""
    from qualcope.nlp.sentences import sentences_of_documents

    results: list[Prepared] = []
    waiting: dict[str, list[tuple[int, Transcript]]] = {}  # language -> files needing sentences
    for item in items:
        try:
            transcript = read_transcript(
                item.path, encoding=item.encoding, interviewers=item.interviewers
            )
        except QualcopeError as exc:
            results.append(Prepared(item, problem=problem_text(exc, item.path), line=exc.line))
            continue
        transcript.words  # noqa: B018 - counted here, not in the storing process
        digest = content_hash(transcript.text)
        language = item.lang or guess_language(transcript.text)
        if digest not in known:
            waiting.setdefault(language, []).append((len(results), transcript))
        results.append(
            Prepared(item, transcript, (), language, digest, language_guessed=item.lang is None)
        )
    for language, group in waiting.items():
        texts = [(transcript.text, transcript.turns) for _, transcript in group]
        found = sentences_of_documents(texts, language)
        for (position, _), sentences in zip(group, found, strict=True):
            results[position] = replace(results[position], sentences=tuple(sentences))
    return results


def prepare_all(items: Iterable[ImportItem], known: Set[str]) -> Iterator[Prepared]:
    """``prepare`` for each item, in order, ``CHUNK`` files at a time (memory stays flat)."""
    items = list(items)
    for start in range(0, len(items), CHUNK):
        yield from prepare_chunk(items[start : start + CHUNK], known)
