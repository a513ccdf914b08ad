"""Illustrative quotes with provenance: Markdown, Word (.docx) or CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from pathlib import Path

from qualcope.errors import ReportError
from qualcope.interchange.atomic import write_with
from qualcope.report import escape
from qualcope.report.model import Quote

QUOTE_FORMATS = ("md", "docx", "csv")
QUOTE_EXTENSIONS = {".md": "md", ".markdown": "md", ".docx": "docx", ".csv": "csv"}
CSV_COLUMNS = (
    "code",
    "text",
    "case",
    "role",
    "participant",
    "document",
    "turn",
    "coder",
    "start",
    "end",
    "coding_id",
    "memo",
)


def format_for(path: Path, given: str | None = None) -> str:
    if given:
        return given
    found = QUOTE_EXTENSIONS.get(path.suffix.lower())
    if found is None:
        raise ReportError(f"cannot tell the format from {path.name!r}; use --format md|docx|csv")
    return found


def _grouped(quotes: Sequence[Quote]) -> dict[str, list[Quote]]:
    groups: dict[str, list[Quote]] = {}
    for quote in quotes:
        groups.setdefault(quote.code, []).append(quote)
    return groups


def to_markdown(quotes: Sequence[Quote], provenance: Mapping[str, str]) -> str:
    out: list[str] = []
    if not quotes:
        out.append("*No coded passages match.*")
    for code, items in _grouped(quotes).items():
        out.append(f"## {escape.markdown(escape.one_line(code))}")
        out.append("")
        for quote in items:
            out.append(f"> {escape.markdown(quote.text)}")
            out.append(">")
            out.append(f"> — {escape.markdown(escape.one_line(quote.source()))}")
            out.append("")
    if provenance:
        lines = "; ".join(f"{k}: {v}" for k, v in provenance.items())
        out.append(f"*{escape.markdown(escape.one_line(lines))}*")
    return "\n".join(out).rstrip("\n") + "\n"


def to_csv(quotes: Sequence[Quote]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for q in quotes:
        row = [
            q.code,
            q.text,
            q.case,
            q.role,
            q.participant,
            q.document,
            q.turn,
            q.coder,
            q.start,
            q.end,
            q.coding_id,
            q.memo,
        ]
        writer.writerow(["" if v is None else escape.csv_cell(v) for v in row])
    return buffer.getvalue()


def to_docx(quotes: Sequence[Quote], provenance: Mapping[str, str]) -> bytes:
    import docx

    document = docx.Document()
    document.add_heading("Quotes", level=1)
    if not quotes:
        document.add_paragraph("No coded passages match.")
    for code, items in _grouped(quotes).items():
        document.add_heading(escape.one_line(code), level=2)
        for quote in items:
            document.add_paragraph(escape.clean(quote.text), style="Quote")
            source = document.add_paragraph()
            source.add_run("— " + escape.one_line(quote.source())).italic = True
    if provenance:
        note = document.add_paragraph()
        note.add_run(
            "; ".join(f"{k}: {escape.one_line(v)}" for k, v in provenance.items())
        ).italic = True
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def render(quotes: Sequence[Quote], fmt: str, provenance: Mapping[str, str]) -> bytes:
    if fmt == "md":
        return to_markdown(quotes, provenance).encode("utf-8")
    if fmt == "csv":
        return to_csv(quotes).encode("utf-8")
    if fmt == "docx":
        return to_docx(quotes, provenance)
    raise ReportError(f"unknown quotes format {fmt!r} (choose from {', '.join(QUOTE_FORMATS)})")


def write(quotes: Sequence[Quote], fmt: str, path: Path, provenance: Mapping[str, str]) -> None:
    data = render(quotes, fmt, provenance)
    write_with(Path(path), lambda handle: handle.write(data))
