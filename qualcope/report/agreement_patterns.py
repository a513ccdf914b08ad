"""Agreement on presence/absence data from *pattern totals*, for every code at once.

With k coders, a (unit, code) shows one of 2^k patterns: bit j is set when coder j applied
the code to the unit. Every coefficient of ``report.agreement`` on such data is a function
of how many units (or characters) show each pattern, so a code's statistics need only the
pairs some coder marked present, and the absent-for-everyone pattern is what is left. That
makes 300 codes over 90,000 sentences a few ``bincount`` calls instead of 300 dense
matrices. The forms below are tested to equal ``report.agreement`` on the same matrices:

- percent agreement: sum_p t_p (c_p (c_p - 1) + a_p (a_p - 1)) / (k (k - 1)) / N, with c_p
  coders present and a_p = k - c_p absent in pattern p;
- Cohen's kappa (k = 2): (p_o - p_e) / (1 - p_e) from the 2x2 table of the patterns;
- Fleiss' kappa: P_u = (c^2 + a^2 - k) / (k (k - 1)), P_e = s^2 + (1 - s)^2 with s the share
  of present values;
- Krippendorff's alpha (nominal, complete data): 1 - (n - 1) D / (2 n_0 n_1) with
  D = sum_p t_p 2 c_p a_p / (k - 1) the disagreeing coincidences and n_c the value totals.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from qualcope.report.agreement import ONE_CATEGORY, Agreement

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

NO_UNITS = "no units to compare"


@dataclass(frozen=True)
class Coefficients:
    """One metric for many rows: values (NaN where there is none) and the reason per row."""

    values: NDArray[np.float64]
    notes: tuple[str, ...]


@dataclass
class PatternTable:
    """The present (code, unit) pairs of k coders and the pattern each shows."""

    coders: int
    codes: int
    units: int
    pair_code: NDArray[np.int64]
    pair_unit: NDArray[np.int64]
    pair_pattern: NDArray[np.int64]
    coder_pairs: tuple[NDArray[np.int64], ...]  # per coder: the keys it applied

    @classmethod
    def build(
        cls, keys_by_coder: Sequence[NDArray[np.int64]], codes: int, units: int
    ) -> PatternTable:
        """``keys_by_coder[j]``: sorted unique keys ``code * units + unit`` coder j applied."""
        import numpy as np

        every = np.concatenate([np.zeros(0, np.int64), *keys_by_coder])
        bits = np.concatenate(
            [np.zeros(0, np.int64)]
            + [np.full(len(keys), 1 << j, np.int64) for j, keys in enumerate(keys_by_coder)]
        )
        unique, inverse = np.unique(every, return_inverse=True)
        pattern = np.bincount(inverse, weights=bits, minlength=len(unique)).astype(np.int64)
        size = max(units, 1)
        return cls(
            len(keys_by_coder),
            codes,
            units,
            unique // size,
            unique % size,
            pattern,
            tuple(keys_by_coder),
        )

    def totals(self, weights: NDArray[np.float64]) -> NDArray[np.float64]:
        """(codes, 2^k) weighted unit counts per pattern (``weights``: one per unit)."""
        import numpy as np

        width = 1 << self.coders
        out = np.bincount(
            self.pair_code * width + self.pair_pattern,
            weights=weights[self.pair_unit],
            minlength=self.codes * width,
        ).reshape(self.codes, width)
        out[:, 0] = float(weights.sum()) - out[:, 1:].sum(axis=1)
        return out

    def applied(self, weights: NDArray[np.float64]) -> NDArray[np.float64]:
        """(coders, codes): the weighted units each coder applied each code to."""
        import numpy as np

        size = max(self.units, 1)
        return np.array(
            [
                np.bincount(keys // size, weights=weights[keys % size], minlength=self.codes)
                for keys in self.coder_pairs
            ]
        ).reshape(self.coders, self.codes)


def coefficients(
    totals: NDArray[np.float64], k: int, metrics: Sequence[str]
) -> dict[str, Coefficients]:
    """Each metric for every row of ``totals`` (rows x 2^k pattern totals)."""
    import numpy as np

    totals = np.atleast_2d(np.asarray(totals, dtype=np.float64))
    present = np.array([bin(p).count("1") for p in range(totals.shape[1])], dtype=np.float64)
    absent = k - present
    units = totals.sum(axis=1)
    empty = units <= 0
    safe = np.where(empty, 1.0, units)
    share = (totals @ present) / (safe * k)
    one_category = ~empty & ((share <= 0.0) | (share >= 1.0))
    out: dict[str, Coefficients] = {}

    def pack(values: NDArray[np.float64], chance_free: bool = False) -> Coefficients:
        blank = empty | (one_category if not chance_free else False)
        notes = tuple(
            NO_UNITS if e else (ONE_CATEGORY if (o and not chance_free) else "")
            for e, o in zip(empty, one_category, strict=True)
        )
        return Coefficients(np.where(blank, np.nan, values), notes)

    with np.errstate(divide="ignore", invalid="ignore"):
        if "percent" in metrics:
            agree = (present * (present - 1) + absent * (absent - 1)) / (k * (k - 1))
            out["percent"] = pack((totals @ agree) / safe, chance_free=True)
        if "cohen" in metrics and k == 2:
            observed = (totals[:, 0] + totals[:, 3]) / safe
            first = (totals[:, 1] + totals[:, 3]) / safe  # coder 1 present (bit 0)
            second = (totals[:, 2] + totals[:, 3]) / safe
            chance = first * second + (1 - first) * (1 - second)
            out["cohen"] = pack((observed - chance) / (1 - chance))
        if "fleiss" in metrics:
            p_u = (present**2 + absent**2 - k) / (k * (k - 1))
            observed = (totals @ p_u) / safe
            chance = share**2 + (1 - share) ** 2
            out["fleiss"] = pack((observed - chance) / (1 - chance))
        if "krippendorff" in metrics:
            disagreeing = totals @ (2 * present * absent / (k - 1))
            n_1 = totals @ present
            n_0 = totals @ absent
            out["krippendorff"] = pack(1.0 - (n_0 + n_1 - 1) * disagreeing / (2 * n_0 * n_1))
    return out


def pattern_stats(
    totals: NDArray[np.float64], k: int, metrics: Sequence[str]
) -> dict[str, Agreement]:
    """The coefficients of one row of pattern totals, as ``report.agreement`` values."""
    units = int(round(float(sum(totals))))
    found = coefficients(totals, k, metrics)
    out = {}
    for metric, result in found.items():
        value = float(result.values[0])
        out[metric] = Agreement(None if value != value else value, units, result.notes[0])
    return out


def bootstrap(
    table: PatternTable,
    weights: NDArray[np.float64],
    metrics: Sequence[str],
    *,
    level: float,
    draws: int,
    seed: int,
) -> dict[str, tuple[NDArray[np.float64], NDArray[np.float64]]]:
    """Percentile intervals (low, high per code, then the pooled row; NaN where none) over
    units resampled with replacement; all codes of a unit go together."""
    import numpy as np

    rng = np.random.default_rng(seed)
    size = table.units
    found: dict[str, list[NDArray[np.float64]]] = {m: [] for m in metrics}
    for _ in range(draws):
        taken = np.bincount(rng.integers(0, size, size), minlength=size) if size else weights
        totals = table.totals(weights * taken)
        rows = np.vstack([totals, totals.sum(axis=0)])
        for metric, result in coefficients(rows, table.coders, metrics).items():
            found[metric].append(result.values)
    tail = (1 - level) / 2
    out = {}
    for metric, values in found.items():
        stacked = np.array(values).reshape(draws, table.codes + 1)
        with np.errstate(all="ignore"):
            usable = ~np.isnan(stacked).all(axis=0)
            low = np.full(stacked.shape[1], np.nan)
            high = np.full(stacked.shape[1], np.nan)
            if usable.any():
                low[usable], high[usable] = np.nanquantile(
                    stacked[:, usable], [tail, 1 - tail], axis=0
                )
        out[metric] = (low, high)
    return out
