"""`qualcope agreement`: intercoder agreement per code and pooled, on an explicit unit.

The data (``agreement_data``): for each unit of the documents every compared coder finished,
each code is present (1) or absent (0) for each coder. Only the present (code, unit) pairs
are gathered (``present_keys``); the coefficients come from how many units show each pattern
of who applied the code (``report.agreement_patterns``, tested to equal ``report.agreement``).
Character units count each stretch by its length. Pooled over codes, every (unit, code) is
one item. Bootstrap intervals resample units (all codes of a unit together).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from qualcope import __version__
from qualcope.domain import ProgressCallback, no_progress
from qualcope.errors import QualcopeError
from qualcope.report.agreement_patterns import PatternTable, bootstrap, coefficients
from qualcope.services.agreement_data import (
    MODEL,
    UNITS,
    coding_rows,
    load_units,
    present_keys,
    resolve_scope,
)
from qualcope.services.project import Project

if TYPE_CHECKING:
    from qualcope.report.agreement_table import AgreementTable

METRICS = ("percent", "cohen", "fleiss", "krippendorff")
METRIC_NAMES = {
    "percent": "percent agreement",
    "cohen": "Cohen's kappa",
    "fleiss": "Fleiss' kappa",
    "krippendorff": "Krippendorff's alpha",
}
POOLED = "all codes (pooled)"
DRAWS = 1000


@dataclass(frozen=True)
class Value:
    """One coefficient of one row, with its bootstrap interval when asked for."""

    metric: str
    value: float | None
    low: float | None = None
    high: float | None = None
    note: str = ""


@dataclass(frozen=True)
class AgreementRow:
    """A code (or the pooled row): its units, how many each coder applied it to, the values."""

    label: str
    units: int
    applied: tuple[int, ...]
    values: tuple[Value, ...]


@dataclass(frozen=True)
class AgreementResult:
    coders: tuple[str, ...]
    unit: str
    metrics: tuple[str, ...]
    rows: tuple[AgreementRow, ...]
    documents: tuple[str, ...]
    units: int
    ci: float | None
    notes: tuple[str, ...] = ()
    provenance: dict[str, str] = field(default_factory=dict)


def agreement(
    project: Project,
    *,
    coders: Sequence[str] = (),
    codes: Sequence[str] = (),
    documents: Sequence[int] = (),
    unit: str = "sentence",
    metrics: Sequence[str] = ("all",),
    by_code: bool = True,
    ci: float | None = None,
    include_interviewer: bool = False,
    draws: int = DRAWS,
    seed: int = 0,
    on_progress: ProgressCallback = no_progress,
) -> AgreementResult:
    """Agreement of the coders over the units of their finished documents (module docstring)."""
    import numpy as np

    asked = METRICS if "all" in metrics else tuple(m for m in METRICS if m in metrics)
    unknown = [m for m in metrics if m != "all" and m not in METRICS]
    if unknown:
        raise QualcopeError(f"unknown metric {unknown[0]!r} ({', '.join(METRICS)} or all)")
    if unit not in UNITS:
        raise QualcopeError(f"unknown unit {unit!r} ({', '.join(UNITS)})")
    if ci is not None and not 0 < ci < 1:
        raise QualcopeError("--ci is a level between 0 and 1, such as 0.95")
    with project.read() as session:
        scope = resolve_scope(session, coders, codes, documents)
        rows_by_coder = coding_rows(session, scope)
        edges: dict[int, list[int]] = {}
        if unit == "character":
            for rows in rows_by_coder.values():
                for document, start, end, _code in rows:
                    edges.setdefault(document, []).extend((start, end))
        units = load_units(
            session, scope.documents, unit, include_interviewer=include_interviewer, edges=edges
        )
    notes = list(scope.notes)
    k = len(scope.coders)
    chosen = asked
    if k != 2 and "cohen" in asked:
        if "all" not in metrics:
            raise QualcopeError(
                f"Cohen's kappa compares two coders, not {k}: use --metric fleiss or krippendorff"
            )
        chosen = tuple(m for m in asked if m != "cohen")
    code_pos = {cid: i for i, (cid, _) in enumerate(scope.codes)}
    keys_by_coder = []
    for name, coder_id in zip(scope.coders, scope.coder_ids, strict=True):
        if name == MODEL:
            from qualcope.services.agreement_model import model_presence

            decided = model_presence(project, scope, units, rows_by_coder, on_progress=on_progress)
            keys_by_coder.append(
                np.concatenate(
                    [np.zeros(0, np.int64)]
                    + [code_pos[c] * len(units) + np.flatnonzero(v) for c, v in decided.items()]
                )
            )
            notes.append(
                "model: the suggester's decision per sentence (score at or above the "
                "suggestion threshold), cross-validated by document: trained without the "
                "document it decides on"
            )
        else:
            keys_by_coder.append(present_keys(units, rows_by_coder.get(coder_id, []), code_pos))
    table = PatternTable.build(keys_by_coder, len(code_pos), len(units))
    weights = (
        units.weights.astype(np.float64)
        if units.weights is not None
        else np.ones(len(units), np.float64)
    )
    totals = table.totals(weights)
    rows = np.vstack([totals, totals.sum(axis=0)])
    found = coefficients(rows, k, chosen)
    applied = table.applied(weights)
    intervals = (
        bootstrap(table, weights, chosen, level=ci, draws=draws, seed=seed)
        if ci is not None
        else {}
    )
    labels = [path for _, path in scope.codes] + [POOLED]
    out_rows: list[AgreementRow] = []
    for i, label in enumerate(labels):
        if i < len(scope.codes) and not by_code:
            continue
        values = []
        for metric in chosen:
            value = float(found[metric].values[i])
            low, high = (float(x[i]) for x in intervals[metric]) if ci is not None else (0.0, 0.0)
            values.append(
                Value(
                    metric,
                    _number(value),
                    _number(low) if ci is not None else None,
                    _number(high) if ci is not None else None,
                    found[metric].notes[i],
                )
            )
        counts = applied.sum(axis=1) if label == POOLED else applied[:, i]
        out_rows.append(
            AgreementRow(
                label,
                int(round(float(rows[i].sum()))),
                tuple(int(round(float(n))) for n in counts),
                tuple(values),
            )
        )
    provenance = {
        "generated": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "qualcope": __version__,
        "project": project.path.name if project.path is not None else project.location,
        "coders": ", ".join(scope.coders),
        "unit": UNIT_MEANING[unit],
        "documents": f"{len(scope.documents)} ({', '.join(scope.document_names[:6])}"
        + (", ..." if len(scope.documents) > 6 else "")
        + ")",
        "data": "per unit and code: present (1) or absent (0) for each coder; a coder applies "
        "a code to a unit when one of their codings of it shares a character with the unit",
        "interviewer turns and preambles": "included" if include_interviewer else "excluded",
    }
    if ci is not None:
        provenance["intervals"] = f"{ci:.0%} bootstrap percentile, {draws} resamples of units"
    return AgreementResult(
        coders=scope.coders,
        unit=unit,
        metrics=chosen,
        rows=tuple(out_rows),
        documents=scope.document_names,
        units=units.weighted_count(),
        ci=ci,
        notes=tuple(notes),
        provenance=provenance,
    )


UNIT_MEANING = {
    "sentence": "respondent sentences",
    "turn": "respondent turns",
    "character": "characters of respondent text",
}


def _number(value: float) -> float | None:
    return None if value != value else value  # NaN: no value


def as_table(result: AgreementResult) -> AgreementTable:
    """The result as the report layer's agreement table, the reasons for missing values and
    the notes below it."""
    from qualcope.report.agreement_table import AgreementTable, Coefficient

    who = " and ".join([", ".join(result.coders[:-1]), result.coders[-1]])
    title = (
        f"Agreement of {who}: {UNIT_MEANING[result.unit]} of {len(result.documents)} "
        f"document{'s' if len(result.documents) != 1 else ''} ({result.units} units)"
    )
    # One note per reason: which coefficients of which rows have no value, and why.
    reasons: dict[str, tuple[list[str], list[str]]] = {}
    for row in result.rows:
        for value in row.values:
            if value.note:
                metrics, labels = reasons.setdefault(value.note, ([], []))
                if METRIC_NAMES[value.metric] not in metrics:
                    metrics.append(METRIC_NAMES[value.metric])
                if row.label not in labels:
                    labels.append(row.label)
    notes = list(result.notes)
    for note, (metrics, labels) in reasons.items():
        where = labels[0] if len(labels) == 1 else f"{len(labels)} codes ({labels[0]}, ...)"
        notes.append(f"{', '.join(metrics)} of {where}: {note}")
    return AgreementTable(
        title=title,
        coders=result.coders,
        metrics=result.metrics,
        labels=tuple(r.label for r in result.rows),
        units=tuple(r.units for r in result.rows),
        applied=tuple(r.applied for r in result.rows),
        values=tuple(
            tuple(Coefficient(v.value, v.low, v.high) for v in r.values) for r in result.rows
        ),
        intervals=result.ci is not None,
        pooled=POOLED,
        notes=tuple(notes),
        provenance=result.provenance,
    )
