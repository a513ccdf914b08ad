"""The snapshot comparison reads cells: a screen cut into other SVG runs is the same screen,
a cell with another background is not."""

from __future__ import annotations

import html
import re
from pathlib import Path

from tests.tui.conftest import screen_cells

STORED = Path(__file__).parent / "__snapshots__" / "test_snapshots"
DOCUMENTS = (STORED / "test_documents_screen[120x36].svg").read_text()
RUN = re.compile(
    r'<text class="([^"]*)" x="([\d.]+)" y="([\d.]+)" textLength="[\d.]+" ([^>]*)>([^<]{4,})</text>'
)


def _cut_every_run_in_two(svg: str) -> str:
    def cut(match: re.Match[str]) -> str:
        name, x, y, rest, text = match.groups()
        characters = html.unescape(text)
        half = len(characters) // 2
        parts = [(float(x), characters[:half]), (float(x) + half * 12.2, characters[half:])]
        return "".join(
            f'<text class="{name}" x="{left:g}" y="{y}" textLength="{len(part) * 12.2:g}" '
            f"{rest}>{html.escape(part)}</text>"
            for left, part in parts
        )

    cut_svg, count = RUN.subn(cut, svg)
    assert count > 5
    return cut_svg


def test_a_screen_cut_into_other_runs_reads_the_same() -> None:
    assert screen_cells(_cut_every_run_in_two(DOCUMENTS)) == screen_cells(DOCUMENTS)


def test_a_cell_with_another_background_reads_differently() -> None:
    changed = DOCUMENTS.replace('fill="#0178d4"', 'fill="#123456"', 1)
    assert changed != DOCUMENTS
    assert screen_cells(changed) != screen_cells(DOCUMENTS)


def test_a_character_in_another_colour_reads_differently() -> None:
    styles = dict(re.findall(r"\.(terminal-[\w-]+) \{ ([^}]*) \}", DOCUMENTS))
    name = next(n for n, style in styles.items() if "bold" in style)
    changed = DOCUMENTS.replace(f"{{ {styles[name]} }}", "{ fill: #ff0000 }", 1)
    assert screen_cells(changed) != screen_cells(DOCUMENTS)
