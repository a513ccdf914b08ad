"""Where a quote stands in a document's stored text, found loosely.

Other tools' exports of coded segments, and spreadsheets coded by hand, give a passage's text
but not its place. A quote is compared with the text as stored (normalised like it: line
endings, accents) with every run of white space as one space, since exports join paragraphs
and wrap lines their own way. Every place it stands is returned: choosing among several is
the caller's decision, never a guess made here.
"""

from __future__ import annotations

from qualcope.ingest.normalise import normalise


def loose_quote(quote: str) -> str:
    """A quote normalised as stored texts are, its white space runs made one space."""
    return " ".join(normalise(quote).text.split())


def cuts_a_word(text: str, start: int, end: int) -> bool:
    """Whether a span begins or ends inside a word ('care' in 'healthcare')."""
    return (0 < start and text[start - 1].isalnum() and text[start].isalnum()) or (
        end < len(text) and text[end - 1].isalnum() and text[end].isalnum()
    )


class QuotePlaces:
    """The places of quotes in documents, each document's loose text made once."""

    def __init__(self) -> None:
        self._loose: dict[int, tuple[str, list[int]]] = {}

    def find(self, wanted: str, document_id: int, text: str) -> list[tuple[int, int]]:
        """Every stored span of ``text`` holding ``wanted`` (a ``loose_quote``)."""
        if not wanted:
            return []
        if document_id not in self._loose:
            self._loose[document_id] = _loose(text)
        loose, index = self._loose[document_id]
        spans = []
        at = loose.find(wanted)
        while at >= 0:
            spans.append((index[at], index[at + len(wanted) - 1] + 1))
            at = loose.find(wanted, at + 1)
        return spans


def _loose(text: str) -> tuple[str, list[int]]:
    """The text with each run of white space made one space, and where each of its
    characters stands in the text."""
    kept: list[str] = []
    index: list[int] = []
    space = False
    for at, char in enumerate(text):
        if char.isspace():
            if space:
                continue
            space, char = True, " "
        else:
            space = False
        kept.append(char)
        index.append(at)
    return "".join(kept), index
