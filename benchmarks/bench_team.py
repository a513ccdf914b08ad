"""Benchmark of team projects: concurrent writers, and how soon a coder sees another's coding.

Run: python benchmarks/bench_team.py [--codings 300] [--writers 4] [--live 50] [--beat 1.0]

PostgreSQL is the server of $QUALCOPE_BENCH_PG_URL (else $QUALCOPE_TEST_PG_URL): the script
creates a database of its own there and drops it afterwards. Without a reachable server it says
so and measures SQLite only.

1. Throughput: codings per second sustained by ``--writers`` processes (multiprocessing,
   'spawn'; each its own coder, starting together at a barrier), each adding ``--codings``
   codings with ``codings.add_coding`` (one transaction and one event-log action each, through
   ``Project.run_write``), on PostgreSQL, against one writer on a SQLite file (the single-coder
   baseline) in the same run; for information also ``--writers`` writers on SQLite and one on
   PostgreSQL. Wall time from the barrier to the last writer's end.
2. Live delay: one process adds ``--live`` codings, one every 0.1-0.3 s, and records when each
   ``add_coding`` returned (committed); another process, as the coding screen does, asks
   ``live.changes_since`` every ``--beat`` seconds (the TUI's ``LIVE_SECONDS``) and records when
   each coding first appears. Median and p95 of seen - committed, on SQLite and PostgreSQL
   (same machine, one wall clock).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from qualcope.db import engine as engines  # noqa: E402
from qualcope.services import codebook, codings, documents, live  # noqa: E402
from qualcope.services.project import Project  # noqa: E402
from tests.tui.transcripts import SMALL_INTERVIEW, store_transcript  # noqa: E402

ICVC = Path(__file__).resolve().parents[1] / "codebooks" / "icvc.yaml"
TIMEOUT = 600


# ---------------------------------------------------------------- set-up
def build(location: str, writers: int) -> dict[str, Any]:
    """A project with the ICVC codebook and one document per writer; returns what to code."""
    with Project.create(location, "setup") as project:
        codebook.import_codebook(project, codebook.read_codebook_file(ICVC))
        codes = [n.id for n in codebook.tree(project) if not n.is_group]
        docs = []
        for index in range(max(writers, 1)):
            turns = [*SMALL_INTERVIEW, ("Interviewer", True, f"Thank you, interview {index}.")]
            doc = store_transcript(project, turns, name=f"interview{index}.txt")
            docs.append((doc, len(documents.get_document(project, doc).text)))
    return {"codes": codes, "docs": docs}


def spans(length: int, codes: list[int], count: int) -> list[tuple[int, int, int]]:
    """``count`` distinct (start, end, code) codings of a document of ``length`` characters."""
    out: list[tuple[int, int, int]] = []
    for start in range(0, length - 12):
        for code in codes:
            out.append((start, start + 10, code))
            if len(out) == count:
                return out
    raise SystemExit("the document is too short for so many codings")


# ------------------------------------------------------------ throughput
def writer(location: str, coder: str, doc: int, work: list[Any], barrier: Any, out: Any) -> None:
    with Project.open(location, coder) as project:
        barrier.wait(TIMEOUT)
        for start, end, code in work:
            codings.add_coding(project, doc, start, end, code)
    out.put(time.perf_counter())


def throughput(location: str, writers: int, per_writer: int) -> float:
    plan = build(location, writers)
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(writers + 1)
    out = context.Queue()
    processes = []
    for index in range(writers):
        doc, length = plan["docs"][index]
        work = spans(length, plan["codes"], per_writer)
        processes.append(
            context.Process(
                target=writer, args=(location, f"coder{index}", doc, work, barrier, out)
            )
        )
    for process in processes:
        process.start()
    barrier.wait(TIMEOUT)
    started = time.perf_counter()
    ended = max(out.get(timeout=TIMEOUT) for _ in processes)
    for process in processes:
        process.join(TIMEOUT)
        if process.exitcode != 0:
            raise SystemExit(f"a writer failed (exit code {process.exitcode})")
    with Project.open(location, "checker") as project:
        total = codings.count_codings(project)
    if total != writers * per_writer:
        raise SystemExit(f"expected {writers * per_writer} codings, found {total}")
    return total / (ended - started)


# ------------------------------------------------------------ live delay
def live_writer(location: str, count: int, barrier: Any, out: Any) -> None:
    rng = random.Random(7)
    with Project.open(location, "ana") as project:
        plan_doc = 1
        length = len(documents.get_document(project, plan_doc).text)
        code = next(n.id for n in codebook.tree(project) if not n.is_group)
        barrier.wait(TIMEOUT)
        time.sleep(0.5)
        for start, end, code_id in spans(length, [code], count):
            view = codings.add_coding(project, plan_doc, start, end, code_id)
            out.put(("committed", view.id, time.time()))
            time.sleep(rng.uniform(0.1, 0.3))
    out.put(("done", 0, 0.0))


def live_reader(location: str, beat: float, count: int, barrier: Any, out: Any) -> None:
    with Project.open(location, "ben") as project:
        last = live.latest_event_id(project)
        seen: set[int] = set()
        barrier.wait(TIMEOUT)
        deadline = time.time() + TIMEOUT
        while len(seen) < count and time.time() < deadline:
            time.sleep(beat)
            changes = live.changes_since(project, last, 1)
            now = time.time()
            last = changes.last_event_id
            for change in changes.codings:
                if change.kind == "added" and change.coding_id not in seen:
                    seen.add(change.coding_id)
                    out.put(("seen", change.coding_id, now))
    out.put(("reader done", len(seen), 0.0))


def live_delay(location: str, count: int, beat: float) -> tuple[float, float, int]:
    build(location, 1)
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    out = context.Queue()
    processes = [
        context.Process(target=live_writer, args=(location, count, barrier, out)),
        context.Process(target=live_reader, args=(location, beat, count, barrier, out)),
    ]
    for process in processes:
        process.start()
    committed: dict[int, float] = {}
    seen: dict[int, float] = {}
    finished = 0
    while finished < 2:
        kind, coding_id, at = out.get(timeout=TIMEOUT)
        if kind == "committed":
            committed[coding_id] = at
        elif kind == "seen":
            seen[coding_id] = at
        else:
            finished += 1
    for process in processes:
        process.join(TIMEOUT)
    delays = sorted(seen[i] - committed[i] for i in committed if i in seen)
    missed = len(committed) - len(delays)
    p95 = delays[min(len(delays) - 1, round(0.95 * (len(delays) - 1)))]
    return statistics.median(delays), p95, missed


# ------------------------------------------------------------ PostgreSQL
def pg_server() -> tuple[Any, str] | None:
    """(maintenance engine, reason) of the server, or None and the reason it is not used."""
    raw = os.environ.get("QUALCOPE_BENCH_PG_URL") or os.environ.get("QUALCOPE_TEST_PG_URL")
    if not raw:
        print("PostgreSQL: not measured ($QUALCOPE_BENCH_PG_URL / $QUALCOPE_TEST_PG_URL unset)")
        return None
    from sqlalchemy import create_engine, text  # noqa: PLC0415
    from sqlalchemy.pool import NullPool  # noqa: PLC0415

    try:
        server = create_engine(
            engines.to_url(raw), isolation_level="AUTOCOMMIT", poolclass=NullPool
        )
        with server.connect() as conn:
            version = str(conn.execute(text("SHOW server_version")).scalar())
    except Exception as exc:  # any failure to reach it: measure SQLite only
        print(f"PostgreSQL: not reachable, measuring SQLite only ({str(exc).splitlines()[0]})")
        return None
    return server, version


class PgDatabase:
    """A new database on the server for one measurement, dropped afterwards."""

    def __init__(self, server: Any) -> None:
        self.server = server
        self.name = f"qualcope_bench_{uuid.uuid4().hex[:10]}"

    def __enter__(self) -> str:
        with self.server.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{self.name}"')
        return self.server.url.set(database=self.name).render_as_string(hide_password=False)

    def __exit__(self, *_: object) -> None:
        with self.server.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--codings", type=int, default=300, help="codings per writer")
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--live", type=int, default=50, help="codings of the live-delay run")
    parser.add_argument("--beat", type=float, default=1.0, help="seconds between live polls")
    args = parser.parse_args()
    server = pg_server()
    if server is not None:
        print(f"PostgreSQL {server[1]}")
    rates: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        rates["sqlite, 1 writer"] = throughput(str(Path(tmp) / "one.db"), 1, args.codings)
        rates[f"sqlite, {args.writers} writers"] = throughput(
            str(Path(tmp) / "many.db"), args.writers, args.codings
        )
        if server is not None:
            for writers in (1, args.writers):
                with PgDatabase(server[0]) as url:
                    label = f"postgresql, {writers} writer{'s' if writers > 1 else ''}"
                    rates[label] = throughput(url, writers, args.codings)
        print(f"\nThroughput ({args.codings} codings per writer, one transaction each):")
        for label, rate in rates.items():
            print(f"  {label:<26} {rate:8.0f} codings/s")
        many_pg = f"postgresql, {args.writers} writers"
        if many_pg in rates:
            ratio = rates[many_pg] / rates["sqlite, 1 writer"]
            print(f"  ratio {many_pg} / sqlite, 1 writer: {ratio:.2f}x")

        print(f"\nLive delay (commit in one process -> seen in another; poll every {args.beat} s):")
        median, p95, missed = live_delay(str(Path(tmp) / "live.db"), args.live, args.beat)
        print(f"  sqlite      median {median:.3f} s   p95 {p95:.3f} s   missed {missed}")
        if server is not None:
            with PgDatabase(server[0]) as url:
                median, p95, missed = live_delay(url, args.live, args.beat)
            print(f"  postgresql  median {median:.3f} s   p95 {p95:.3f} s   missed {missed}")
    if server is not None:
        server[0].dispose()


if __name__ == "__main__":
    main()
