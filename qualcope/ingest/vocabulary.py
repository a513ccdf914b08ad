"""A study's vocabulary: the roles, cases and attribute names an import may bring.

A manifest (or a flag) may bring new roles, cases and attribute columns: they are created and
listed in the import's summary. A value that differs from a known one only by case, spacing
or punctuation ("Public Servant", "public  servant", "career_stage" for "CareerStage"), or by
a typo (one letter, two in values of ten letters or more: "public servnt"), is refused
with "did you mean", because it would silently split one group of a report into two.
Values that differ only in their numbers or in one short word ("School 1", "School 2";
"Group A", "Group B") are different on purpose; short values (under ``MIN_TYPO_LENGTH``
characters) are compared for case and spacing only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from qualcope.errors import QualcopeError

KINDS = ("role", "case", "attribute")
MIN_TYPO_LENGTH = 5
LONG_VALUE = 10  # from this length two letters may be off, below it one
MAX_TYPO = 2
_LOOSE = re.compile(r"[\s_\-.]+")
_DIGITS = re.compile(r"\d+")


def loose_key(value: str) -> str:
    """The key under which spellings of one value meet: case-folded, no spaces or _-."""
    return _LOOSE.sub("", value.casefold())


def distance(a: str, b: str, limit: int = MAX_TYPO) -> int:
    """Levenshtein distance of two short strings, or ``limit + 1`` once it is larger."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, char in enumerate(a, start=1):
        current = [i]
        for j, other in enumerate(b, start=1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char != other))
            )
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


@dataclass
class Vocabulary:
    """Known values by kind, and the new ones an import brings (in order of first use)."""

    known: dict[str, list[str]] = field(default_factory=lambda: {kind: [] for kind in KINDS})
    allow_similar: bool = False
    new: dict[str, list[str]] = field(default_factory=lambda: {kind: [] for kind in KINDS})

    @classmethod
    def of(cls, allow_similar: bool = False, **known: Iterable[str]) -> Vocabulary:
        vocabulary = cls(allow_similar=allow_similar)
        for kind, values in known.items():
            for value in values:
                if value and value not in vocabulary.known[kind]:
                    vocabulary.known[kind].append(value)
        return vocabulary

    def check(self, kind: str, value: str) -> str:
        """The value to use: a known one, or a new one (recorded); refuses a near-duplicate."""
        value = value.strip()
        if value in self.known[kind]:
            return value
        other = self._spelled_alike(kind, value)
        if other is not None:
            raise QualcopeError(
                f"{kind} {value!r} differs from the known {kind} {other!r} only by case or "
                f"spacing: did you mean {other!r}?"
            )
        other = None if self.allow_similar else self._typo_of(kind, value)
        if other is not None:
            raise QualcopeError(
                f"{kind} {value!r} is close to the known {kind} {other!r}: did you mean "
                f"{other!r}? (a new {kind} that only looks like it: --allow-similar)"
            )
        self.known[kind].append(value)
        self.new[kind].append(value)
        return value

    def add(self, kind: str, value: str) -> str | None:
        """Record ``value`` as it is, refusing nothing; the known value it looks like (by case,
        spacing or a typo), if any, for the caller to tell the user."""
        value = value.strip()
        if value in self.known[kind]:
            return None
        alike = self._spelled_alike(kind, value) or self._typo_of(kind, value)
        self.known[kind].append(value)
        self.new[kind].append(value)
        return alike

    def _spelled_alike(self, kind: str, value: str) -> str | None:
        key = loose_key(value)
        return next((other for other in self.known[kind] if loose_key(other) == key), None)

    def _typo_of(self, kind: str, value: str) -> str | None:
        return next((other for other in self.known[kind] if self._typo(value, other)), None)

    @staticmethod
    def _typo(value: str, other: str) -> bool:
        if min(len(value), len(other)) < MIN_TYPO_LENGTH:
            return False
        if _DIGITS.sub("#", value) == _DIGITS.sub("#", other):
            return False  # a numbered series: School 1, School 2
        words, others = value.casefold().split(), other.casefold().split()
        if len(words) == len(others) > 1:
            differing = [(a, b) for a, b in zip(words, others, strict=True) if a != b]
            if len(differing) == 1 and max(map(len, differing[0])) <= 2:
                return False  # a lettered series: Group A, Group B
        # One letter off in a short word, two in a longer one: "North" is not "South".
        allowed = 1 if min(len(value), len(other)) < LONG_VALUE else MAX_TYPO
        return distance(value.casefold(), other.casefold()) <= allowed
