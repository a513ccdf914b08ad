"""Attributes as report dimensions: ``attr:NAME`` rows, columns or ``--by``.

An attribute is a key of a document's or a participant's ``attributes`` (manifest columns,
REFI-QDA variables). A document's value is its own attribute, else its participant's: the
document wins when both hold the name, as in ``qualcope documents --attributes`` and as a
document's case wins over its participant's. A coding takes the value of its document, so
every unit (codings, segments, documents, participants) counts as for role and case; a
participant whose documents differ counts under each value. A document with no value is
counted under ``(none)``, shown last.

Numeric attributes can be binned: ``N`` equal-width bins between the smallest and largest
value of the documents reported, or explicit edges ``20,30,40``. Bins are ``[a, b)``, the
last ``[a, b]``; values outside explicit edges fall in ``< first`` or ``> last``.

The SQL stays that of role and case: codings are grouped by document (``report_queries``)
and each document's key is replaced by its value here, in Python.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qualcope.db.models import Document, Participant
from qualcope.errors import ReportError

PREFIX = "attr:"
NONE = "(none)"


def is_attribute(dim: str | None) -> bool:
    return dim is not None and dim.startswith(PREFIX)


def attribute_name(dim: str) -> str:
    return dim[len(PREFIX) :]


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value).strip()
    return text or None


def attribute_names(session: Session) -> list[str]:
    """Every attribute name with a value on a document or a participant, sorted."""
    names: set[str] = set()
    for column in (Document.attributes, Participant.attributes):
        for attributes in session.scalars(select(column)):
            names.update(str(k) for k, v in (attributes or {}).items() if _text(v) is not None)
    return sorted(names, key=lambda n: (n.casefold(), n))


def check_name(session: Session, dim: str) -> str:
    """The ``attr:NAME`` dimension with NAME as stored; a one-line error when it is unknown."""
    name = attribute_name(dim)
    known = attribute_names(session)
    if name in known:
        return dim
    folded = [k for k in known if k.casefold() == name.casefold()]
    if len(folded) == 1:
        return PREFIX + folded[0]
    close = difflib.get_close_matches(name.casefold(), [k.casefold() for k in known], n=3)
    hint = [k for k in known if k.casefold() in close]
    message = f"no attribute {name!r} in the project"
    if hint:
        message += f" (did you mean {' or '.join(PREFIX + h for h in hint)}?)"
    listing = ", ".join(PREFIX + k for k in known) or "none"
    raise ReportError(f"{message}; known attributes: {listing}")


def document_values(session: Session, name: str) -> dict[int, str | None]:
    """Each document's value of attribute ``name``: its own, else its participant's."""
    rows = session.execute(
        select(Document.id, Document.attributes, Participant.attributes).outerjoin(
            Participant, Participant.id == Document.participant_id
        )
    )
    out: dict[int, str | None] = {}
    for doc_id, own, person in rows:
        value = _text((own or {}).get(name))
        if value is None:
            value = _text((person or {}).get(name))
        out[int(doc_id)] = value
    return out


# ------------------------------------------------------------------ bins
def parse_bins(text: str | int | Sequence[Any] | None) -> int | tuple[float, ...] | None:
    """``N`` (equal-width bins) or ascending edges (``"20,30,40"`` or a list); else an error."""
    if text is None or text == "":
        return None
    if isinstance(text, bool):
        raise ReportError("bins: a number of bins or a list of edges, e.g. 4 or 20,30,40")
    if isinstance(text, int):
        parts: list[Any] = [text]
    elif isinstance(text, str):
        parts = [p.strip() for p in text.split(",") if p.strip()]
    else:
        parts = list(text)
    try:
        numbers = [float(p) for p in parts]
    except (TypeError, ValueError):
        raise ReportError(
            f"bins {text!r}: a number of bins or a list of edges, e.g. 4 or 20,30,40"
        ) from None
    if len(numbers) == 1:
        count = numbers[0]
        if count != int(count) or count < 1:
            raise ReportError(f"bins {text!r}: the number of bins must be a whole number >= 1")
        return int(count)
    if any(not math.isfinite(n) for n in numbers) or any(
        b <= a for a, b in zip(numbers, numbers[1:], strict=False)
    ):
        raise ReportError(f"bins {text!r}: edges must be finite numbers in increasing order")
    return tuple(numbers)


def _number(text: str) -> str:
    value = float(text)
    return str(int(value)) if value == int(value) and abs(value) < 1e15 else f"{value:g}"


@dataclass(frozen=True)
class Binning:
    """Edges and how a value falls in them."""

    edges: tuple[float, ...]
    explicit: bool

    def labels(self) -> list[str]:
        e = [_number(str(x)) for x in self.edges]
        if len(e) == 2 and self.edges[0] == self.edges[1]:
            return [f"[{e[0]}, {e[1]}]"]
        out = [f"[{a}, {b})" for a, b in zip(e, e[1:], strict=False)]
        out[-1] = out[-1][:-1] + "]"
        return out

    def category(self, value: float) -> str:
        labels, edges = self.labels(), self.edges
        if value < edges[0]:
            return f"< {_number(str(edges[0]))}"
        if value > edges[-1]:
            return f"> {_number(str(edges[-1]))}"
        for index in range(len(labels)):
            if value < edges[index + 1]:
                return labels[index]
        return labels[-1]

    def describe(self) -> str:
        how = "edges" if self.explicit else f"{len(self.labels())} equal-width bins"
        return f"{how}: {', '.join(self.labels())}"


def make_binning(bins: int | tuple[float, ...], values: Iterable[float]) -> Binning:
    if isinstance(bins, tuple):
        return Binning(bins, True)
    found = sorted(values)
    if not found:
        return Binning((0.0, 0.0), False)
    low, high = found[0], found[-1]
    if low == high:
        return Binning((low, high), False)
    width = (high - low) / bins
    edges = [low + i * width for i in range(bins)] + [high]
    return Binning(tuple(edges), False)


# ----------------------------------------------------------- a dimension
@dataclass(frozen=True)
class AttributeAxis:
    """An attribute dimension under a report's filters: each document's category."""

    dim: str
    categories: dict[int, str]  # document id -> category key (= label)
    domain: list[tuple[str, str]]
    binning: Binning | None

    def documents(self, key: str) -> list[int]:
        return sorted(d for d, c in self.categories.items() if c == key)


def _numeric(value: str) -> float | None:
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def axis(
    session: Session,
    dim: str,
    documents: Sequence[int],
    bins: int | tuple[float, ...] | None,
) -> AttributeAxis:
    """The categories of ``documents`` (those a report counts) for ``attr:NAME``.

    With ``bins``, every value must be a number (else a one-line error)."""
    name = attribute_name(dim)
    values = document_values(session, name)
    chosen = {d: values.get(d) for d in documents}
    present = [v for v in chosen.values() if v is not None]
    numbers = {v: _numeric(v) for v in present}
    numeric = bool(present) and all(n is not None for n in numbers.values())
    binning = None
    if bins is not None:
        bad = sorted({v for v, n in numbers.items() if n is None})
        if bad:
            raise ReportError(
                f"attribute {name!r} is not numeric ({', '.join(repr(b) for b in bad[:3])}): "
                "bins need numbers"
            )
        binning = make_binning(bins, [n for n in numbers.values() if n is not None])
        categories = {
            d: NONE if v is None else binning.category(numbers[v] or 0.0) for d, v in chosen.items()
        }
        order = [f"< {_number(str(binning.edges[0]))}", *binning.labels()]
        order.append(f"> {_number(str(binning.edges[-1]))}")
        # Explicit edges show every bin (an empty one is a finding); outliers only when seen.
        used = set(categories.values())
        keys = [k for k in order if k in used or k in binning.labels()]
    else:
        categories = {d: NONE if v is None else v for d, v in chosen.items()}
        distinct = set(present)
        if numeric:
            keys = sorted(distinct, key=lambda v: (numbers[v], v))
        else:
            keys = sorted(distinct, key=lambda v: (v.casefold(), v))
    if any(c == NONE for c in categories.values()):
        keys.append(NONE)
    return AttributeAxis(dim, categories, [(k, k) for k in keys], binning)


def relabel(
    rows: Sequence[Sequence[Any]],
    names: Sequence[str],
    axes: Mapping[str, AttributeAxis],
    wanted: Sequence[str],
) -> list[tuple[Any, ...]]:
    """SQL rows (columns ``names``, with ``document``) as rows of columns ``wanted``, each
    attribute dimension's value the category of the row's document."""
    at = names.index("document")
    index = {n: i for i, n in enumerate(names)}
    out = []
    for row in rows:
        doc = int(row[at])
        out.append(
            tuple(axes[n].categories.get(doc, NONE) if n in axes else row[index[n]] for n in wanted)
        )
    return out


def crosstab_rows(
    session: Session, scope: Any, dims: Sequence[str], unit: str, bins: str | None
) -> tuple[list[tuple[Any, ...]], dict[str, list[tuple[str, str]]], dict[str, AttributeAxis]]:
    """The cross-tab's rows (columns ``names_for(dims, unit)``), the domain of every non-code
    dimension and the attribute axes, for dimensions that may be ``attr:NAME``."""
    from qualcope.services.report_queries import base_rows, domain

    plain = [d for d in dims if not is_attribute(d)]
    attrs = [d for d in dims if is_attribute(d)]
    parsed = parse_bins(bins)
    if parsed is not None and not attrs:
        raise ReportError("--bins needs an attribute dimension (rows, cols or by attr:NAME)")
    domains = {d: domain(session, scope, d) for d in plain if d != "code"}
    if not attrs:
        return base_rows(session, scope, plain, unit), domains, {}
    documents = [int(k) for k, _ in domain(session, scope, "document")]
    axes = {d: axis(session, d, documents, parsed) for d in attrs}
    queried = plain if "document" in plain else [*plain, "document"]
    names = ["code_id", *(d for d in queried if d != "code")]
    if unit != "codings":
        names.append("unit")
    names.append("n")
    wanted = ["code_id", *(d for d in dims if d != "code")]
    wanted += ["unit", "n"] if unit != "codings" else ["n"]
    rows = relabel(base_rows(session, scope, queried, unit), names, axes, wanted)
    domains.update({d: a.domain for d, a in axes.items()})
    return rows, domains, axes
