"""Sources of an exchange import made ready to store, before the write lock is taken.

Each source's text is normalised once, like an imported file's, with the offset map that
converts the other tool's positions; its turns are found, its sentences split. A project
qualcope wrote brings its own turns, sentences and map in its extension (restored later);
its text is already canonical, which is checked.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qualcope.ingest.base import Transcript
from qualcope.ingest.manifest import ImportItem
from qualcope.ingest.normalise import describe_changes, normalise
from qualcope.ingest.offsets import OffsetMap
from qualcope.ingest.prepare import Prepared, prepare_transcripts
from qualcope.ingest.turns import find_turns
from qualcope.interchange.project_snapshot import ExchangeProject, ExchangeSource


@dataclass
class ExchangeImport:
    """What an exchange import brought in, per kind, and what it left out or changed."""

    counts: Counter[str] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)
    # Per source whose turns were found here: (name, (speaker, turns, interviewer?) ...), as
    # a transcript import shows them, so a wrong or missing interviewer is seen at once.
    speakers: list[tuple[str, tuple[tuple[str, int, bool], ...]]] = field(default_factory=list)


@dataclass
class Ready:
    """A source made ready to store: the prepared transcript, and how positions convert."""

    source: ExchangeSource
    prepared: Prepared
    offsets: OffsetMap
    extension: dict[str, Any] | None


def prepare_sources(snapshot: ExchangeProject, path: Path, report: ExchangeImport) -> list[Ready]:
    """Texts normalised, turns found (or restored), sentences split: before the write lock."""
    saved = (snapshot.extension or {}).get("documents") or {}
    read: list[tuple[ImportItem, Transcript | Prepared]] = []
    extras: list[tuple[ExchangeSource, OffsetMap, dict[str, Any] | None]] = []
    texts: set[str] = set()
    for source in snapshot.sources:
        stored = saved.get(source.guid)
        done = normalise(source.text)
        if stored is not None and done.text != source.text:
            stored = None  # not the text qualcope wrote: treat as another tool's
        if not done.text.strip():
            report.notes.append(f"not imported: source {source.name!r} has no text")
            continue
        if done.changes:  # said, as for an imported file; the offset map keeps every position
            report.notes.append(
                f"source {source.name!r}: changed in the text: {describe_changes(done.changes)}; "
                "positions are mapped, every coding keeps its characters"
            )
        layout = find_turns(done.text)
        # Said once per text: qualcope's own export brings its turns (nothing was guessed),
        # and a copy of a text already read becomes that text's document.
        told = stored is not None or done.text in texts
        texts.add(done.text)
        if not told:
            report.notes.extend(
                f"source {source.name!r}, line {note.line}: {note.label!r} looks like a speaker "
                f"label but was not taken; its words stay in {note.kept_in} (if it is one: "
                f"qualcope document resegment {source.name!r} --speaker {note.label!r})"
                for note in layout.notes
            )
        transcript = Transcript(
            text=done.text,
            turns=tuple(layout.turns),
            source_format=str((stored or {}).get("source_format") or "txt"),
            encoding="utf-8",
            offsets=done.offsets,
            changes=done.changes,
            preambles=tuple(layout.preambles),
            label_notes=tuple(str(note) for note in layout.notes),
        )
        if not told:
            report.speakers.append((source.name, transcript.speakers))
        language = (stored or {}).get("language")
        item = ImportItem(path=path, lang=language, name=source.name)
        read.append((item, transcript))
        extras.append((source, done.offsets, stored))
    prepared = prepare_transcripts(read)
    return [
        Ready(source, ready, offsets, stored)
        for ready, (source, offsets, stored) in zip(prepared, extras, strict=True)
    ]
