"""The report screen's lines of choices: what the table counts, and the filters.

Three lines, two shown at a time: the cross-tab's rows, columns, by, unit and percent, or the
co-occurrence's row codes, column codes and 'within' (``o`` switches); then the filters (codes,
roles, cases, coders, interviewer turns), the codes filter giving way to the co-occurrence's
own codes. The screen reads the values back with ``values`` and keeps them per coder; ``t``,
``l`` and ``o`` work while a choice has the focus (``report_view.VIEW_BINDINGS``).
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Checkbox, Select

from qualcope.report.model import DIMENSIONS, PERCENTS, UNITS, WITHIN
from qualcope.services import reports
from qualcope.tui.widgets.report_choices import ALL, COOCCURRENCE, DEFAULTS, FILTERS, NO_BY
from qualcope.tui.widgets.report_choices import choices as _choices
from qualcope.tui.widgets.report_view import VIEW_BINDINGS

# The choices kept as settings (with "interviewer", read from its checkbox).
CHOICES = ("rows", "cols", "by", "unit", "percent", *FILTERS, "co_rows", "co_cols", "within")
_FIXED = {"unit": UNITS, "percent": PERCENTS, "within": WITHIN}  # options that never change


class ReportControls(Vertical):
    """The lines of choices over the table; ``t``, ``l`` and ``o`` work while one has the
    focus."""

    BINDINGS: ClassVar[list[BindingType]] = VIEW_BINDINGS

    def compose(self) -> ComposeResult:
        dims = [(d, d) for d in DIMENSIONS]
        with Horizontal(classes="report-row", id="crosstab-row"):
            for name, prefix, items in (
                ("rows", "rows: ", dims),
                ("cols", "cols: ", dims),
                ("by", "by: ", [(NO_BY, "none"), *dims]),
                ("unit", "unit: ", UNITS),
                ("percent", "%: ", PERCENTS),
            ):
                yield _select(name, _choices(items, prefix))
        with Horizontal(classes="report-row", id="cooccurrence-row"):
            yield _select("co_rows", _choices([(ALL, "all codes")], "rows: "))
            yield _select("co_cols", _choices([(ALL, "all codes")], "cols: "))
            yield _select("within", _choices(WITHIN, "within: "))
        with Horizontal(classes="report-row"):
            for name, label in FILTERS.items():
                yield _select(name, _choices([(ALL, f"all {label}")]))
            yield Checkbox("interviewer", value=False, id="interviewer", compact=True)

    def fill(
        self,
        options: reports.ReportOptions,
        dimensions: list[tuple[str, str]],
        chosen: dict[str, Any],
    ) -> None:
        """The project's codes, roles, cases, coders and attributes as options, each choice
        set to ``chosen`` (its default when the kept value is no longer an option)."""
        codes = [(path, path) for path, _kind in options.codes]
        values: dict[str, list[tuple[str, str]]] = {
            "codes": codes,
            "role": [(v, v) for v in options.roles],
            "case": [(v, v) for v in options.cases],
            "coder": [(v, v) for v in options.coders],
        }
        for name, prefix in (("rows", "rows: "), ("cols", "cols: "), ("by", "by: ")):
            items = [(NO_BY, "none"), *dimensions] if name == "by" else dimensions
            self._set_options(name, _choices(items, prefix), chosen[name])
        for name, label in FILTERS.items():
            self._set_options(name, _choices([(ALL, f"all {label}"), *values[name]]), chosen[name])
        for name, prefix in (("co_rows", "rows: "), ("co_cols", "cols: ")):
            self._set_options(name, _choices([(ALL, "all codes"), *codes], prefix), chosen[name])
        for name, fixed in _FIXED.items():
            self._set_value(name, chosen[name], list(fixed))
        self.query_one(Checkbox).value = bool(chosen["interviewer"])

    def values(self) -> dict[str, Any]:
        """Every choice's value, and whether interviewer turns are counted."""
        out: dict[str, Any] = {name: self.query_one(f"#{name}", Select).value for name in CHOICES}
        out["interviewer"] = self.query_one(Checkbox).value
        return out

    def show_mode(self, mode: str) -> None:
        """The lines of the mode in force: co-occurrence has codes for its rows and columns
        (the codes filter gives way to them) and a 'within' for its unit."""
        cooc = mode == COOCCURRENCE
        self.query_one("#crosstab-row").display = not cooc
        self.query_one("#cooccurrence-row").display = cooc
        self.query_one("#codes").display = not cooc

    def _set_options(self, name: str, items: list[tuple[Text, str]], value: Any) -> None:
        self.query_one(f"#{name}", Select).set_options(items)
        self._set_value(name, value, [v for _, v in items])

    def _set_value(self, name: str, value: Any, allowed: list[str]) -> None:
        self.query_one(f"#{name}", Select).value = value if value in allowed else DEFAULTS[name]


def _select(name: str, items: list[tuple[Text, str]]) -> Select[str]:
    return Select(items, value=DEFAULTS[name], allow_blank=False, id=name, compact=True)
