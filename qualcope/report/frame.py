"""The tidy frame: aggregated codings as a pandas DataFrame, and the code-tree expansion.

The services hand over rows already grouped in SQL: one row per distinct
(code, role, case, participant, document, coder, unit key) that a report needs,
with ``n`` codings. Here they become a DataFrame, and each code is mapped to the
items (rows or columns) that count it: a group counts its own codings and its
descendants'. Counting codings sums ``n``; counting segments, documents or
participants counts distinct unit keys, so a participant who mentions two codes
of a group counts once for the group.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

import pandas as pd

from qualcope.report.model import MISSING

if TYPE_CHECKING:
    from collections.abc import Set


class Item(Protocol):
    """A code row or column (see ``qualcope.services.reports.CodeItem``)."""

    path: str
    label: str
    members: Set[int]


def tidy(rows: Iterable[Sequence[Any]], names: Sequence[str]) -> pd.DataFrame:
    """A DataFrame of aggregated rows; missing role/case/participant become '(no role)' etc."""
    frame = pd.DataFrame.from_records(list(rows), columns=list(names))
    for column in names:
        if column in MISSING:
            frame[column] = (
                frame[column].astype(object).where(frame[column].notna(), MISSING[column])
            )
        elif column == "document":
            frame[column] = frame[column].astype("int64").astype(str)
    return frame


def closure(items: Sequence[Item], column: str) -> pd.DataFrame:
    """(item key, code id) for every code each item counts."""
    pairs = [(item.path, code_id) for item in items for code_id in item.members]
    return pd.DataFrame.from_records(pairs, columns=[column, "code_id"])


def expand(frame: pd.DataFrame, dim: str, items: Sequence[Item]) -> pd.DataFrame:
    """The frame with a ``code`` column of item keys (one row per item counting the code)."""
    if dim != "code":
        return frame
    return frame.merge(closure(items, "code"), on="code_id", how="inner")


def count(frame: pd.DataFrame, keys: Sequence[str], unit: str) -> pd.Series:
    """Codings (sum of n) or distinct unit keys per group of ``keys``."""
    if frame.empty:
        return pd.Series(dtype="int64")
    grouped = frame.groupby(list(keys), sort=False, observed=True)
    return grouped["n"].sum() if unit == "codings" else grouped["unit"].nunique()


def total(frame: pd.DataFrame, unit: str) -> int:
    if frame.empty:
        return 0
    return int(frame["n"].sum()) if unit == "codings" else int(frame["unit"].nunique())
