"""Report operations: read-only units of work, one per report a user asks for.

Each opens one read session, checks the filters, lets ``report_queries``
aggregate codings in SQL (no document text is read for a count) and hands the
rows to ``qualcope.report`` (pandas) to pivot into ``ReportTable``s: plain
values the CLI and the TUI show or export. Interviewer turns are left out
unless ``Filters.include_interviewer`` (see ``report_queries``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, distinct, func, select, true
from sqlalchemy.orm import Session, aliased

from qualcope import __version__
from qualcope.db.models import Case, Coder, Coding, CodingLink, Document, Participant, Segment
from qualcope.errors import ReportError
from qualcope.report.model import (
    DIMENSIONS,
    MISSING,
    PERCENTS,
    UNITS,
    WITHIN,
    CooccurrenceRequest,
    CrosstabRequest,
    Filters,
    Quote,
    ReportTable,
)
from qualcope.services import codetree
from qualcope.services import report_dimensions as dimensions
from qualcope.services.project import Project
from qualcope.services.report_queries import (
    ReportOptions,
    Scope,
    code_items,
    codebook_state,
    codings_query,
    containing,
    domain,
    resolve,
    resolve_segments,
    segment_parts,
    turn_key,
    unit_column,
)

if TYPE_CHECKING:
    pass

__all__ = [
    "ReportOptions",
    "crosstab",
    "cooccurrence",
    "frequencies",
    "quotes",
    "options",
    "export_tables",
    "cell_quotes",
    "describe",
    "dimension_choices",
]


def provenance(project: Project, session: Session, scope: Scope, unit: str) -> dict[str, str]:
    f = scope.filters
    coders = f.coders or tuple(
        session.scalars(select(Coder.name).join(Coding, Coding.coder_id == Coder.id).distinct())
    )
    out = {
        "generated": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "qualcope": __version__,
        "project": project.path.name if project.path is not None else project.location,
        "codebook": codebook_state(session),
        "coders": (", ".join(sorted(coders)) or "none") + _shared_documents(session, f.coders),
        "unit": unit,
        "interviewer turns": "included" if f.include_interviewer else "excluded",
    }
    for key, values in (("codes", f.codes), ("cases", f.cases), ("roles", f.roles)):
        if values:
            out[key] = ", ".join(values)
    return out


def _shared_count(session: Session, chosen: Sequence[str]) -> int:
    """How many documents more than one of the counted coders coded."""
    if len(chosen) == 1:
        return 0
    per_document = (
        select(Coding.document_id)
        .join(Coder, Coder.id == Coding.coder_id)
        .where(Coder.name.in_(chosen) if chosen else true())
        .group_by(Coding.document_id)
        .having(func.count(distinct(Coding.coder_id)) > 1)
    )
    return session.scalar(select(func.count()).select_from(per_document.subquery())) or 0


def coders_note(session: Session, scope: Scope, unit: str) -> str:
    """A table note when several coders coded the same documents: whose codings are counted,
    and what that means in this unit (the counts themselves are never changed silently)."""
    chosen = scope.filters.coders
    shared = _shared_count(session, chosen)
    if not shared:
        return ""
    names = chosen or tuple(
        session.scalars(select(Coder.name).join(Coding, Coding.coder_id == Coder.id).distinct())
    )
    head = (
        f"Coders counted: {', '.join(sorted(names))}; {shared} document"
        f"{'s were' if shared != 1 else ' was'} coded by more than one of them. "
    )
    if unit == "codings":
        return head + (
            "Every coder's codings are summed, so a passage coded by two coders counts twice: "
            "choose one with --coder (e.g. --coder consensus), or count distinct coded "
            "passages with --unit segments."
        )
    return head + f"Each {unit[:-1]} counts once, whichever of them coded it."


def _shared_documents(session: Session, chosen: Sequence[str]) -> str:
    """A warning when several coders' codings of the same documents are counted together."""
    shared = _shared_count(session, chosen)
    if not shared:
        return ""
    return (
        f" ({shared} document{'s' if shared != 1 else ''} coded by more than one of them: "
        "all their codings are counted; choose one coder with --coder, e.g. --coder consensus)"
    )


# -------------------------------------------------------------- operations
def _check_choice(value: str | None, choices: Sequence[str], what: str) -> None:
    if value is not None and value not in choices:
        raise ReportError(f"unknown {what} {value!r} (choose from {', '.join(choices)})")


def crosstab(project: Project, request: CrosstabRequest) -> list[ReportTable]:
    """A cross-tab (with --by: one table per value plus the pooled table)."""
    from qualcope.report import crosstab as pivot

    r = request
    for value, what in ((r.rows, "rows"), (r.cols, "cols"), (r.by, "by")):
        if not dimensions.is_attribute(value):
            _check_choice(value, DIMENSIONS, f"dimension for {what}")
    _check_choice(r.unit, UNITS, "unit")
    _check_choice(r.percent, PERCENTS, "percent mode")
    with project.read() as session:
        names = {
            d: dimensions.check_name(session, d) if dimensions.is_attribute(d) else d
            for d in (r.rows, r.cols, r.by)
            if d is not None
        }
        r = replace(r, rows=names[r.rows], cols=names[r.cols], by=names.get(r.by or ""))
        dims = [d for d in (r.rows, r.cols, r.by) if d is not None]
        if len(set(dims)) != len(dims):
            raise ReportError("rows, cols and by must be different dimensions")
        scope = resolve(session, r.filters)
        rows, domains, axes = dimensions.crosstab_rows(session, scope, dims, r.unit, r.bins)
        prov = provenance(project, session, scope, r.unit)
        note = coders_note(session, scope, r.unit) if "coder" not in dims else ""
    for dim, found in axes.items():
        if found.binning is not None:
            prov[f"bins ({dim})"] = found.binning.describe()
    tables = pivot.build(rows, dims, scope.items, domains, r, prov, axes)
    return [replace(t, notes=(*t.notes, note)) for t in tables] if note else tables


def cooccurrence(project: Project, request: CooccurrenceRequest) -> ReportTable:
    """Code-by-code counts within a segment, a turn, overlapping spans or coding links."""
    from qualcope.report import cooccurrence as cooc

    _check_choice(request.within, WITHIN, "--within")
    f = request.filters
    with project.read() as session:
        row_items, _ = code_items(session, request.rows)
        col_items, _ = code_items(session, request.cols)
        wanted = frozenset().union(*(i.members for i in (*row_items, *col_items)))
        scope = resolve(session, f)
        scope = Scope(scope.filters, scope.items, wanted, scope.coder_ids)
        pairs = cooccurrence_rows(session, scope, request.within)
        prov = provenance(project, session, scope, request.within)
    return cooc.build(pairs, request.within, row_items, col_items, prov)


def cooccurrence_rows(session: Session, scope: Scope, within: str) -> list[tuple[Any, ...]]:
    """(code id, unit key) per coding within a segment or turn; (coding, code, coding, code)
    per overlapping pair or coding link (a link's two codings name it: one link per pair)."""
    if within == "segment":
        columns = {"code_id": Coding.code_id, **segment_parts()}
        rows = [tuple(r) for r in session.execute(codings_query(scope, columns, set()))]
        return [(code, key) for code, key, _ in resolve_segments(session, rows, 1)]
    if within == "turn":
        key = turn_key()
        query = codings_query(scope, {"code_id": Coding.code_id, "key": key}, set())
        return [(code, key) for code, key, _ in session.execute(query)]
    other = aliased(Coding)
    mine = codings_query(scope, {"id": Coding.id, "code_id": Coding.code_id}, set(), group=False)
    kept = mine.subquery()
    a, b = aliased(kept), aliased(kept)
    if within == "overlap":
        query = (
            select(a.c.id, a.c.code_id, b.c.id, b.c.code_id)
            .join(Coding, Coding.id == a.c.id)
            .join(other, and_(other.document_id == Coding.document_id, other.id != Coding.id))
            .join(b, b.c.id == other.id)
            .where(other.start < Coding.end, other.end > Coding.start, a.c.id < b.c.id)
        )
    else:
        query = (
            select(a.c.id, a.c.code_id, b.c.id, b.c.code_id)
            .select_from(CodingLink)
            .join(a, a.c.id == CodingLink.source_coding_id)
            .join(b, b.c.id == CodingLink.target_coding_id)
        )
    return [tuple(row) for row in session.execute(query)]


def frequencies(project: Project, filters: Filters, by_coder: bool = False) -> ReportTable:
    """Every code (groups count their descendants) in every unit, optionally by coder."""
    from qualcope.report import frequencies as freq

    with project.read() as session:
        scope = resolve(session, filters)
        columns: dict[str, Any] = {
            "code_id": Coding.code_id,
            "coder": Coder.name,
            **segment_parts(),  # the "segments" unit, one key after resolve_segments
            "documents": Coding.document_id,
            "participants": unit_column("participants"),
        }
        rows = [tuple(r) for r in session.execute(codings_query(scope, columns, {"coder"}))]
        rows = resolve_segments(session, rows, 2)
        coders = [c for c, _ in domain(session, scope, "coder")]
        prov = provenance(project, session, scope, "codings, segments, documents, participants")
    return freq.build(rows, scope.items, coders, by_coder, prov)


def quotes(project: Project, filters: Filters, limit: int | None = None) -> list[Quote]:
    """The coded passages under the filters, with provenance, by case, document and position."""
    with project.read() as session:
        scope = resolve(session, filters)
        paths = codetree.paths_by_id(session)
        turn = aliased(Segment)
        columns = {
            "code_id": Coding.code_id,
            "snippet": Coding.snippet,
            "case": Case.name,
            "role": Participant.role,
            "participant": Participant.label,
            "document": Document.name,
            "turn": turn.turn_index,
            "coder": Coder.name,
            "start": Coding.start,
            "end": Coding.end,
            "id": Coding.id,
            "memo": Coding.memo,
        }
        query = codings_query(scope, {}, {"case", "coder", "participant"}, group=False)
        query = (
            query.outerjoin(turn, turn.id == containing("turn"))
            .with_only_columns(*(c.label(k) for k, c in columns.items()))
            .order_by(Case.name, Document.name, Coding.document_id, Coding.start, Coding.id)
        )
        if limit is not None:
            query = query.limit(limit)
        return [
            Quote(
                code=paths.get(r.code_id, "?"),
                text=r.snippet,
                case=r.case or MISSING["case"],
                role=r.role or MISSING["role"],
                participant=r.participant or MISSING["participant"],
                document=r.document,
                turn=None if r.turn is None else r.turn + 1,  # turns counted from 1
                coder=r.coder,
                start=r.start,
                end=r.end,
                coding_id=r.id,
                memo=r.memo,
            )
            for r in session.execute(query)
        ]


def cell_quotes(
    project: Project, table: ReportTable, row: int, col: int, filters: Filters
) -> list[Quote]:
    """The coded passages behind one cell of a cross-tab (all codings, whatever the unit)."""
    return quotes(project, filters.narrowed(table.cell_filter(row, col)))


def options(project: Project) -> ReportOptions:
    """The codes, roles, cases and coders a report can be built from."""
    with project.read() as session:
        codes = tuple(
            (path, code.kind) for code, path, _ in codetree.ordered(codetree.all_codes(session))
        )
        scope = resolve(session, Filters())
        return ReportOptions(
            codes=codes,
            roles=tuple(v for v, _ in domain(session, scope, "role")),
            cases=tuple(v for v, _ in domain(session, scope, "case")),
            coders=tuple(v for v, _ in domain(session, scope, "coder")),
        )


def dimension_choices(project: Project) -> list[tuple[str, str]]:
    """Every (value, label) a report's rows, cols or by can be: the fixed dimensions as the
    CLI takes them, then ``('attr:NAME', 'NAME (attribute)')`` per attribute, sorted."""
    with project.read() as session:
        names = dimensions.attribute_names(session)
    return [(d, d) for d in DIMENSIONS] + [
        (dimensions.PREFIX + n, f"{n} (attribute)") for n in names
    ]


def describe(project: Project, filters: Filters, unit: str) -> dict[str, str]:
    """The provenance of a report made with these filters (for quotes and figures)."""
    with project.read() as session:
        return provenance(project, session, resolve(session, filters), unit)


def export_tables(tables: Sequence[ReportTable], path: Path, fmt: str | None = None) -> str:
    """Write tables to a file (format from the extension unless given), atomically."""
    from qualcope.report import export

    chosen = export.format_for(Path(path), fmt)
    export.write(tables, chosen, Path(path), provenance=chosen != "csv")
    return chosen
