"""Intercoder agreement: percent agreement, Cohen's and Fleiss' kappa, Krippendorff's alpha.

Pure functions over a *units x coders* matrix (rows = units such as sentences, columns =
coders). A value is any hashable category; ``None`` or NaN means the coder did not code the
unit (missing). Categories compare by Python equality (1, 1.0 and True are one category). In a
presence/absence matrix, absence (0/False) is a category like any other, not missing: a coder
who applied a code nowhere said "absent" for every unit. Building the matrices from codings is
``services/agreement.py``'s job; this module only counts.

Formulas, with n_uc = number of values c in unit u and m_u = sum_c n_uc:

- ``percent_agreement``: mean over units with m_u >= 2 of sum_c n_uc (n_uc - 1) / (m_u (m_u - 1)),
  the share of agreeing coder pairs in the unit (Gwet's p_a). For two coders this is the share
  of units both coded on which they agree.
- ``cohen_kappa_table`` (t = rows coder A x columns coder B, n = sum t, e_ck = t_c. t_.k / n):
  kappa = 1 - sum w_ck t_ck / sum w_ck e_ck, with w = 1 - I (unweighted, equal to
  (p_o - p_e) / (1 - p_e)), |c - k| (linear) or (c - k)^2 (quadratic) over table positions, as
  scikit-learn does. ``cohen_kappa(a, b)`` builds t from the units both coded.
- ``fleiss_kappa`` (N units, m raters each): P_u = (sum_c n_uc^2 - m) / (m (m - 1)),
  p_c = sum_u n_uc / (N m), P_e = sum_c p_c^2, kappa = (mean P_u - P_e) / (1 - P_e).
  With two raters this is Scott's pi.
- ``krippendorff_alpha``: coincidences o_ck = sum_u n_uc (n_uk - [c = k]) / (m_u - 1) over the
  pairable units (m_u >= 2; others are left out, as Krippendorff does), n_c = sum_k o_ck,
  n = sum_c n_c, alpha = 1 - (n - 1) sum o_ck d_ck / sum n_c n_k d_ck, with d_ck = [c != k]
  (nominal), (sum_{g=c..k} n_g - (n_c + n_k) / 2)^2 over ranks (ordinal), (c - k)^2 (interval),
  ((c - k) / (c + k))^2 (ratio).
- ``bootstrap_ci``: resample units with replacement, recompute, take the percentile interval
  (``Interval``); ``counts_from_matrix`` and ``krippendorff_alpha_counts`` work on count tables.

Results are ``Agreement(value, units, note)``. Where a coefficient has no value the result says
so instead of raising: value None and the reason in ``note`` (no unit coded by two coders; one
category for every value, so expected agreement is 1 and agreement cannot be told from chance).
Percent agreement is then still 1.0. Malformed input raises ValueError: rows or vectors of
different lengths, a non-2-D matrix, a non-square table, missing values or unequal numbers of
raters given to Fleiss' kappa, non-numeric values for interval/ratio alpha.

Everything is vectorised (numpy ``bincount`` over coder pairs), so one code's alpha over 90,000
units x 2 coders takes 1-2 ms on a bool/0-1 or NaN-for-missing float matrix (a matrix of Python
objects needs a dict look-up per value: 20-30 ms), and a bootstrap draw about 5 ms. numpy is
imported inside the functions because the CLI must start without it.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    Matrix: TypeAlias = Sequence[Sequence[Hashable | None]] | NDArray[Any]
    Ints: TypeAlias = NDArray[np.int64]
    Floats: TypeAlias = NDArray[np.float64]

Level = Literal["nominal", "ordinal", "interval", "ratio"]
Weights = Literal["linear", "quadratic"] | None

ONE_CATEGORY = "every coder used one category for every unit: agreement cannot be told from chance"
NOTHING_PAIRABLE = "no unit was coded by two or more coders: nothing to compare"


@dataclass(frozen=True, slots=True)
class Agreement:
    """A coefficient (None when it has no value), the units it rests on, and why if not."""

    value: float | None
    units: int
    note: str = ""


@dataclass(frozen=True, slots=True)
class Interval:
    """A bootstrap percentile interval; ``draws`` counts the resamples with a value."""

    low: float | None
    high: float | None
    draws: int
    note: str = ""


def _as_array(values: Any, ndim: int = 2) -> NDArray[Any]:
    """A units x coders matrix (``ndim`` 2) or one coder's vector (1), checked."""
    import numpy as np

    try:
        array = np.asarray(values)
        if array.dtype.kind in "US" and not isinstance(values, np.ndarray):
            array = np.array(values, dtype=object)  # numpy would turn [["a", 1]] into strings
    except ValueError as error:  # numpy refuses ragged nested lists
        raise ValueError(f"every unit needs one value per coder: {error}") from None
    if array.shape == (0,) and ndim == 2:
        array = array.reshape(0, 0)  # no units at all: nothing pairable rather than an error
    if array.ndim != ndim:
        wanted = "a units x coders matrix" if ndim == 2 else "a vector"
        raise ValueError(f"expected {wanted} with a value for every unit, got shape {array.shape}")
    return array


def _encode(matrix: Matrix, *, ordered: bool = False) -> tuple[Ints, list[Any]]:
    """Category indices (-1 = missing) and the categories, sorted when numeric or ``ordered``."""
    import numpy as np

    array = _as_array(matrix)
    if array.dtype.kind in "biuf" and array.size:
        codes, categories = _encode_numbers(array)
        if array.dtype.kind == "b":
            categories = [bool(c) for c in categories]
        return codes, categories
    index: dict[Any, int] = {}
    # Missing is None or NaN, the one value unequal to itself (pandas' NA would raise here).
    values = array.ravel().tolist()  # Python objects, not numpy scalars, as the categories
    listed = [-1 if v is None or v != v else index.setdefault(v, len(index)) for v in values]
    codes = np.asarray(listed, dtype=np.int64).reshape(array.shape)
    categories = list(index)
    if ordered and categories:
        try:
            order = sorted(range(len(categories)), key=categories.__getitem__)
        except TypeError as error:
            raise ValueError(f"these categories cannot be put in order: {error}") from None
        rank = np.empty(len(order), dtype=np.int64)
        rank[order] = np.arange(len(order))
        codes = np.where(codes >= 0, rank[np.maximum(codes, 0)], -1)
        categories = [categories[i] for i in order]
    return codes, categories


def _encode_numbers(array: NDArray[Any]) -> tuple[Ints, list[Any]]:
    """``_encode`` for bool, int and float matrices: no Python work per value."""
    import numpy as np

    # Each temporary of the matrix's size costs page faults (about 1 ms at 90,000 x 2), more
    # than the arithmetic: the whole-number path makes one (the int copy or the float cast).
    floats = array.dtype.kind == "f"
    numbers = np.asarray(array, dtype=np.float64) if floats else np.array(array, dtype=np.int64)
    absent = np.isnan(numbers) if floats else np.zeros(numbers.shape, dtype=bool)
    if absent.all():
        return np.full(array.shape, -1, dtype=np.int64), []
    low, high = np.nanmin(numbers), np.nanmax(numbers)
    if max(abs(low), abs(high)) < 2**53 and high - low <= 4 * numbers.size:
        # Whole numbers in a short range (0/1 presence, Likert points): a bincount, no sort.
        width = int(high - low) + 1
        with np.errstate(invalid="ignore"):  # NaN casts to garbage, overwritten below
            index = numbers.astype(np.int64, copy=False)
        if not floats or bool(((index == numbers) | absent).all()):
            index -= int(low)
            index[absent] = width  # a spare slot, so the count below skips the missing
            seen = np.bincount(index.ravel(), minlength=width + 1)[:width] > 0
            if seen.all():  # already 0..k-1: nothing to renumber
                index[absent] = -1
                return index, (np.arange(width) + low).tolist()
            lookup = np.full(width + 1, -1, dtype=np.int64)
            lookup[:width][seen] = np.arange(np.count_nonzero(seen))
            return lookup[index], (np.flatnonzero(seen) + low).tolist()
    codes = np.full(array.shape, -1, dtype=np.int64)
    mask = ~absent
    unique, inverse = np.unique(numbers[mask], return_inverse=True)
    codes[mask] = inverse
    return codes, unique.tolist()


def _values_per_unit(codes: Ints) -> tuple[Ints | int, int]:
    """Each unit's number of values, at least 2 (one number when it is the same for every unit
    that has a pair), and the number of pairable units (two or more values)."""
    import numpy as np

    units, coders = codes.shape
    if not codes.size or codes.min() >= 0:
        return max(coders, 2), units if coders >= 2 else 0
    if coders == 2:  # a unit with a pair has both values
        return 2, int(np.count_nonzero((codes[:, 0] >= 0) & (codes[:, 1] >= 0)))
    present = np.zeros(units, dtype=np.int64)
    for column in codes.T:  # column by column: summing a 2-column bool array row-wise is slow
        present += column >= 0
    # Units with fewer than two values are not filtered out (a copy): they have no pair, so
    # they add nothing to the pair tables whatever their weight.
    return np.maximum(present, 2), int(np.count_nonzero(present >= 2))


def _pair_table(codes: Ints, k: int, weight: float | Floats) -> Floats:
    """k x k sums of each unit's weight over its unordered coder pairs that both coded it."""
    import numpy as np

    total = np.zeros(k * k + 1)
    complete = not codes.size or codes.min() >= 0
    # The unweighted bincount is the fast one; complete data have one weight for every unit.
    scalar = isinstance(weight, float)
    coders = codes.shape[1]
    for i in range(coders):  # a pass per coder pair (one for two coders), never per unit
        for j in range(i + 1, coders):
            a, b = codes[:, i], codes[:, j]
            joint = a * k
            joint += b
            if not complete:
                joint[(a < 0) | (b < 0)] = k * k  # a spare slot, dropped below
            total += np.bincount(joint, None if scalar else weight, minlength=k * k + 1)
    return (total[: k * k] * (weight if scalar else 1.0)).reshape(k, k)


def _left_out(pairable: int, total: int) -> str:
    dropped = total - pairable
    return (
        f"{dropped} of {total} units had fewer than two values and were left out" if dropped else ""
    )


def percent_agreement(matrix: Matrix) -> Agreement:
    """The mean share of agreeing coder pairs per unit, over units coded by two or more coders."""
    import numpy as np

    codes, categories = _encode(matrix)
    present, units = _values_per_unit(codes)
    if not units:
        return Agreement(None, 0, NOTHING_PAIRABLE)
    # Each unit's agreeing ordered pairs / m(m - 1), summed: the diagonal of a weighted pair table.
    table = _pair_table(codes, len(categories), 2.0 / (present * (present - 1)))
    return Agreement(float(np.trace(table)) / units, units, _left_out(units, len(codes)))


def cohen_kappa_table(
    table: Sequence[Sequence[float]] | Floats, weights: Weights = None
) -> Agreement:
    """Cohen's kappa from a square contingency table (rows coder A, columns coder B)."""
    import numpy as np

    t = np.asarray(table, dtype=np.float64)
    if t.ndim != 2 or t.shape[0] != t.shape[1]:
        raise ValueError(f"a contingency table must be square, got shape {t.shape}")
    n = t.sum()
    if n == 0:
        return Agreement(None, 0, "no unit was coded by both coders")
    position = np.arange(t.shape[0])
    distance = np.abs(np.subtract.outer(position, position)).astype(np.float64)
    if weights not in (None, "linear", "quadratic"):
        raise ValueError(f"weights must be None, 'linear' or 'quadratic', not {weights!r}")
    w = {None: (distance > 0) * 1.0, "linear": distance, "quadratic": distance**2}[weights]
    expected = np.outer(t.sum(axis=1), t.sum(axis=0)) / n
    chance = float((w * expected).sum())
    if chance == 0:  # both coders put every unit in one and the same category
        return Agreement(None, int(n), ONE_CATEGORY)
    note = "only one unit: the value says almost nothing" if n == 1 else ""
    return Agreement(1.0 - float((w * t).sum()) / chance, int(n), note)


def cohen_kappa(
    a: Sequence[Hashable | None] | NDArray[Any],
    b: Sequence[Hashable | None] | NDArray[Any],
    weights: Weights = None,
) -> Agreement:
    """Cohen's kappa of two coders over the units both coded (categories sorted for weights)."""
    import numpy as np

    first, second = _as_array(a, 1), _as_array(b, 1)
    if len(first) != len(second):
        raise ValueError(f"the coders' vectors differ in length: {len(first)} and {len(second)}")
    if not (first.dtype == second.dtype or {first.dtype.kind, second.dtype.kind} <= set("biuf")):
        first, second = first.astype(object), second.astype(object)  # no silent cast to str
    codes, categories = _encode(np.column_stack((first, second)), ordered=weights is not None)
    table = _pair_table(codes, len(categories), 1.0)  # rows a, columns b
    return cohen_kappa_table(table, weights)


def counts_from_matrix(matrix: Matrix) -> tuple[Ints, list[Any]]:
    """A units x categories count table for ``fleiss_kappa``; refuses missing values."""
    import numpy as np

    codes, categories = _encode(matrix)
    missing = codes < 0
    if missing.any():
        first = int(np.flatnonzero(missing.any(axis=1))[0])
        raise ValueError(
            f"Fleiss' kappa needs every unit coded by every rater: {int(missing.sum())} missing "
            f"values (first in unit {first}); use krippendorff_alpha, which allows missing data"
        )
    k = len(categories)
    units = np.repeat(np.arange(codes.shape[0]), codes.shape[1])
    counts = np.bincount(units * k + codes.ravel(), minlength=codes.shape[0] * k)
    return counts.reshape(codes.shape[0], k), categories


def fleiss_kappa(counts: Sequence[Sequence[int]] | Ints) -> Agreement:
    """Fleiss' kappa from a units x categories count table, the same number of raters per unit."""
    import numpy as np

    n = np.asarray(counts, dtype=np.float64)
    if n.ndim != 2:
        raise ValueError(f"expected a units x categories count table, got shape {n.shape}")
    if not len(n):
        return Agreement(None, 0, "no units")
    raters = n.sum(axis=1)
    if not np.all(raters == raters[0]) or raters[0] < 2:
        raise ValueError(
            "Fleiss' kappa needs the same number (two or more) of raters for every unit, got "
            f"{sorted(set(raters.astype(int).tolist()))}; use krippendorff_alpha for missing data"
        )
    m = raters[0]
    observed = float((((n**2).sum(axis=1) - m) / (m * (m - 1))).mean())
    chance = float(((n.sum(axis=0) / n.sum()) ** 2).sum())
    if chance == 1.0:
        return Agreement(None, len(n), ONE_CATEGORY)
    return Agreement((observed - chance) / (1.0 - chance), len(n))


def _alpha(coincidences: Floats, values: Floats, level: Level, units: int, note: str) -> Agreement:
    """Alpha from a coincidence matrix (the shared half of the two public functions)."""
    import numpy as np

    if level not in ("nominal", "ordinal", "interval", "ratio"):
        raise ValueError(f"level must be nominal, ordinal, interval or ratio, not {level!r}")
    if units == 0:
        return Agreement(None, 0, NOTHING_PAIRABLE)
    marginals = coincidences.sum(axis=1)
    total = float(marginals.sum())
    if level == "nominal":
        delta = 1.0 - np.eye(len(values))
    elif level == "ordinal":  # values are sorted, so the index is the rank
        rank = np.arange(len(values))
        low, high = np.minimum.outer(rank, rank), np.maximum.outer(rank, rank)
        between = np.cumsum(marginals)[high] - np.cumsum(marginals)[low] + marginals[low]
        delta = (between - np.add.outer(marginals, marginals) / 2) ** 2
    elif level == "interval":
        delta = np.subtract.outer(values, values) ** 2
    else:  # ratio; two zeros do not differ (without the guard 0/0 would poison the sum)
        sums, differences = np.add.outer(values, values), np.subtract.outer(values, values)
        delta = np.divide(differences, sums, where=sums != 0, out=np.zeros_like(sums)) ** 2
    expected = float((np.outer(marginals, marginals) * delta).sum())
    if expected <= 0:
        return Agreement(None, units, ONE_CATEGORY)
    observed = float((coincidences * delta).sum())
    if units == 1:
        note = "; ".join(filter(None, (note, "only one unit: the value says almost nothing")))
    return Agreement(1.0 - (total - 1) * observed / expected, units, note)


def _values(categories: Sequence[Any], level: Level) -> Floats:
    import numpy as np

    if level not in ("interval", "ratio"):
        return np.arange(len(categories), dtype=np.float64)  # only the order matters
    try:
        return np.asarray(categories, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{level} alpha needs numeric values, got {categories[:5]!r}") from None


def krippendorff_alpha(matrix: Matrix, level: Level = "nominal") -> Agreement:
    """Krippendorff's alpha over a units x coders matrix with missing data, any number of coders."""
    codes, categories = _encode(matrix, ordered=level != "nominal")
    present, units = _values_per_unit(codes)
    half = _pair_table(codes, len(categories), 1.0 / (present - 1))
    values = _values(categories, level)
    return _alpha(half + half.T, values, level, units, _left_out(units, len(codes)))


def krippendorff_alpha_counts(
    counts: Sequence[Sequence[int]] | Ints,
    level: Level = "nominal",
    values: Sequence[float] | None = None,
) -> Agreement:
    """Alpha from a units x categories count table (columns in order; ``values`` for interval)."""
    import numpy as np

    n = np.asarray(counts, dtype=np.float64)
    if n.ndim != 2:
        raise ValueError(f"expected a units x categories count table, got shape {n.shape}")
    m = n.sum(axis=1)
    keep = m >= 2
    weighted = n[keep] / (m[keep] - 1)[:, None]
    coincidences = weighted.T @ n[keep] - np.diag(weighted.sum(axis=0))
    scale = _values(list(range(n.shape[1])) if values is None else list(values), level)
    if len(scale) != n.shape[1]:
        raise ValueError(f"{n.shape[1]} categories but {len(scale)} values")
    pairable = int(keep.sum())
    return _alpha(coincidences, scale, level, pairable, _left_out(pairable, len(n)))


def resampleable(matrix: Matrix) -> Floats:
    """The matrix as floats (NaN = missing): numbers kept, other categories as their index."""
    import numpy as np

    codes, categories = _encode(matrix)
    numeric = all(isinstance(c, int | float) for c in categories)
    scale = np.asarray(categories if numeric else range(len(categories)), dtype=np.float64)
    return np.where(codes >= 0, scale[np.maximum(codes, 0)] if scale.size else 0.0, np.nan)


def bootstrap_ci(
    matrix: Matrix,
    statistic: Callable[[Floats], Agreement | float | None],
    *,
    level: float = 0.95,
    draws: int = 2000,
    seed: int | None = 0,
) -> Interval:
    """Percentile interval of ``statistic`` over units resampled with replacement.

    ``statistic`` receives a float matrix (``resampleable``), so category labels are encoded
    once, not once per draw; nominal coefficients do not depend on the labels. Draws where the
    statistic has no value are left out and counted in the note. The same seed gives the same
    interval; ``seed=None`` draws fresh entropy.
    """
    import numpy as np

    if not 0 < level < 1 or draws < 1:
        raise ValueError("level must be between 0 and 1 and draws at least 1")
    data = resampleable(matrix)
    rng = np.random.default_rng(seed)
    found: list[float] = []
    for _ in range(draws):
        result = statistic(data[rng.integers(0, len(data), len(data))] if len(data) else data)
        value = result.value if isinstance(result, Agreement) else result
        if value is not None and np.isfinite(value):
            found.append(float(value))
    if not found:
        return Interval(None, None, 0, "the statistic had no value in any resample")
    tail = (1 - level) / 2
    low, high = np.quantile(found, [tail, 1 - tail])
    skipped = draws - len(found)
    note = f"{skipped} of {draws} resamples had no value and were left out" if skipped else ""
    return Interval(float(low), float(high), len(found), note)
