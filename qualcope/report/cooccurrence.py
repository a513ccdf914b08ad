"""Code-by-code co-occurrence: within a segment, a turn, overlapping spans or coding links.

- segment / turn: the number of segments (turns) holding a coding of the row code
  and a coding of the column code (the diagonal: segments holding the code);
- overlap: the number of pairs of distinct codings, one of each code, whose spans overlap;
- link: the number of coding links (coping strategy -> value conflict) joining the codes,
  whichever end is the row.
A group counts its descendants; each segment, pair or link counts once per cell.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from qualcope.report import frame as tidyframe
from qualcope.report.frame import Item
from qualcope.report.model import WITHIN_MEANING, ReportTable


def build(
    rows: Sequence[Sequence[Any]],
    within: str,
    row_items: Sequence[Item],
    col_items: Sequence[Item],
    provenance: Mapping[str, str],
) -> ReportTable:
    rkeys = [i.path for i in row_items]
    ckeys = [i.path for i in col_items]
    if within in ("segment", "turn"):
        data = pd.DataFrame.from_records(list(rows), columns=["code_id", "key"])
        left = data.merge(tidyframe.closure(row_items, "row"), on="code_id")[["row", "key"]]
        right = data.merge(tidyframe.closure(col_items, "col"), on="code_id")[["col", "key"]]
        both = left.drop_duplicates().merge(right.drop_duplicates(), on="key")
    else:
        records = []
        for first, code_a, second, code_b in rows:
            pair = f"{first}-{second}"
            records.append((pair, code_a, code_b))
            records.append((pair, code_b, code_a))
        data = pd.DataFrame.from_records(records, columns=["key", "code_id", "other"])
        both = data.merge(tidyframe.closure(row_items, "row"), on="code_id").merge(
            tidyframe.closure(col_items, "col").rename(columns={"code_id": "other"}), on="other"
        )
    if both.empty:
        matrix = pd.DataFrame(0, index=rkeys, columns=ckeys)
    else:
        cells = both.groupby(["row", "col"])["key"].nunique()
        matrix = cells.unstack(fill_value=0).reindex(index=rkeys, columns=ckeys, fill_value=0)
    counts = tuple(tuple(int(v) for v in row) for row in matrix.fillna(0).to_numpy().tolist())
    return ReportTable(
        # The caption adds "unit: <within>" and a note says what it counts: the title does
        # not say it a third time.
        title="Co-occurrence of codes" if within != "link" else "Codes joined by coding links",
        row_header=("Code",),
        rows=tuple((i.label,) for i in row_items),
        columns=tuple(i.label for i in col_items),
        counts=counts,
        unit=within,
        unit_meaning=WITHIN_MEANING[within],
        row_keys=tuple({"code": k} for k in rkeys),
        column_keys=tuple({"code": k} for k in ckeys),
        provenance=dict(provenance),
    )
