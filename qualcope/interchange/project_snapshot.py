"""A whole project as exchange formats see it: plain, frozen values, no database.

The REFI-QDA reader and writer (``refi_project``) and the QualCoder reader (``qualcoder``)
turn files into an ``ExchangeProject`` and back; ``services.exchange`` stores one in a
qualcope project or builds one from it, in one transaction. Positions are code points of
the source's ``text`` as the other tool has it (its line endings kept, no byte-order mark),
end-exclusive: qualcope's offset map converts them when the text is stored.

What a tool has that qualcope has no place for is listed in ``skipped`` (a picture source,
a graph) so the import can say so; what a reader had to assume (who made a highlight the
file does not attribute) is in ``remarks``. What qualcope has that REFI-QDA has no element
for (turns, sentences, finished marks, a link's favoured value) travels in ``extension``, a
JSON-able mapping written as a separate part of the archive that other tools ignore.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from qualcope.domain import CodebookSpec


@dataclass(frozen=True)
class ExchangeUser:
    guid: str
    name: str


# Selections and codings come by the ten thousand: slotted, they take less memory and less
# time to make and to free.
@dataclass(frozen=True, slots=True)
class ExchangeCoding:
    """One code applied to one selection by one user."""

    guid: str
    code_guid: str
    user_guid: str | None = None
    created: datetime | None = None
    memo: str = ""


@dataclass(frozen=True, slots=True)
class ExchangeSelection:
    """A span of a source's text, its codings and the notes written on it.

    ``quote`` is the selected text when the tool records it (QualCoder's ``seltext``; a REFI
    selection's ``name`` often holds it), '' when unknown: it is checked against the text.
    """

    guid: str
    start: int
    end: int
    quote: str = ""
    user_guid: str | None = None
    created: datetime | None = None
    codings: tuple[ExchangeCoding, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ExchangeSource:
    """A text source: its text as the other tool has it, and its selections."""

    guid: str
    name: str
    text: str
    selections: tuple[ExchangeSelection, ...] = ()
    variables: dict[str, str] = field(default_factory=dict)  # variable name -> value
    memo: str = ""
    user_guid: str | None = None
    created: datetime | None = None
    # The text begins with the file's byte-order mark, because the tool counted it in the
    # positions (``refi_read``); normalising removes it and maps the positions.
    bom_counted: bool = False
    # Line breaks the reader wrote into the text where the tool's markup broke lines (a
    # Taguette ``<br>``): not in the tool's own text, so the import says so.
    breaks_added: int = 0


@dataclass(frozen=True)
class ExchangeCase:
    """A case of the other tool (often a person): its variables and the sources it holds."""

    guid: str
    name: str
    variables: dict[str, str] = field(default_factory=dict)
    source_guids: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class ExchangeLink:
    """A directed link between two objects (codings, selections, codes) by GUID."""

    guid: str
    origin_guid: str
    target_guid: str
    name: str = ""


@dataclass(frozen=True)
class ExchangeNote:
    """A project-level memo (a journal entry, a REFI note nothing points at)."""

    guid: str
    text: str
    name: str = ""
    user_guid: str | None = None
    created: datetime | None = None


@dataclass(frozen=True)
class ExchangeProject:
    """Everything a project file holds that qualcope can take, and what it could not."""

    name: str
    origin: str = ""  # the tool that wrote it ("qc 1.3.2", "QualCoder 3.6")
    users: tuple[ExchangeUser, ...] = ()
    codebook: CodebookSpec = field(default_factory=lambda: CodebookSpec(name="Codebook"))
    sources: tuple[ExchangeSource, ...] = ()
    cases: tuple[ExchangeCase, ...] = ()
    links: tuple[ExchangeLink, ...] = ()
    notes: tuple[ExchangeNote, ...] = ()
    skipped: tuple[str, ...] = ()  # "2 picture sources", "1 graph": what was not imported
    remarks: tuple[str, ...] = ()  # what the reader assumed for the file ("the coder of ...")
    extension: dict[str, Any] = field(default_factory=dict)
