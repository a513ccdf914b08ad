"""Benchmark of the coding workspace: key press to settled screen, small vs large transcript.

Run: python benchmarks/bench_tui.py [--large-words 50000] [--codings 5000] [--rounds 3]

With Textual's headless pilot, for a 1,000-word transcript and a 50,000-word
transcript carrying 5,000 codings, it measures the median time from a key
press to a settled screen (no write queued, no worker running, screen
redrawn) for: next sentence (j), apply a code (a), undo (u), open the code
picker (Enter); the time from opening the document to the first screen of
its transcript being drawn; and, for information, until every coding of the
document has been read (done in the background after the first screen).
Targets (issue 4): every action on the large document within 2x the small
one, and its first screen within 3x. Prints both sets of figures and the
ratios; exits non-zero when a target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from qualcope.services import codebook  # noqa: E402
from qualcope.services.project import Project  # noqa: E402
from qualcope.tui.app import QualcopeApp  # noqa: E402
from qualcope.tui.screens.coding import CodingScreen  # noqa: E402
from tests.tui.transcripts import bulk_codings, store_transcript, synthetic_turns  # noqa: E402

ICVC = Path(__file__).resolve().parents[1] / "codebooks" / "icvc.yaml"
SIZE = (120, 40)
TARGETS = {"open (first screen)": 3.0, "open (every coding read)": None}


def build(path: Path, words: int, count: int) -> Project:
    project = Project.create(path, "bench")
    codebook.import_codebook(project, codebook.read_codebook_file(ICVC))
    document = store_transcript(project, synthetic_turns(words), name=f"{words}-words.txt")
    # Avoidance (key a) stays free, so every "apply a code" press adds a new coding.
    codes = [n.id for n in codebook.tree(project) if not n.is_group and n.name != "Avoidance"]
    if count:
        bulk_codings(project, document, codes, count)
    return project


async def settled(app: QualcopeApp, pilot: Any) -> None:
    await pilot.pause()
    await app.settled()
    await pilot.pause()


async def timed(action: Callable[[], Awaitable[None]], app: QualcopeApp, pilot: Any) -> float:
    started = time.perf_counter()
    await action()
    await settled(app, pilot)
    return time.perf_counter() - started


async def measure(project: Project, repeat: int) -> dict[str, list[float]]:
    app = QualcopeApp(project)
    results: dict[str, list[float]] = {}
    async with app.run_test(size=SIZE) as pilot:
        await settled(app, pilot)

        async def first_screen() -> float:
            """Open the document; the time until the transcript draws its first screen."""
            started = time.perf_counter()
            app.open_document(1)
            while not (
                isinstance(app.screen, CodingScreen)
                and app.screen.doc is not None
                and app.screen.view.painted_at is not None
            ):
                await asyncio.sleep(0.001)
            shown = app.screen.view.painted_at - started
            await settled(app, pilot)  # the rest of the codings, read in the background
            results.setdefault("open (every coding read)", []).append(time.perf_counter() - started)
            return shown

        results["open (first screen)"] = [await first_screen()]
        screen = app.screen
        assert isinstance(screen, CodingScreen) and screen.doc is not None
        # Move to the middle of the document first: the work must not depend on the position.
        for _ in range(3):
            await pilot.press("pagedown")
        await settled(app, pilot)
        for _ in range(repeat):
            results.setdefault("next sentence (j)", []).append(
                await timed(lambda: pilot.press("j"), app, pilot)
            )
            results.setdefault("apply a code (a)", []).append(
                await timed(lambda: pilot.press("a"), app, pilot)
            )
            results.setdefault("undo (u)", []).append(
                await timed(lambda: pilot.press("u"), app, pilot)
            )
            results.setdefault("open the code picker (Enter)", []).append(
                await timed(lambda: pilot.press("enter"), app, pilot)
            )
            await pilot.press("escape")
            await settled(app, pilot)
        # Reopening the document measures a warm first screen as well.
        for _ in range(max(3, repeat // 2)):
            await pilot.press("q")
            await settled(app, pilot)
            results["open (first screen)"].append(await first_screen())
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small-words", type=int, default=1000)
    parser.add_argument("--large-words", type=int, default=50000)
    parser.add_argument("--codings", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        small = build(Path(folder) / "small.db", args.small_words, args.codings // 50)
        large = build(Path(folder) / "large.db", args.large_words, args.codings)
        # Rounds alternate small and large, so a change of load on the machine hits both.
        samples: dict[str, dict[str, list[float]]] = {"small": {}, "large": {}}
        for _ in range(args.rounds):
            for label, project in (("small", small), ("large", large)):
                for name, values in asyncio.run(measure(project, args.repeat)).items():
                    samples[label].setdefault(name, []).extend(values)
        small.close()
        large.close()
        figures = {
            label: {name: statistics.median(values) for name, values in found.items()}
            for label, found in samples.items()
        }
    print(
        f"key press to settled screen, median of {args.rounds} x {args.repeat} (ms); "
        f"small: {args.small_words:,} words, {args.codings // 50:,} codings; "
        f"large: {args.large_words:,} words, {args.codings:,} codings"
    )
    print(f"{'action':32} {'small':>8} {'large':>8} {'ratio':>6}  target")
    failed = False
    for name, small_ms in figures["small"].items():
        large_ms = figures["large"][name]
        ratio = large_ms / small_ms
        target = TARGETS.get(name, 2.0)
        if target is None:
            verdict = "(for information)"
        else:
            failed |= ratio > target
            verdict = f"<={target:.0f}x {'ok' if ratio <= target else 'MISSED'}"
        print(f"{name:32} {small_ms * 1000:8.1f} {large_ms * 1000:8.1f} {ratio:6.2f}  {verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
