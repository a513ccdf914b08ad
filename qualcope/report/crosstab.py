"""Cross-tabs: pivot the SQL aggregates into tables with margins, percents and statistics."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from qualcope.report import frame as tidyframe
from qualcope.report.frame import Item
from qualcope.report.model import (
    POOLED,
    TOTAL,
    UNIT_MEANING,
    CrosstabRequest,
    ReportTable,
)

TITLES = {
    "code": "Codes",
    "role": "Role",
    "case": "Case",
    "participant": "Participant",
    "document": "Document",
    "coder": "Coder",
}
ATTRIBUTE = "attr:"


def title_of(dim: str) -> str:
    """'Codes', 'Role'... or an attribute's own name (``attr:career_stage`` -> 'career_stage')."""
    return dim[len(ATTRIBUTE) :] if dim.startswith(ATTRIBUTE) else TITLES[dim]


def _lower(dim: str) -> str:
    return title_of(dim) if dim.startswith(ATTRIBUTE) else TITLES[dim].lower()


def names_for(dims: Sequence[str], unit: str) -> list[str]:
    """The column names of the SQL rows for these dimensions and unit."""
    names = ["code_id", *(d for d in dims if d != "code")]
    if unit != "codings":
        names.append("unit")
    return [*names, "n"]


def build(
    rows: Sequence[Sequence[Any]],
    dims: Sequence[str],
    items: Sequence[Item],
    domains: Mapping[str, Sequence[tuple[str, str]]],
    request: CrosstabRequest,
    provenance: Mapping[str, str],
    attributes: Mapping[str, Any] | None = None,
) -> list[ReportTable]:
    """One table, or with ``request.by`` one per value of it and then the pooled table.

    ``attributes``: per ``attr:NAME`` dimension, its axis (``documents(key)``: the documents
    of a value, for the cells' keys; ``binning``: stated in the title)."""
    frame = tidyframe.tidy(rows, names_for(dims, request.unit))
    axes: dict[str, list[tuple[str, str]]] = {
        d: [(i.path, i.label) for i in items] if d == "code" else list(domains[d]) for d in dims
    }
    make = _Maker(request, items, axes, dict(provenance), dict(attributes or {}))
    if request.by is None:
        return [make.table(frame, None)]
    tables = []
    for key, label in axes[request.by]:
        if request.by == "code":
            members = next(i.members for i in items if i.path == key)
            part = frame[frame["code_id"].isin(list(members))]
        else:
            part = frame[frame[request.by] == key]
        tables.append(make.table(part, (key, label)))
    tables.append(make.table(frame, (POOLED, POOLED)))
    return tables


class _Maker:
    def __init__(
        self,
        request: CrosstabRequest,
        items: Sequence[Item],
        axes: dict[str, list[tuple[str, str]]],
        provenance: dict[str, str],
        attributes: dict[str, Any],
    ) -> None:
        self.r = request
        self.items = items
        self.axes = axes
        self.provenance = provenance
        self.attributes = attributes

    def keys(self, dim: str, key: str) -> dict[str, str]:
        """A cell's filter keys; an attribute value also names its documents."""
        if dim not in self.attributes:
            return {dim: key}
        documents = self.attributes[dim].documents(key)
        return {dim: key, "documents": ",".join(str(d) for d in documents)}

    def name(self, dim: str, lower: bool = False) -> str:
        text = _lower(dim) if lower else title_of(dim)
        found = self.attributes.get(dim)
        return f"{text} (binned)" if found is not None and found.binning is not None else text

    def table(self, frame: pd.DataFrame, by: tuple[str, str] | None) -> ReportTable:
        r, unit = self.r, self.r.unit
        rdim, cdim = r.rows, r.cols
        rkeys = [k for k, _ in self.axes[rdim]]
        ckeys = [k for k, _ in self.axes[cdim]]
        rows_x = tidyframe.expand(frame, rdim, self.items)
        both = tidyframe.expand(rows_x, cdim, self.items)
        cells = tidyframe.count(both, [rdim, cdim], unit)
        if cells.empty:
            matrix = pd.DataFrame(0, index=rkeys, columns=ckeys)
        else:
            matrix = cells.unstack(fill_value=0).reindex(index=rkeys, columns=ckeys, fill_value=0)
        matrix = matrix.fillna(0).astype("int64")
        row_tot = tidyframe.count(rows_x, [rdim], unit).reindex(rkeys, fill_value=0)
        col_x = tidyframe.expand(frame, cdim, self.items)
        col_tot = tidyframe.count(col_x, [cdim], unit).reindex(ckeys, fill_value=0)
        grand = tidyframe.total(frame, unit)
        counts = [[int(v) for v in row] for row in matrix.to_numpy().tolist()]
        percents: list[list[float | None]] = []
        if r.percent != "none":
            percents = [
                [
                    _share(counts[i][j], self._base(r.percent, row_tot, col_tot, grand, i, j))
                    for j in range(len(ckeys))
                ]
                for i in range(len(rkeys))
            ]
        stats = None
        if r.stats:
            from qualcope.report.stats import independence

            stats = independence(counts, overlapping=sum(map(sum, counts)) > grand)
        notes: list[str] = []
        sums_differ = [sum(row) for row in counts] != [int(v) for v in row_tot.tolist()] or [
            sum(col) for col in zip(*counts, strict=False)
        ] != [int(v) for v in col_tot.tolist()]
        if r.margins and (sums_differ or sum(map(sum, counts)) != grand):
            notes.append(
                f"Totals count distinct {unit}: one counted in several cells counts once, "
                "so a total can be less than the sum of its cells."
            )
        if r.margins:
            for i, row in enumerate(counts):
                row.append(int(row_tot.iloc[i]))
            counts.append([*(int(v) for v in col_tot.tolist()), grand])
            if percents:
                for prow in percents:
                    prow.append(None)
                percents.append([None] * (len(ckeys) + 1))
        rlabels = [(label,) for _, label in self.axes[rdim]]
        clabels = [label for _, label in self.axes[cdim]]
        rk = [self.keys(rdim, k) for k in rkeys]
        ck = [self.keys(cdim, k) for k in ckeys]
        if r.margins:
            rlabels.append((TOTAL,))
            clabels.append(TOTAL)
            rk.append({})
            ck.append({})
        title = f"{self.name(rdim)} by {self.name(cdim, lower=True)}"
        by_value: tuple[str, str] | None = None
        by_keys: dict[str, str] = {}
        if by is not None and r.by is not None:
            by_value = (r.by, by[0])
            if by[0] != POOLED:
                by_keys = {k: v for k, v in self.keys(r.by, by[0]).items() if k != r.by}
            what = self.name(r.by, lower=True)
            if r.by in self.attributes:
                title += f", all {what} values pooled" if by[0] == POOLED else f" ({what}: {by[1]})"
            else:
                title += f", all {r.by}s pooled" if by[0] == POOLED else f" ({r.by}: {by[1]})"
        for dim, found in self.attributes.items():
            if found.binning is not None:
                title += f"; {title_of(dim)} bins {', '.join(found.binning.labels())}"
        return ReportTable(
            title=title,
            row_header=(title_of(rdim),),
            rows=tuple(rlabels),
            columns=tuple(clabels),
            counts=tuple(tuple(row) for row in counts),
            unit=unit,
            unit_meaning=UNIT_MEANING[unit],
            percent=r.percent,
            percents=tuple(tuple(row) for row in percents),
            margins=r.margins,
            row_keys=tuple(rk),
            column_keys=tuple(ck),
            by=by_value,
            by_keys=by_keys,
            stats=stats,
            notes=tuple(notes),
            provenance=self.provenance,
        )

    @staticmethod
    def _base(mode: str, row_tot: pd.Series, col_tot: pd.Series, grand: int, i: int, j: int) -> int:
        if mode == "row":
            return int(row_tot.iloc[i])
        if mode == "col":
            return int(col_tot.iloc[j])
        return grand


def _share(count: int, base: int) -> float:
    return 100.0 * count / base if base else 0.0
