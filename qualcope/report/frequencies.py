"""Code frequencies in every unit (codings, segments, documents, participants), by coder."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from qualcope.report import frame as tidyframe
from qualcope.report.frame import Item
from qualcope.report.model import UNITS, ReportTable

ALL_CODERS = "(all coders)"


def build(
    rows: Sequence[Sequence[Any]],
    items: Sequence[Item],
    coders: Sequence[str],
    by_coder: bool,
    provenance: Mapping[str, str],
) -> ReportTable:
    data = pd.DataFrame.from_records(
        list(rows), columns=["code_id", "coder", "segments", "documents", "participants", "n"]
    )
    expanded = data.merge(tidyframe.closure(items, "code"), on="code_id")
    aggregations = {
        "codings": ("n", "sum"),
        "segments": ("segments", "nunique"),
        "documents": ("documents", "nunique"),
        "participants": ("participants", "nunique"),
    }
    overall = expanded.groupby("code").agg(**aggregations)
    per_coder = expanded.groupby(["code", "coder"]).agg(**aggregations) if by_coder else None
    labels: list[tuple[str, ...]] = []
    keys: list[dict[str, str]] = []
    counts: list[tuple[int, ...]] = []

    def add(frame: pd.DataFrame, key: Any, label: tuple[str, ...], filt: dict[str, str]) -> None:
        values = frame.loc[key] if key in frame.index else None
        counts.append(tuple(int(values[u]) if values is not None else 0 for u in UNITS))
        labels.append(label)
        keys.append(filt)

    for item in items:
        if per_coder is None:
            add(overall, item.path, (item.label,), {"code": item.path})
            continue
        add(overall, item.path, (item.label, ALL_CODERS), {"code": item.path})
        for coder in coders:
            add(
                per_coder,
                (item.path, coder),
                (item.label, coder),
                {"code": item.path, "coder": coder},
            )
    return ReportTable(
        title="Code frequencies" + (" by coder" if by_coder else ""),
        row_header=("Code", "Coder") if by_coder else ("Code",),
        rows=tuple(labels),
        columns=UNITS,
        counts=tuple(counts),
        unit="codings, segments, documents, participants",
        unit_meaning="one column per unit; a group counts its descendants",
        row_keys=tuple(keys),
        provenance=dict(provenance),
    )
