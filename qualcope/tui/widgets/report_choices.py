"""The report screen's choices: their defaults, their labels, and the request they make.

Kept apart from the screen so that it stays about layout and workers: the settings a coder
keeps (``services.report_settings``) are the dict ``DEFAULTS`` describes, and
``crosstab_request`` and ``cooccurrence_request`` turn them into the service's request and
the filters in force. ``mode`` says which of the two the screen shows: the cross-tab, or the
co-occurrence of the codes of ``co_rows`` and ``co_cols`` within a segment, turn, overlap
or link (``o``).
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import Select

from qualcope.report.model import CooccurrenceRequest, CrosstabRequest, Filters
from qualcope.services import reports
from qualcope.services.project import Project
from qualcope.tui.widgets.report_view import WIDE

ALL = "__all__"
NO_BY = "__none__"
CROSSTAB, COOCCURRENCE = "crosstab", "cooccurrence"
FILTERS = {"codes": "codes", "role": "roles", "case": "cases", "coder": "coders"}
DEFAULTS: dict[str, Any] = {"rows": "code", "cols": "role", "by": NO_BY, "unit": "codings",
                            "percent": "none", **dict.fromkeys(FILTERS, ALL),
                            "interviewer": False, "top": 0, "layout": WIDE, "mode": CROSSTAB,
                            "co_rows": ALL, "co_cols": ALL, "within": "segment"}  # fmt: skip


def choices(values: Any, prefix: str = "") -> list[tuple[Text, str]]:
    """Select options whose labels say what they choose ('rows: code'), on one line."""
    pairs = [(v, v) if isinstance(v, str) else v for v in values]
    return [(Text(f"{prefix}{label}", no_wrap=True, overflow="ellipsis"), v) for v, label in pairs]


def dimensions(project: Project) -> list[tuple[str, str]]:
    """(value, label) of every dimension: role, case, code... and each attribute."""
    return list(reports.dimension_choices(project))


def _filters(chosen: dict[str, Any], *, codes: bool = True) -> Filters:
    return Filters(
        codes=_picked(chosen, "codes") if codes else (), roles=_picked(chosen, "role"),
        cases=_picked(chosen, "case"), coders=_picked(chosen, "coder"),
        include_interviewer=bool(chosen["interviewer"]),
    )  # fmt: skip


def _picked(chosen: dict[str, Any], name: str) -> tuple[str, ...]:
    value = chosen[name]
    return () if value in (ALL, Select.NULL) else (str(value),)


def crosstab_request(chosen: dict[str, Any]) -> tuple[Filters, CrosstabRequest]:
    """The filters and the cross-tab request of the choices on screen."""
    filters = _filters(chosen)
    return filters, CrosstabRequest(
        rows=str(chosen["rows"]),
        cols=str(chosen["cols"]),
        by=None if chosen["by"] in (NO_BY, Select.NULL) else str(chosen["by"]),
        unit=str(chosen["unit"]),
        percent=str(chosen["percent"]),
        filters=filters,
    )


def cooccurrence_request(chosen: dict[str, Any]) -> tuple[Filters, CooccurrenceRequest]:
    """The filters and the co-occurrence request of the choices on screen (the codes filter
    gives way to the row and column codes)."""
    filters = _filters(chosen, codes=False)
    return filters, CooccurrenceRequest(
        rows=_picked(chosen, "co_rows"),
        cols=_picked(chosen, "co_cols"),
        within=str(chosen["within"]),
        filters=filters,
    )
