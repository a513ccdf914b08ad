"""Counts in the words of messages: '1 coding', '2 codings', '1,204 words'."""

from __future__ import annotations


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """``count`` and the noun, singular for exactly one ('1 comment', '2 comments')."""
    return f"{count:,} {noun if count == 1 else (nouns or noun + 's')}"
