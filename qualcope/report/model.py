"""What a report is, as plain values: dimensions, units, the table and its statistics.

No pandas here: the services hand a ``ReportTable`` to the CLI and the TUI, and
the exporters write it. Counts are ints; percentages are floats (0-100) or None.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

DIMENSIONS: tuple[str, ...] = ("code", "role", "case", "participant", "document", "coder")
ATTRIBUTE_PREFIX = "attr:"  # "attr:NAME": a document's (else its participant's) attribute
UNITS: tuple[str, ...] = ("codings", "segments", "documents", "participants")
PERCENTS: tuple[str, ...] = ("none", "row", "col", "total")
WITHIN: tuple[str, ...] = ("segment", "turn", "overlap", "link")

UNIT_MEANING: dict[str, str] = {
    "codings": "number of codings",
    "segments": "number of distinct coded segments: the sentence, else the turn, holding a coding",
    "documents": "number of documents with at least one coding",
    "participants": "number of participants who mention it at least once",
}
PERCENT_MEANING: dict[str, str] = {
    "none": "",
    "row": "percent of the row total",
    "col": "percent of the column total",
    "total": "percent of the grand total",
}
WITHIN_MEANING: dict[str, str] = {
    "segment": "number of segments (sentence, else turn) holding both codes",
    "turn": "number of speaker turns holding both codes",
    "overlap": "number of pairs of distinct codings whose spans overlap",
    "link": "number of coding links (coping strategy -> value conflict) between the codes",
}
MISSING: dict[str, str] = {
    "role": "(no role)",
    "case": "(no case)",
    "participant": "(no participant)",
}
TOTAL = "Total"
POOLED = "(pooled)"


@dataclass(frozen=True)
class Stats:
    """A test of independence on a table's cells (margins and empty rows/columns left out)."""

    chi2: float | None = None
    dof: int | None = None
    p_value: float | None = None
    cramers_v: float | None = None
    expected: tuple[tuple[float, ...], ...] = ()
    fisher_odds_ratio: float | None = None
    fisher_p_value: float | None = None
    n: int = 0
    warnings: tuple[str, ...] = ()

    def lines(self) -> list[str]:
        """The statistics as sentences for a table's notes."""
        out: list[str] = []
        if self.chi2 is not None and self.p_value is not None:
            out.append(
                f"Chi-square test of independence: chi2({self.dof}, N = {self.n}) = "
                f"{self.chi2:.3f}, p {format_p(self.p_value)}"
                f"; Cramér's V = {self.cramers_v:.3f}"
            )
        if self.fisher_p_value is not None:
            odds = (
                "inf"
                if self.fisher_odds_ratio in (None, float("inf"))
                else (f"{self.fisher_odds_ratio:.3f}")
            )
            out.append(
                f"Fisher's exact test (2x2): odds ratio = {odds}, p {format_p(self.fisher_p_value)}"
            )
        out.extend(f"Warning: {w}" for w in self.warnings)
        return out


def format_p(p: float) -> str:
    """'< .001' or '= 0.042', as a paper writes it after 'p'."""
    return "< .001" if p < 0.001 else f"= {p:.3f}"


@dataclass(frozen=True)
class ReportTable:
    """One table: labelled rows and columns of counts, with optional margins and percents.

    ``counts[i][j]`` is the cell of ``rows[i]`` and ``columns[j]``. With margins the
    last row and the last column are the totals (labelled ``Total``): totals count
    distinct units, so they need not be the sum of the cells (a participant seen
    under two coders counts once in the total). ``keys`` hold what a cell means in
    filter terms (``{"code": "Coping strategies/Avoidance"}``), for opening its quotes.
    """

    title: str
    row_header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    columns: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]
    unit: str
    unit_meaning: str = ""
    percent: str = "none"
    percents: tuple[tuple[float | None, ...], ...] = ()
    margins: bool = False
    row_keys: tuple[dict[str, str], ...] = ()
    column_keys: tuple[dict[str, str], ...] = ()
    by: tuple[str, str] | None = None  # (dimension, value) of a --by table
    by_keys: dict[str, str] = field(default_factory=dict)  # more keys of the --by value
    stats: Stats | None = None
    notes: tuple[str, ...] = ()
    provenance: dict[str, str] = field(default_factory=dict)

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.rows), len(self.columns)

    def cell(self, row: int, col: int) -> str:
        """The cell as text: ``n`` or ``n (p%)`` in a percent table."""
        count = self.counts[row][col]
        pct = self.percents[row][col] if self.percents else None
        if pct is None:
            return str(count)
        return f"{count} ({pct:.1f}%)"

    def value(self, row: int, col: int) -> int | float:
        """The number a spreadsheet gets: the percent in a percent table, else the count."""
        pct = self.percents[row][col] if self.percents else None
        return round(pct, 1) if pct is not None else self.counts[row][col]

    def caption(self) -> str:
        """Title, unit and percent mode on one line."""
        parts = [self.title, f"unit: {self.unit}"]
        if self.percent != "none":
            parts.append(f"cells: n ({PERCENT_MEANING[self.percent]})")
        return " — ".join(p for p in parts if p)

    def all_notes(self) -> list[str]:
        notes = [f"Unit: {self.unit} ({self.unit_meaning})."] if self.unit_meaning else []
        notes.extend(self.notes)
        if self.stats is not None:
            notes.extend(self.stats.lines())
        return notes

    def with_provenance(self, provenance: dict[str, str]) -> ReportTable:
        return replace(self, provenance=dict(provenance))

    def cell_filter(self, row: int, col: int) -> dict[str, str]:
        """The filters that select the units behind one cell (margins: fewer keys)."""
        keys: dict[str, str] = {}
        parts: list[dict[str, str]] = []
        if self.by is not None and self.by[1] != POOLED:
            parts.append({self.by[0]: self.by[1], **self.by_keys})
        if row < len(self.row_keys):
            parts.append(self.row_keys[row])
        if col < len(self.column_keys):
            parts.append(self.column_keys[col])
        for part in parts:
            for key, value in part.items():
                if key == "documents" and key in keys:  # two attribute dimensions: both hold
                    mine = set(value.split(","))
                    value = ",".join(i for i in keys[key].split(",") if i in mine)
                keys[key] = value
        return keys


@dataclass(frozen=True)
class Quote:
    """A coded passage with its provenance, for a paper's illustrative quotes.

    ``turn`` is the speaker turn's number in its document, counted from 1
    (interviewer turns included), or None when the document has no turns.
    """

    code: str
    text: str
    case: str
    role: str
    participant: str
    document: str
    turn: int | None
    coder: str
    start: int
    end: int
    coding_id: int
    memo: str = ""

    def source(self) -> str:
        """'participant (role), case, document, turn N, coded by X'."""
        where = f"{self.participant} ({self.role}), {self.case}, {self.document}"
        if self.turn is not None:
            where += f", turn {self.turn}"
        return f"{where}; coded by {self.coder}"


@dataclass(frozen=True)
class Filters:
    """Which codings a report counts. Empty tuples mean 'all'.

    Interviewer turns and preambles (a title, a date line, a footer: nobody's words) are
    left out unless ``include_interviewer``: a coding is left out when its whole span lies
    within one interviewer turn or one preamble.
    """

    codes: tuple[str, ...] = ()
    coders: tuple[str, ...] = ()
    cases: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    participants: tuple[str, ...] = ()
    documents: tuple[int, ...] = ()
    include_interviewer: bool = False

    def narrowed(self, keys: dict[str, str]) -> Filters:
        """These filters plus the keys of one table cell (see ``ReportTable.cell_filter``)."""
        out = self
        if "code" in keys:
            out = replace(out, codes=(keys["code"],))
        if "coder" in keys:
            out = replace(out, coders=(keys["coder"],))
        if "case" in keys:
            out = replace(out, cases=(keys["case"],))
        if "role" in keys:
            out = replace(out, roles=(keys["role"],))
        if "participant" in keys:
            out = replace(out, participants=(keys["participant"],))
        if "document" in keys:
            out = replace(out, documents=(int(keys["document"]),))
        if "documents" in keys:  # an attribute cell: its documents ("" none), within the others
            ids = [int(i) for i in keys["documents"].split(",") if i]
            if out.documents:
                ids = [i for i in ids if i in out.documents]
            out = replace(out, documents=tuple(ids) or (0,))  # 0: no document has that id
        return out


@dataclass(frozen=True)
class CrosstabRequest:
    rows: str = "code"
    cols: str = "role"
    by: str | None = None
    unit: str = "codings"
    percent: str = "none"
    margins: bool = True
    stats: bool = False
    filters: Filters = Filters()
    bins: str | None = None  # numeric attribute dimensions: "N" equal-width bins or "a,b,c" edges


@dataclass(frozen=True)
class CooccurrenceRequest:
    rows: tuple[str, ...] = ()
    cols: tuple[str, ...] = ()
    within: str = "segment"
    filters: Filters = Filters()
