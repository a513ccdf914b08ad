"""The report spec: a YAML file listing a paper's tables, figures and quotes.

Read with a safe loader that also refuses duplicate keys and aliases; every
key is checked (unknown keys are an error naming the file and line), so a typo
never silently drops an option. Example::

    qualcope_report: 1
    defaults: {unit: participants}
    outputs:
      - name: strategies-by-role
        kind: crosstab
        rows: code
        cols: role
        by: case
        codes: [Coping strategies]
        stats: true
        formats: [md, tex, xlsx]
      - {name: strategies-by-age, kind: crosstab, cols: "attr:age", bins: [20, 40, 60],
         unit: participants}
      - name: conflict-x-strategy
        kind: cooccurrence
        rows: [Value conflicts]
        cols: [Coping strategies]
        within: link
      - {name: figure-1, kind: plot, rows: code, cols: role, codes: [Coping strategies],
         formats: [png, pdf]}
      - {name: top-30-pairs, kind: cooccurrence, within: turn, top: 30, formats: [csv]}
      - {name: figure-2, kind: plot, rows: code, cols: case, top: 40, min_count: 3,
         cluster: true}
      - {name: figure-3, kind: cooccurrence_plot, rows: [Value conflicts],
         cols: [Coping strategies], within: link, formats: [pdf]}
      - {name: avoidance, kind: quotes, code: Coping strategies/Avoidance, formats: [md, docx]}

``top`` and ``min_count`` (crosstab, cooccurrence, plot) keep the rows and columns with the
highest totals, or with totals of at least K, as ``--top N`` and ``--min-count K`` do on the
command line (``qualcope.report.matrix_limits.limit``); ``cluster: true`` (plot) orders a
heatmap's rows and columns by hierarchical clustering, as ``--cluster``.
``cooccurrence_plot`` draws a co-occurrence table as ``qualcope report plot cooccurrence``
does (rows and cols: code groups; within). A plot too large
for a figure is refused with the same hint as ``qualcope report plot`` (in spec keys: top,
min_count, codes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qualcope.errors import ReportError
from qualcope.report.model import ATTRIBUTE_PREFIX, DIMENSIONS, PERCENTS, UNITS, WITHIN
from qualcope.strict_yaml import load_strict

FORMAT_KEY = "qualcope_report"
MAX_BYTES = 1024 * 1024
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$")
FILTER_KEYS = {"codes", "coders", "cases", "roles", "include_interviewer"}
# --top N / --min-count K of the CLI (the CLI's frequencies and quotes have no such options)
LIMIT_KEYS = {"top", "min_count"}
KIND_KEYS: dict[str, set[str]] = {
    "crosstab": {"rows", "cols", "by", "unit", "percent", "margins", "stats", "bins"} | LIMIT_KEYS,
    "cooccurrence": {"rows", "cols", "within"} | LIMIT_KEYS,
    "frequencies": {"by_coder"},
    "quotes": {"code", "limit"},
    "plot": {"rows", "cols", "by", "unit", "percent", "chart", "title", "bins", "cluster"}
    | LIMIT_KEYS,
    # `qualcope report plot cooccurrence`: rows and cols are code groups, as in cooccurrence
    "cooccurrence_plot": {"rows", "cols", "within", "chart", "title", "cluster"} | LIMIT_KEYS,
}
PLOTS = ("plot", "cooccurrence_plot")
KIND_FORMATS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {  # (allowed, default)
    "crosstab": (("table", "csv", "xlsx", "md", "tex", "html", "json"), ("md", "csv")),
    "cooccurrence": (("table", "csv", "xlsx", "md", "tex", "html", "json"), ("md", "csv")),
    "frequencies": (("table", "csv", "xlsx", "md", "tex", "html", "json"), ("md", "csv")),
    "quotes": (("md", "docx", "csv"), ("md",)),
    "plot": (("png", "svg", "pdf"), ("png",)),
    "cooccurrence_plot": (("png", "svg", "pdf"), ("png",)),
}
DEFAULT_KEYS = (
    FILTER_KEYS | LIMIT_KEYS | {"unit", "percent", "margins", "stats", "within", "cluster"}
)


@dataclass(frozen=True)
class SpecItem:
    """One output of a spec: its file stem, kind, options and formats."""

    name: str
    kind: str
    options: dict[str, Any]
    formats: tuple[str, ...]
    line: int = 0


@dataclass(frozen=True)
class ReportSpec:
    items: tuple[SpecItem, ...]
    title: str = ""
    path: str = ""
    source: dict[str, Any] = field(default_factory=dict)


def read_spec(path: Path) -> ReportSpec:
    """Read and check a spec file; errors name the file and the line."""
    path = Path(path)
    if not path.is_file():
        raise ReportError("file not found" if not path.exists() else "not a file", path=path)
    if path.stat().st_size > MAX_BYTES:
        raise ReportError("a report spec may be at most 1 MiB", path=path)
    try:
        return parse_spec(path.read_bytes().decode("utf-8-sig"), path)
    except UnicodeDecodeError as exc:
        raise ReportError(f"not UTF-8 text (byte {exc.start})", path=path) from exc


def parse_spec(text: str, path: Path | str = "<spec>") -> ReportSpec:
    data = load_strict(text, ReportError, path)

    def fail(message: str, where: Any = None) -> ReportError:
        return ReportError(message, path=path, line=getattr(where, "line", None) or None)

    if not isinstance(data, dict):
        raise fail("a report spec is a mapping with 'outputs'")
    _unknown(data, {FORMAT_KEY, "title", "defaults", "outputs"}, fail)
    if data.get(FORMAT_KEY, 1) != 1:
        raise fail(f"report spec format {data.get(FORMAT_KEY)!r} is not supported (this reads 1)")
    defaults = data.get("defaults") or {}
    if not isinstance(defaults, dict):
        raise fail("'defaults' must be a mapping", data)
    _unknown(defaults, DEFAULT_KEYS, fail)
    outputs = data.get("outputs")
    if not isinstance(outputs, list) or not outputs:
        raise fail("'outputs' must be a non-empty list", data)
    items: list[SpecItem] = []
    seen: set[str] = set()
    for raw in outputs:
        if not isinstance(raw, dict):
            raise fail("each output is a mapping with 'name' and 'kind'", data)
        item = _item(raw, defaults, fail)
        if item.name.casefold() in seen:
            raise fail(f"two outputs are named {item.name!r}", raw)
        seen.add(item.name.casefold())
        items.append(item)
    return ReportSpec(tuple(items), str(data.get("title") or ""), str(path), dict(data))


def _unknown(mapping: dict[str, Any], allowed: set[str], fail: Any) -> None:
    unknown = sorted(k for k in mapping if k not in allowed)
    if unknown:
        raise fail(
            f"unknown key(s): {', '.join(unknown)} (allowed: {', '.join(sorted(allowed))})",
            mapping,
        )


def _dimension(value: Any) -> bool:
    """A fixed dimension, or ``attr:NAME`` (the name is checked against the project later)."""
    if not isinstance(value, str):
        return False
    return value in DIMENSIONS or (
        value.startswith(ATTRIBUTE_PREFIX) and bool(value[len(ATTRIBUTE_PREFIX) :].strip())
    )


def _bins(value: Any) -> bool:
    """4, "4", "20,30,40" or [20, 30, 40] (checked further when the report is made)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int | str):
        return True
    return (
        isinstance(value, list)
        and len(value) >= 2
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
    )


def _positive(value: Any) -> bool:
    """A whole number >= 1 (YAML's true is an int to Python: refused, it is no count)."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def _item(raw: dict[str, Any], defaults: dict[str, Any], fail_in_file: Any) -> SpecItem:
    fail = fail_in_file
    kind = raw.get("kind")
    if kind not in KIND_KEYS:
        raise fail(f"'kind' must be one of {', '.join(KIND_KEYS)}", raw)
    name = raw.get("name")
    if not isinstance(name, str) or not NAME_RE.match(name):
        raise fail("'name' must be a file name: letters, digits, '.', '-', '_'", raw)
    allowed = KIND_KEYS[kind] | FILTER_KEYS | {"name", "kind", "formats"}

    def fail_here(message: str, where: Any = None) -> ReportError:
        # The line says where; the name says which output, once it is known to be one.
        return fail_in_file(f"{message} (output {name!r})", where)

    fail = fail_here
    _unknown(raw, allowed, fail)
    options = {k: v for k, v in defaults.items() if k in allowed}
    options.update({k: v for k, v in raw.items() if k not in ("name", "kind", "formats")})
    choices = {"unit": UNITS, "percent": PERCENTS, "within": WITHIN, "chart": ("heatmap", "bars")}
    for key, values in choices.items():
        if key in options and options[key] not in values:
            raise fail(f"{key!r} must be one of {', '.join(values)}", raw)
    for key in ("rows", "cols", "by"):
        if kind in ("crosstab", "plot") and key in options and not _dimension(options[key]):
            raise fail(f"{key!r} must be one of {', '.join(DIMENSIONS)} or attr:NAME", raw)
    if "bins" in options and not _bins(options["bins"]):
        raise fail("'bins' must be a number of bins (4) or a list of edges ([20, 30, 40])", raw)
    lists = {"codes", "coders", "cases", "roles"} | (
        {"rows", "cols"} if kind in ("cooccurrence", "cooccurrence_plot") else set()
    )
    for key in lists & options.keys():
        value = options[key]
        value = [value] if isinstance(value, str) else value
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise fail(f"{key!r} must be a list of names", raw)
        options[key] = tuple(value)
    for key in ("include_interviewer", "margins", "stats", "by_coder", "cluster"):
        if key in options and not isinstance(options[key], bool):
            raise fail(f"{key!r} must be true or false", raw)
    for key in ("limit", *sorted(LIMIT_KEYS)):
        if key in options and not _positive(options[key]):
            raise fail(f"{key!r} must be a positive whole number", raw)
    if kind == "quotes" and not isinstance(options.get("code"), str):
        raise fail("a quotes output needs 'code' (a code path)", raw)
    allowed_formats, default_formats = KIND_FORMATS[kind]
    formats = raw.get("formats", list(default_formats))
    formats = [formats] if isinstance(formats, str) else formats
    if (
        not isinstance(formats, list)
        or not formats
        or any(f not in allowed_formats for f in formats)
    ):
        raise fail(f"'formats' of a {kind} output: a list of {', '.join(allowed_formats)}", raw)
    return SpecItem(name, kind, options, tuple(dict.fromkeys(formats)), getattr(raw, "line", 0))
