"""What reconciliation compares: two coders and the consensus, unit by unit, inside a session.

The units, documents and codes are those of intercoder agreement (``agreement_data``): the
documents both coders finished, respondent sentences (or turns), each code present or absent
per coder. A unit is a *disagreement* when the two coders' code sets on it differ; it is
*decided* when the consensus coder has a ``Reconciliation`` row at its span. The consensus
coder is one more coder (``CONSENSUS``), so reports and agreement treat it as any other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from qualcope.db.models import Coder, Coding, Reconciliation
from qualcope.errors import QualcopeError
from qualcope.report.agreement_patterns import pattern_stats
from qualcope.services.agreement_data import (
    MODEL,
    Scope,
    Units,
    load_units,
    present_keys,
    resolve_scope,
)
from qualcope.services.project import Project

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

CONSENSUS = "consensus"
RECONCILE_UNITS = ("sentence", "turn")


@dataclass(frozen=True)
class UnitKey:
    """One unit of one comparison: which coders, which codes, which span of which document."""

    coder_a: str
    coder_b: str
    document_id: int
    start: int
    end: int
    unit: str = "sentence"
    codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Row:
    """A coding of one of the compared coders (or the consensus)."""

    id: int
    document_id: int
    start: int
    end: int
    code_id: int
    memo: str


@dataclass(frozen=True)
class Figures:
    """Pooled agreement of two coders over every (unit, code): Krippendorff's alpha, percent."""

    alpha: float | None
    percent: float | None


@dataclass
class Comparison:
    """Who applied which code to which unit: per coder ("a", "b", "consensus"), the sorted
    keys ``code position * units + unit`` of ``agreement_data.present_keys``."""

    scope: Scope
    units: Units
    coder_ids: tuple[int, int]
    consensus_id: int | None
    rows: dict[str, list[Row]]
    keys: dict[str, NDArray[np.int64]] = field(default_factory=dict)
    # (document, start, end) -> (choice, code id): the consensus coder's decisions
    decisions: dict[tuple[int, int, int], tuple[str, int | None]] = field(default_factory=dict)

    @property
    def code_ids(self) -> list[int]:
        return [cid for cid, _ in self.scope.codes]

    def _mark(self, keys: NDArray[np.int64]) -> NDArray[np.bool_]:
        import numpy as np

        mask = np.zeros(len(self.units), dtype=bool)
        if len(self.units):
            mask[keys % len(self.units)] = True
        return mask

    def disagreeing(self) -> NDArray[np.bool_]:
        """Per unit: whether the two coders' code sets on it differ."""
        import numpy as np

        return self._mark(np.setxor1d(self.keys["a"], self.keys["b"], assume_unique=True))

    def pending_agreements(self) -> NDArray[np.bool_]:
        """Per unit: the coders agree, and the consensus does not show their codes (yet)."""
        import numpy as np

        differs = self._mark(
            np.setxor1d(self.keys["consensus"], self.keys["a"], assume_unique=True)
        )
        return differs & ~self.disagreeing()

    def codes_at(self, who: str, indexes: NDArray[np.int64]) -> list[list[int]]:
        """For each of the units at ``indexes`` (sorted): the codes ``who`` applied there, in
        tree order."""
        import numpy as np

        out: list[list[int]] = [[] for _ in range(len(indexes))]
        size = len(self.units)
        if not size or not len(indexes):
            return out
        keys = self.keys[who]
        where = np.searchsorted(indexes, keys % size)
        found = where < len(indexes)
        found[found] = indexes[where[found]] == (keys % size)[found]
        ids = self.code_ids
        for position, row in zip(keys[found] // size, where[found], strict=True):
            out[int(row)].append(ids[int(position)])  # keys go by code first: tree order
        return out

    def decided(self, index: int) -> tuple[str, int | None] | None:
        key = (
            int(self.units.document[index]),
            int(self.units.start[index]),
            int(self.units.end[index]),
        )
        return self.decisions.get(key)

    def figures(self, first: str, second: str) -> Figures:
        """Pooled alpha and percent agreement of two of "a", "b", "consensus": every (unit,
        code) is one item."""
        import numpy as np

        x, y = self.keys[first], self.keys[second]
        both = int(np.intersect1d(x, y, assume_unique=True).size)
        items = len(self.units) * len(self.scope.codes)
        # Pattern p: bit 0 set when the first applied the code, bit 1 the second.
        totals = np.array(
            [items - len(x) - len(y) + both, len(x) - both, len(y) - both, both],
            dtype=np.float64,
        )
        found = pattern_stats(totals, 2, ("percent", "krippendorff"))
        return Figures(found["krippendorff"].value, found["percent"].value)


def refuse_blind(project: Project) -> None:
    """Reconciling shows both coders' codings: not for a coder working blind."""
    if project.blind:
        raise QualcopeError(
            "reconciliation shows every coder's codings: it is not available while coding "
            "blind (turn blind coding off: `qualcope blind off`, or open without --blind)"
        )


def check_pair(coder_a: str, coder_b: str, unit: str) -> None:
    if unit not in RECONCILE_UNITS:
        raise QualcopeError(
            f"reconciliation decides sentences or turns, not {unit!r} "
            f"({', '.join(RECONCILE_UNITS)})"
        )
    for name in (coder_a, coder_b):
        if name in (CONSENSUS, MODEL):
            raise QualcopeError(f"{name!r} cannot be reconciled: choose two human coders")
    if coder_a == coder_b:
        raise QualcopeError("reconciliation needs two different coders")


def compare(
    session: Session,
    coder_a: str,
    coder_b: str,
    *,
    codes: tuple[str, ...] = (),
    documents: tuple[int, ...] = (),
    unit: str = "sentence",
) -> Comparison:
    """The two coders and the consensus on the units of their finished (or given) documents."""
    check_pair(coder_a, coder_b, unit)
    scope = resolve_scope(session, [coder_a, coder_b], codes, documents)
    a_id, b_id = (int(i) for i in scope.coder_ids if i is not None)
    rows = coder_rows(session, scope, {"a": a_id, "b": b_id})
    units = load_units(session, scope.documents, unit)
    comparison = Comparison(scope, units, (a_id, b_id), None, rows)
    for who in ("a", "b"):
        comparison.keys[who] = _keys(comparison, who)
    return refresh_consensus(session, comparison)


def refresh_consensus(session: Session, found: Comparison) -> Comparison:
    """Read the consensus coder's codings and decisions again (after writing them)."""
    consensus_id = session.scalar(select(Coder.id).where(Coder.name == CONSENSUS))
    found.consensus_id = consensus_id
    found.rows["consensus"] = coder_rows(session, found.scope, {"consensus": consensus_id})[
        "consensus"
    ]
    found.keys["consensus"] = _keys(found, "consensus")
    found.decisions = {}
    if consensus_id is not None:
        query = select(
            Reconciliation.document_id,
            Reconciliation.start,
            Reconciliation.end,
            Reconciliation.choice,
            Reconciliation.code_id,
        ).where(
            Reconciliation.coder_id == consensus_id,
            Reconciliation.document_id.in_(list(found.scope.documents)),
        )
        found.decisions = {
            (doc, start, end): (choice, code)
            for doc, start, end, choice, code in session.execute(query)
        }
    return found


def _keys(found: Comparison, who: str) -> NDArray[np.int64]:
    spans = [(r.document_id, r.start, r.end, r.code_id) for r in found.rows[who]]
    positions = {cid: i for i, (cid, _) in enumerate(found.scope.codes)}
    return present_keys(found.units, spans, positions)


def coder_rows(
    session: Session, scope: Scope, coders: dict[str, int | None]
) -> dict[str, list[Row]]:
    """Each named coder's codings of the compared codes in the compared documents."""
    codes = [cid for cid, _ in scope.codes]
    ids = {i: who for who, i in coders.items() if i is not None}
    out: dict[str, list[Row]] = {who: [] for who in coders}
    for chunk in range(0, len(codes), 500):
        query = select(
            Coding.coder_id,
            Coding.id,
            Coding.document_id,
            Coding.start,
            Coding.end,
            Coding.code_id,
            Coding.memo,
        ).where(
            Coding.coder_id.in_(list(ids)),
            Coding.document_id.in_(list(scope.documents)),
            Coding.code_id.in_(codes[chunk : chunk + 500]),
        )
        for coder, *row in session.execute(query.order_by(Coding.start, Coding.id)):
            out[ids[coder]].append(Row(*row))
    return out


def by_document(rows: list[Row]) -> dict[int, list[Row]]:
    """Rows grouped by document, in their order."""
    out: dict[int, list[Row]] = {}
    for row in rows:
        out.setdefault(row.document_id, []).append(row)
    return out
