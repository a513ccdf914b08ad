"""A 300-code codebook (30 groups x 10 codes): top-N, bounded figures, the long layout.

The project is generated (tests/report/wide_builder.py): 30 documents, 3,000 codings.
Decision: a figure that would exceed ``MAX_PIXELS`` is refused with a one-line message
naming --top, --min-count and narrower codes; it is never silently cut.
"""

from __future__ import annotations

import csv
import io
import json
import struct
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from qualcope.db.models import Coding
from qualcope.errors import ReportError
from qualcope.report import export, long_table, matrix_limits, plot
from qualcope.report.model import CooccurrenceRequest, CrosstabRequest, ReportTable
from qualcope.services import codetree, reports
from qualcope.services.project import Project
from tests.report.wide_builder import generate


@pytest.fixture(scope="module")
def wide(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    path = tmp_path_factory.mktemp("wide") / "wide.db"
    generate(path, documents=30, codings=3000)
    project = Project.open(path, "tester")
    yield project
    project.close()


@pytest.fixture(scope="module")
def cooc(wide: Project) -> ReportTable:
    return reports.cooccurrence(wide, CooccurrenceRequest())


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_cooccurrence_counts_equal_an_independent_count(wide: Project, cooc: ReportTable) -> None:
    """Leaf pairs: segments (here: whole sentences) holding both codes, counted by hand."""
    with wide.read() as session:
        rows = session.execute(select(Coding.document_id, Coding.start, Coding.code_id)).all()
        ids = {p: i for i, p in enumerate(k["code"] for k in cooc.row_keys)}
        paths = {c.id: p for c, p, _ in codetree.ordered(codetree.all_codes(session))}
    by_sentence: dict[tuple[int, int], set[int]] = {}
    for doc, start, code in rows:
        by_sentence.setdefault((doc, start), set()).add(code)
    pairs: Counter[tuple[int, int]] = Counter()
    for codes in by_sentence.values():
        for a in codes:
            for b in codes:
                pairs[a, b] += 1
    checked = 0
    for (a, b), n in pairs.most_common(50):
        assert cooc.counts[ids[paths[a]]][ids[paths[b]]] == n
        checked += 1
    assert checked == 50


def test_top_keeps_the_codes_with_the_highest_totals(cooc: ReportTable) -> None:
    totals, _ = matrix_limits.totals(cooc)
    [top] = matrix_limits.limit([cooc], top=20)
    assert top.shape == (20, 20)
    expected = sorted(range(len(totals)), key=lambda i: (-totals[i], i))[:20]
    assert {r[0] for r in top.rows} == {cooc.rows[i][0] for i in expected}
    assert top.columns == tuple(r[0] for r in top.rows)
    assert any("20 of 330 rows" in n and "--top 20" in n for n in top.notes)
    i, j = cooc.rows.index(top.rows[3]), cooc.columns.index(top.columns[5])
    assert top.counts[3][5] == cooc.counts[i][j]


def test_min_count_drops_small_rows_and_columns(cooc: ReportTable) -> None:
    totals, _ = matrix_limits.totals(cooc)
    k = sorted(totals)[len(totals) // 2]
    [kept] = matrix_limits.limit([cooc], min_count=k)
    assert len(kept.rows) == sum(1 for t in totals if t >= k)


def test_top_on_a_crosstab_with_margins_and_by(wide: Project) -> None:
    tables = reports.crosstab(wide, CrosstabRequest(rows="code", cols="role", by="case"))
    limited = matrix_limits.limit(tables, top=10)
    assert all(t.shape == (11, 4) for t in limited)  # 10 codes + Total, 3 roles + Total
    assert limited[-1].rows[-1] == tables[-1].rows[-1]  # the Total row stays, of everything
    assert limited[-1].counts[-1] == tables[-1].counts[-1]
    assert len({t.rows for t in limited}) == 1  # every panel shows the same codes


def test_oversize_figure_is_refused_with_a_one_line_hint(cooc: ReportTable) -> None:
    with pytest.raises(ReportError) as caught:
        plot.figure_bytes([cooc], "png")
    message = str(caught.value)
    assert "\n" not in message
    assert "330 x 330" in message and "--top 40" in message and "--min-count" in message
    k = int(message.split("--min-count ")[1].split()[0])
    [fits] = matrix_limits.limit([cooc], min_count=k)
    assert max(fits.shape) <= max(matrix_limits.max_cells())


@pytest.mark.slow
def test_top_twenty_heatmap_is_bounded_and_labelled_by_leaf(cooc: ReportTable) -> None:
    [top] = matrix_limits.limit([cooc], top=20)
    width, height = png_size(plot.figure_bytes([top], "png", cluster=True))
    assert width <= matrix_limits.MAX_PIXELS and height <= matrix_limits.MAX_PIXELS
    body = plot._body(top)
    assert len(body.rows) == 20
    assert all(len(label) <= matrix_limits.LABEL_CHARS for label in body.rows)
    assert any(label.startswith("Code ") and label.endswith("…") for label in body.rows)
    clustered = plot._body(top, cluster=True)
    assert sorted(clustered.rows) == sorted(body.rows)
    assert clustered.rows == clustered.cols  # the same order on both axes


@pytest.mark.slow
def test_largest_allowed_heatmap_stays_within_the_bound(cooc: ReportTable) -> None:
    most_rows, most_cols = matrix_limits.max_cells()
    [top] = matrix_limits.limit([cooc], top=min(most_rows, most_cols))
    width, height = png_size(plot.figure_bytes([top], "png"))
    assert width <= matrix_limits.MAX_PIXELS and height <= matrix_limits.MAX_PIXELS


@pytest.mark.parametrize("width", [80, 250])
def test_terminal_cooccurrence_uses_the_long_layout(cooc: ReportTable, width: int) -> None:
    text = export.to_text([cooc], provenance=False, width=width)
    assert "┃" not in text and "│" not in text
    lines = text.splitlines()
    assert lines[1].split() == ["Code", "A", "Code", "B", "segment"]
    assert all(len(line) <= width for line in lines[:-4])
    first = lines[3]
    best = max(
        cooc.counts[i][j] for i in range(len(cooc.rows)) for j in range(len(cooc.columns)) if i < j
    )
    assert first.startswith("Group ") and first.split()[-1] == str(best)
    assert any("Long layout" in line for line in lines)
    numbers = [int(line.split()[-1]) for line in lines[3:50]]
    assert numbers == sorted(numbers, reverse=True)


def test_long_layout_of_a_wide_crosstab(wide: Project) -> None:
    [table] = reports.crosstab(wide, CrosstabRequest(rows="code", cols="participant"))
    assert not long_table.fits(table, 80)
    text = export.to_text([table], provenance=False, width=80)
    assert "Participant" in text and "P0001" in text and "┃" not in text


def test_small_tables_keep_the_grid(wide: Project) -> None:
    [table] = reports.crosstab(wide, CrosstabRequest(rows="code", cols="role", margins=True))
    assert long_table.fits(table, 80)
    assert "┃" in export.to_text([table], provenance=False, width=80)


def test_exports_stay_complete(cooc: ReportTable) -> None:
    rows = list(csv.reader(io.StringIO(export.to_csv([cooc]))))
    assert len(rows) == 331 and len(rows[0]) == 331
    data = json.loads(export.to_json([cooc]))
    assert len(data["tables"][0]["rows"]) == 330
    assert not any("Shown:" in n for n in data["tables"][0]["notes"])


def test_cluster_order_is_a_permutation() -> None:
    values = [[5, 0, 5], [0, 3, 0], [4, 0, 6], [0, 2, 1]]
    order = matrix_limits.cluster_order(values)
    assert sorted(order) == [0, 1, 2, 3]
    assert abs(order.index(0) - order.index(2)) == 1  # the similar rows sit together


def test_labels_cut_with_an_ellipsis() -> None:
    assert matrix_limits.short_label("x" * 40, 10) == "x" * 9 + "…"
    assert matrix_limits.leaf_labels(["A/Other", "B/Other"], True) == ["A/Other", "B/Other"]
    assert matrix_limits.leaf_labels(["A/One", "B/Two"], True) == ["One", "Two"]


def test_bars_are_bounded_too(cooc: ReportTable) -> None:
    with pytest.raises(ReportError, match="bars does not fit"):
        plot.figure_bytes([cooc], "png", chart="bars")


def test_generator_writes_sentence_bounds(tmp_path: Path) -> None:
    words = generate(tmp_path / "tiny.db", groups=2, per_group=3, documents=2, codings=20)
    assert words > 0
