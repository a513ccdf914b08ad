"""Statistics against scipy on the same matrices."""

from __future__ import annotations

import math

import pytest
import scipy.stats

from qualcope.report.model import Stats
from qualcope.report.stats import independence


@pytest.mark.parametrize(
    "matrix",
    [
        [[12, 5, 9], [3, 14, 8], [7, 6, 20]],
        [[30, 10], [12, 28]],
        [[40, 22, 13, 9], [18, 30, 25, 33]],
    ],
)
def test_chi_square_and_cramers_v_equal_scipy(matrix: list[list[int]]) -> None:
    chi2, p, dof, expected = scipy.stats.chi2_contingency(matrix, correction=False)
    n = sum(map(sum, matrix))
    result = independence(matrix)
    assert result.chi2 == pytest.approx(chi2)
    assert result.p_value == pytest.approx(p)
    assert result.dof == dof and result.n == n
    k = min(len(matrix), len(matrix[0]))
    assert result.cramers_v == pytest.approx(math.sqrt(chi2 / (n * (k - 1))))
    assert scipy.stats.contingency.association(matrix, method="cramer") == pytest.approx(
        result.cramers_v
    )
    assert [v for row in result.expected for v in row] == pytest.approx(expected.ravel().tolist())
    assert not result.warnings


def test_fisher_exact_for_two_by_two() -> None:
    matrix = [[8, 2], [1, 5]]
    odds, p = scipy.stats.fisher_exact(matrix)
    result = independence(matrix)
    assert result.fisher_odds_ratio == pytest.approx(odds)
    assert result.fisher_p_value == pytest.approx(p)
    assert any("expected counts are below 5" in w and "Fisher" in w for w in result.warnings)
    assert any(line.startswith("Fisher's exact test") for line in result.lines())


def test_no_fisher_beyond_two_by_two() -> None:
    assert independence([[12, 5, 9], [3, 14, 8]]).fisher_p_value is None


def test_empty_rows_and_columns_are_left_out() -> None:
    with_zeros = [[10, 0, 4], [0, 0, 0], [3, 0, 9]]
    result = independence(with_zeros)
    chi2, *_ = scipy.stats.chi2_contingency([[10, 4], [3, 9]], correction=False)
    assert result.chi2 == pytest.approx(chi2)
    assert any("2 empty row(s)/column(s)" in w for w in result.warnings)


def test_too_small_a_table_gives_no_test() -> None:
    result = independence([[3, 0], [4, 0]])
    assert result.chi2 is None and any("no test" in w for w in result.warnings)
    assert independence([]).chi2 is None


def test_overlapping_units_are_flagged() -> None:
    result = independence([[10, 4], [3, 9]], overlapping=True)
    assert any("more than one cell" in w for w in result.warnings)


def test_p_values_are_written_for_papers() -> None:
    lines = Stats(chi2=20.0, dof=2, p_value=0.00001, cramers_v=0.4, n=100).lines()
    assert lines == ["Chi-square test of independence: chi2(2, N = 100) = 20.000, p < .001; "
                     "Cramér's V = 0.400"]  # fmt: skip
