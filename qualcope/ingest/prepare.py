"""Preparing files for storage: read, normalise, find turns, split sentences, hash.

The CPU-heavy half of an import, with no database. Files are prepared a few at a time so
their texts share one tokenizer pass, and handed on at once, so memory stays flat whatever
the corpus size. A large batch on Linux is prepared by forked worker processes while the
importer stores what they already prepared (a few chunks ahead at most), so the two halves
overlap on two cores; a small batch, or ``QUALCOPE_IMPORT_WORKERS=0``, stays in-process.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import sys
import warnings
from collections.abc import Iterable, Iterator, Set
from contextlib import suppress
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection
from pathlib import Path

from qualcope import sentence_bounds
from qualcope.errors import QualcopeError
from qualcope.ingest.base import Transcript
from qualcope.ingest.language import guess_language
from qualcope.ingest.manifest import ImportItem
from qualcope.ingest.transcript import read_transcript

CHUNK = 4  # files per tokenizer pass and per job of a worker process
AHEAD = 2  # chunks sent to a worker before the importer takes its results
MAX_WORKERS = 2  # the importer stores in one process: more preparers would wait for it
PARALLEL_MIN_BYTES = 1_000_000  # ~150,000 words: below, the fixed costs of a batch dominate
WORKERS_VARIABLE = "QUALCOPE_IMPORT_WORKERS"


@dataclass(frozen=True)
class Prepared:
    """A file ready to store, or the problem that stops it (message without the file name)."""

    item: ImportItem
    transcript: Transcript | None = None
    sentence_bounds: bytes = b""  # packed (start, end) pairs (qualcope.sentence_bounds)
    language: str = ""
    digest: str = ""
    problem: str | None = None  # kept as plain values, like everything a reader returns
    line: int | None = None
    language_guessed: bool = False

    @property
    def sentences(self) -> int:
        return sentence_bounds.count(self.sentence_bounds)


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
    read: list[tuple[ImportItem, Transcript | Prepared]] = []
    for item in items:
        try:
            transcript = read_transcript(
                item.path,
                encoding=item.encoding,
                interviewers=item.interviewers,
                speakers=item.speakers,
            )
        except QualcopeError as exc:
            failed = Prepared(item, problem=problem_text(exc, item.path), line=exc.line)
            read.append((item, failed))
            continue
        read.append((item, transcript))
    return prepare_transcripts(read, known)


def prepare_transcripts(
    read: list[tuple[ImportItem, Transcript | Prepared]], known: Set[str] = frozenset()
) -> list[Prepared]:
    """Transcripts already read (or the problem of each that failed) made ready to store:
    words, hash, language, and sentences (one ``nlp.pipe`` per language; skipped when the
    text is already ``known``)."""
    from qualcope.nlp.sentences import sentence_bounds_of_documents

    results: list[Prepared] = []
    waiting: dict[str, list[tuple[int, Transcript]]] = {}  # language -> files needing sentences
    for item, transcript in read:
        if isinstance(transcript, Prepared):
            results.append(transcript)
            continue
        transcript.words  # noqa: B018 - counted here, not in the storing process
        digest = content_hash(transcript.text)
        language = item.lang or guess_language(transcript.text)
        if digest not in known:
            waiting.setdefault(language, []).append((len(results), transcript))
        results.append(
            Prepared(
                item,
                transcript,
                language=language,
                digest=digest,
                language_guessed=item.lang is None,
            )
        )
    for language, group in waiting.items():
        texts = [(transcript.text, transcript.turns) for _, transcript in group]
        found = sentence_bounds_of_documents(texts, language)
        for (position, _), bounds in zip(group, found, strict=True):
            packed = sentence_bounds.pack_array(bounds)
            results[position] = replace(results[position], sentence_bounds=packed)
    return results


def prepare_all(
    items: Iterable[ImportItem], known: Set[str], *, workers: int | None = None
) -> Iterator[Prepared]:
    """``prepare`` for each item, in order, ``CHUNK`` files at a time (memory stays flat).

    ``workers`` processes prepare the chunks (0: this process); by default ``worker_count``.
    """
    items = list(items)
    chunks = [items[start : start + CHUNK] for start in range(0, len(items), CHUNK)]
    count = worker_count(items) if workers is None else workers
    if count > 0:
        yield from _prepare_in_workers(chunks, known, count)
    else:
        for chunk in chunks:
            yield from prepare_chunk(chunk, known)


def worker_count(items: list[ImportItem]) -> int:
    """Worker processes for a batch: none when small, when fork is not the safe way to
    start them (only Linux), or with one core; ``QUALCOPE_IMPORT_WORKERS`` overrides."""
    chosen = os.environ.get(WORKERS_VARIABLE, "").strip()
    if chosen.isdigit():
        return min(int(chosen), MAX_WORKERS) if _can_fork() else 0
    if not _can_fork() or len(items) <= CHUNK:
        return 0
    size = 0
    for item in items:
        with suppress(OSError):  # a missing file is reported when it is read
            size += item.path.stat().st_size
    if size < PARALLEL_MIN_BYTES:
        return 0
    return max(0, min(MAX_WORKERS, len(os.sched_getaffinity(0)) - 1))


def _can_fork() -> bool:
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def _worker(connection: Connection, importer_ends: list[Connection], known: Set[str]) -> None:
    """A worker process: prepare each chunk received, send back the results, until None
    (or until the importer is gone: then ``recv`` finds the pipe closed and the worker ends)."""
    for end in importer_ends:  # inherited copies: the pipe must close when the importer dies
        end.close()
    # Forked while another thread (a progress bar) may hold the standard streams' locks:
    # the worker never writes to them, nor warns.
    warnings.simplefilter("ignore")
    sys.stdout = sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    while (chunk := connection.recv()) is not None:
        connection.send(prepare_chunk(chunk, known))


def _prepare_in_workers(
    chunks: list[list[ImportItem]], known: Set[str], count: int
) -> Iterator[Prepared]:
    """Chunks prepared by ``count`` forked processes, yielded in order.

    Forked, the workers inherit the loaded modules and pipelines (a fresh interpreter takes
    over a second to load spaCy). Chunk ``i`` goes to worker ``i % count`` through a pipe,
    at most ``AHEAD`` chunks ahead, and everything is sent and received by this thread:
    ``ProcessPoolExecutor``'s helper threads took the GIL from the storing thread at each
    SQLite call and made storing twice as slow. If a worker dies, the rest is prepared here.
    """
    from qualcope.nlp.sentences import pipeline

    for lang in {item.lang or "en" for chunk in chunks for item in chunk}:
        with suppress(QualcopeError):  # built once here, inherited by the workers
            pipeline(lang)
    context = multiprocessing.get_context("fork")
    links: list[Connection] = []
    processes = []
    for _ in range(count):
        mine, theirs = context.Pipe()
        process = context.Process(target=_worker, args=(theirs, [*links, mine], known), daemon=True)
        process.start()
        theirs.close()
        links.append(mine)
        processes.append(process)
    sent = done = 0  # chunks sent to workers, chunks yielded
    try:
        while done < len(chunks):
            while sent < len(chunks) and sent < done + AHEAD * count:
                links[sent % count].send(chunks[sent])
                sent += 1
            results = links[done % count].recv()
            yield from results
            done += 1
    except (EOFError, OSError):  # a worker died (out of memory, a signal): go on here
        for chunk in chunks[done:]:
            yield from prepare_chunk(chunk, known)
    finally:
        busy = {index % count for index in range(done, sent)}  # stopped early: results unread
        for number, (link, process) in enumerate(zip(links, processes, strict=True)):
            if number in busy:
                process.terminate()
            else:
                with suppress(OSError):
                    link.send(None)
            link.close()
            process.join()
