"""The output of `qualcope suggest evaluate`: one table per unit (sentence, passage), the macro
F1 with bootstrap intervals, the combined-vs-cue comparison, calibration and F1 by how many
codings a code has; or the same figures as CSV/JSON rows."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from qualcope.nlp.results import Evaluation, Scores

METHODS = ("cue", "classifier", "combined")
UNIT_NAMES = {"sentence": "sentences", "passage": "passages (respondent turns)"}


def each_unit(result: Evaluation) -> list[Evaluation]:
    return [result, *result.other_units]


def notes_of(result: Evaluation) -> list[str]:
    """Every unit's notes, each once, in order."""
    return list(dict.fromkeys(n for r in each_unit(result) for n in r.notes))


def title(result: Evaluation) -> str:
    return (
        f"{UNIT_NAMES.get(result.unit, result.unit).capitalize()}: {result.folds}-fold "
        f"cross-validation by {result.split} ({result.units} {result.unit}s, "
        f"{result.documents} documents)"
    )


def interval(scores: Scores) -> str:
    if scores.f1_low is None or scores.f1_high is None:
        return ""
    return f"{scores.f1_low:.2f}-{scores.f1_high:.2f}"


def print_evaluation(result: Evaluation) -> None:
    """Per unit: a table (a row per code, a macro row per group, then overall) and what the
    figures mean."""
    from rich.console import Console

    console = Console(file=sys.stdout, soft_wrap=False)
    for evaluation in each_unit(result):
        console.print(_table(evaluation))
        for line in summary(evaluation):
            click.echo(line)
        click.echo()


def _table(result: Evaluation) -> Any:
    from rich.table import Table
    from rich.text import Text

    table = Table(
        title=title(result),
        caption="P R F1 = precision, recall, F1; 95% = bootstrap interval of combined F1",
    )
    table.add_column("code", overflow="fold")
    table.add_column("n", justify="right")
    for method in METHODS:
        table.add_column(f"{method}\nP    R    F1", justify="right", no_wrap=True)
    table.add_column("combined\nF1 95%", justify="right", no_wrap=True)

    def cells(scores: dict[str, Any]) -> list[Text]:
        out = [
            Text(f"{s.precision:.2f} {s.recall:.2f} {s.f1:.2f}")
            for s in (scores[m] for m in METHODS)
        ]
        return [*out, Text(interval(scores["combined"]))]

    for group, macro in result.groups.items():
        members = [c for c in result.codes if c.code_path.split("/", 1)[0] == group]
        for code in members:
            name = code.code_path.split("/", 1)[-1]
            table.add_row(Text(name), Text(str(code.positives)), *cells(code.by_method))
        support = sum(c.positives for c in members)
        label = Text(f"macro: {group}", style="bold")
        table.add_row(label, Text(str(support)), *cells(macro), end_section=True)
    total = sum(c.positives for c in result.codes)
    table.add_row(Text("macro: all codes", style="bold"), Text(str(total)), *cells(result.macro))
    return table


def summary(result: Evaluation) -> list[str]:
    """The lines under a unit's table: macro F1 with intervals, combined vs cue-only,
    calibration, F1 by number of codings."""
    if not result.codes:
        return []
    unit = result.unit
    lines = [
        f"macro F1 of all codes ({unit}s, 95% interval): "
        + "; ".join(f"{m} {result.macro[m].f1:.3f} [{interval(result.macro[m])}]" for m in METHODS)
    ]
    d = result.difference
    if d is not None:
        verdict = (
            "within the noise (the interval contains 0)"
            if d.within_noise
            else f"beyond the noise: {d.better if d.value > 0 else d.baseline} is better"
        )
        lines.append(
            f"combined minus cue-only macro F1: {d.value:+.3f} "
            f"[{d.low:+.3f}, {d.high:+.3f}], {verdict}"
        )
    for cal in result.calibration:
        which = f"shown (score >= {cal.floor:g})" if cal.floor > 0 else "every score above 0"
        lines.append(
            f"calibration of the combined score, {which}: expected calibration error "
            f"{cal.ece:.3f} over {cal.count} held-out ({unit}, code) pairs"
        )
        if cal.floor > 0:
            lines += [
                f"  a score of {b.low:.0%}-{b.high:.0%} (mean {b.mean_score:.0%}) is right "
                f"{b.observed:.0%} of the time ({b.count})"
                for b in cal.bins
            ]
    if result.curve:
        lines.append(
            "combined F1 by codings per code (across codes, not retrained on subsamples): "
            + "; ".join(
                f"{b.low}{'+' if b.high is None else f'-{b.high}'}: {b.mean_f1:.2f} "
                f"({b.codes} code{'s' if b.codes != 1 else ''})"
                for b in result.curve
            )
        )
    return lines


COLUMNS = [
    "unit",
    "code",
    "positives",
    *(f"{m}_{s}" for m in METHODS for s in ("p", "r", "f1", "f1_low", "f1_high")),
    "ece_shown",
    "ece_all",
    "combined_minus_cue",
    "difference_low",
    "difference_high",
]


def evaluation_rows(result: Evaluation) -> list[dict[str, Any]]:
    """A row per unit and code, group macro and overall macro (with ECE and the
    combined-vs-cue difference on the overall row)."""
    rows: list[dict[str, Any]] = []
    for evaluation in each_unit(result):
        rows += _rows(evaluation)
    return rows


def _rows(result: Evaluation) -> list[dict[str, Any]]:
    def row(name: str, positives: int, scores: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {"unit": result.unit, "code": name, "positives": positives}
        for method in METHODS:
            s = scores[method]
            out.update(
                {
                    f"{method}_p": s.precision,
                    f"{method}_r": s.recall,
                    f"{method}_f1": s.f1,
                    f"{method}_f1_low": s.f1_low,
                    f"{method}_f1_high": s.f1_high,
                }
            )
        return out

    rows = [row(c.code_path, c.positives, c.by_method) for c in result.codes]
    for group, scores in result.groups.items():
        support = sum(c.positives for c in result.codes if c.code_path.startswith(f"{group}/"))
        rows.append(row(f"macro: {group}", support, scores))
    overall = row("macro: all codes", sum(c.positives for c in result.codes), result.macro)
    for cal in result.calibration:
        overall["ece_shown" if cal.floor > 0 else "ece_all"] = cal.ece
    if result.difference is not None:
        overall["combined_minus_cue"] = result.difference.value
        overall["difference_low"] = result.difference.low
        overall["difference_high"] = result.difference.high
    rows.append(overall)
    return [{k: round(v, 3) if isinstance(v, float) else v for k, v in r.items()} for r in rows]
