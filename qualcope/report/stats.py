"""Tests of independence on a cross-tab's cells (scipy).

Rows and columns that are all zero are left out (a code nobody used has no
expected count). Pearson's chi-square without continuity correction, Cramér's V,
Fisher's exact test for 2x2 tables, and warnings a reviewer would raise: small
expected counts, and units counted in more than one cell.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from qualcope.report.model import Stats

MIN_EXPECTED = 5.0


def independence(counts: Sequence[Sequence[int]], *, overlapping: bool = False) -> Stats:
    """Chi-square, Cramér's V and (2x2) Fisher's exact test on a matrix of counts."""
    import numpy as np
    from scipy import stats

    matrix = np.asarray(counts, dtype=float)
    warnings: list[str] = []
    if matrix.size:
        keep_rows = matrix.sum(axis=1) > 0
        keep_cols = matrix.sum(axis=0) > 0
        dropped = int((~keep_rows).sum() + (~keep_cols).sum())
        matrix = matrix[keep_rows][:, keep_cols]
        if dropped:
            warnings.append(f"{dropped} empty row(s)/column(s) left out of the test")
    if matrix.ndim != 2 or matrix.shape[0] < 2 or matrix.shape[1] < 2:
        return Stats(
            n=int(matrix.sum()) if matrix.size else 0,
            warnings=(
                *warnings,
                "no test: the table needs at least two non-empty rows and two non-empty columns",
            ),
        )
    chi2, p, dof, expected = stats.chi2_contingency(matrix, correction=False)
    n = int(matrix.sum())
    v = math.sqrt(chi2 / (n * (min(matrix.shape) - 1)))
    small = int((expected < MIN_EXPECTED).sum())
    fisher_or = fisher_p = None
    if matrix.shape == (2, 2):
        result = stats.fisher_exact(matrix.astype(int))
        fisher_or, fisher_p = float(result[0]), float(result[1])
    if small:
        advice = "use Fisher's exact test" if matrix.shape == (2, 2) else "merge categories"
        warnings.append(
            f"{small} of {expected.size} expected counts are below {MIN_EXPECTED:g} "
            f"(smallest {expected.min():.2f}): the chi-square approximation may be unreliable; "
            f"{advice}"
        )
    if overlapping:
        warnings.append(
            "some units are counted in more than one cell, so the cells are not independent; "
            "read the test as descriptive"
        )
    return Stats(
        chi2=float(chi2),
        dof=int(dof),
        p_value=float(p),
        cramers_v=float(v),
        expected=tuple(tuple(float(x) for x in row) for row in expected),
        fisher_odds_ratio=fisher_or,
        fisher_p_value=fisher_p,
        n=n,
        warnings=tuple(warnings),
    )
