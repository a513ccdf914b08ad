"""Running a report spec (``qualcope report run SPEC``): every table, figure and quote file
a paper needs, regenerated in one go.

Every output's tables are computed, and every figure's size checked, before any file is
written: a plot refused as too large (located in the spec by file, line and output, with the
spec's keys to narrow it) leaves the files of an earlier run as they were.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from qualcope.domain import ProgressUpdate, never_stop, no_progress
from qualcope.errors import ReportError
from qualcope.report.model import CooccurrenceRequest, CrosstabRequest, Filters, ReportTable
from qualcope.report.spec import PLOTS, ReportSpec, SpecItem
from qualcope.services.project import Project
from qualcope.services.reports import cooccurrence, crosstab, describe, frequencies, quotes

SUFFIX = {"table": "txt"}


def _filters(options: dict[str, Any]) -> Filters:
    return Filters(
        codes=tuple(options.get("codes", ())),
        coders=tuple(options.get("coders", ())),
        cases=tuple(options.get("cases", ())),
        roles=tuple(options.get("roles", ())),
        include_interviewer=bool(options.get("include_interviewer", False)),
    )


def _crosstab_request(options: dict[str, Any]) -> CrosstabRequest:
    return CrosstabRequest(
        rows=options.get("rows", "code"),
        cols=options.get("cols", "role"),
        by=options.get("by"),
        unit=options.get("unit", "codings"),
        percent=options.get("percent", "none"),
        margins=bool(options.get("margins", True)),
        stats=bool(options.get("stats", False)),
        filters=_filters(options),
        bins=_bins_text(options.get("bins")),
    )


def _bins_text(value: Any) -> str | None:
    """A spec's ``bins`` (4, "20,30,40" or [20, 30, 40]) as the CLI's --bins text."""
    if value is None:
        return None
    if isinstance(value, list | tuple):
        return ",".join(str(v) for v in value)
    return str(value)


@contextmanager
def _in_spec(spec: ReportSpec, item: SpecItem) -> Iterator[None]:
    """A plot refused as too large, located in the spec (file, line, output), with the spec's
    keys to narrow it; an error about a file written is left as it is."""
    try:
        yield
    except ReportError as exc:
        if exc.path is not None:
            raise
        groups = "rows: [GROUP], cols: [GROUP]" if item.kind == "cooccurrence_plot" else None
        raise ReportError(
            f"{exc} (output {item.name!r}; in a spec: top: N, min_count: K or "
            f"{groups or 'codes: [GROUP]'})",
            path=spec.path or None,
            line=item.line or None,
        ) from exc


def _hint(item: SpecItem) -> str:
    """How the command line narrows this plot (the refusal names it, as the CLI's does)."""
    return "--rows GROUP --cols GROUP" if item.kind == "cooccurrence_plot" else "--codes GROUP"


def run_spec(
    project: Project,
    spec: ReportSpec,
    folder: Path,
    on_progress: Callable[[ProgressUpdate], None] = no_progress,
    should_stop: Callable[[], bool] = never_stop,
) -> list[Path]:
    """Regenerate every output of a report spec into ``folder`` (each file written atomically)."""
    from qualcope.report import export, plot
    from qualcope.report import quotes as quote_files

    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise ReportError("is a file, not a folder", path=folder)
    folder.mkdir(parents=True, exist_ok=True)
    # Every table first, and every figure's size checked, so a refused plot leaves no output
    # of the spec half rewritten; then the files.
    items = spec.items
    prepared: list[tuple[SpecItem, list[ReportTable]]] = []
    for index, item in enumerate(items):
        if should_stop():
            break
        on_progress(ProgressUpdate(index, len(items), item.name))
        tables = _spec_tables(project, item)
        if item.kind in PLOTS:
            with _in_spec(spec, item):
                plot.figure_size(tables, item.options.get("chart", "heatmap"), _hint(item))
        prepared.append((item, tables))
    written: list[Path] = []
    for item, tables in prepared:
        options = item.options
        extra = {"report": spec.title} if spec.title else {}
        extra["output"] = item.name
        tables = [t.with_provenance({**extra, **t.provenance}) for t in tables]
        for fmt in item.formats:
            target = folder / f"{item.name}.{SUFFIX.get(fmt, fmt)}"
            if item.kind == "quotes":
                filters = _filters({**options, "codes": (options["code"],)})
                found = quotes(project, filters, options.get("limit"))
                prov = {**extra, **describe(project, filters, "codings")}
                quote_files.write(found, fmt, target, prov)
            elif item.kind in PLOTS:
                with _in_spec(spec, item):
                    plot.write_figure(
                        tables,
                        target,
                        options.get("chart", "heatmap"),
                        options.get("title"),
                        cluster=bool(options.get("cluster", False)),
                        narrow_hint=_hint(item),
                    )
            else:
                export.write(tables, fmt, target, provenance=True)
            written.append(target)
    on_progress(ProgressUpdate(len(items), len(items), "done"))
    return written


def _spec_tables(project: Project, item: SpecItem) -> list[ReportTable]:
    """The tables of one output of a spec, cut by its top / min_count as --top does."""
    from qualcope.report import matrix_limits

    options = item.options
    tables: list[ReportTable] = []
    if item.kind in ("crosstab", "plot"):
        tables = crosstab(project, _crosstab_request(options))
    elif item.kind in ("cooccurrence", "cooccurrence_plot"):
        request = CooccurrenceRequest(
            rows=tuple(options.get("rows", ())),
            cols=tuple(options.get("cols", ())),
            within=options.get("within", "segment"),
            filters=_filters(options),
        )
        tables = [cooccurrence(project, request)]
    elif item.kind == "frequencies":
        tables = [frequencies(project, _filters(options), bool(options.get("by_coder")))]
    if item.kind in ("crosstab", "cooccurrence", *PLOTS):
        tables = matrix_limits.limit(
            tables, options.get("top"), options.get("min_count"), named=matrix_limits.SPEC_KEYS
        )
    return tables
