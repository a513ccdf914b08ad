"""Storing an ``ExchangeProject`` (a REFI-QDA or QualCoder project) in a qualcope project.

One transaction: everything lands, or nothing does. The target project must be empty (no
documents, no codes): ``qualcope import project FILE --into NEW.db`` makes a new one.
Sources are prepared first (``exchange_prepare``), then coders, codes (their GUIDs and
colours kept; names the qualcope rules refuse, such as two siblings differing only by case,
renamed and listed), cases and participants, documents, and the codings, links and memos
(``exchange_codings``) are stored. A project qualcope wrote comes back exactly as it was.
"""

from __future__ import annotations

import base64
from collections import defaultdict
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qualcope.db.models import (
    Case,
    Code,
    Coder,
    Document,
    Participant,
)
from qualcope.domain import CodeSpec, SegmentSpec, name_key
from qualcope.errors import ImportFileError
from qualcope.ingest.vocabulary import Vocabulary
from qualcope.interchange.project_snapshot import ExchangeProject
from qualcope.services.exchange_codings import (
    store_codings,
    store_finished,
    store_links,
    store_memos,
)
from qualcope.services.exchange_prepare import ExchangeImport, Ready, prepare_sources
from qualcope.services.import_store import store_document
from qualcope.services.project import Project

ROLE_VARIABLES = ("role", "actor role", "rol")
CASE_VARIABLES = ("case", "casus")


def import_snapshot(
    project: Project, snapshot: ExchangeProject, *, source: Path, lenient: bool = False
) -> ExchangeImport:
    """Store ``snapshot`` in the (empty) project, in one transaction."""
    _refuse_non_empty(project, source)
    report = ExchangeImport()
    report.notes.extend(f"not imported: {item}" for item in snapshot.skipped)
    report.notes.extend(snapshot.remarks)
    report.notes.extend(
        f"source {item.name!r}: {item.breaks_added} line break"
        f"{'s' if item.breaks_added != 1 else ''} written where its markup broke lines "
        f"(a <br>, a new paragraph) and {snapshot.origin or 'the tool'}'s text has none; "
        "every coding keeps its words"
        for item in snapshot.sources
        if item.breaks_added
    )
    report.notes.extend(
        f"source {item.name!r}: its positions count the byte-order mark of its text file "
        "as a character (its quotes say so); read that way"
        for item in snapshot.sources
        if item.bom_counted
    )
    prepared = prepare_sources(snapshot, source, report)
    with project.write(f"import project {source.name}", undoable=False) as session:
        users = _coders(session, snapshot, report)
        codes = _codes(session, snapshot.codebook.codes, report)
        places = _cases(session, snapshot, report)
        documents = _documents(session, snapshot, prepared, places, report)
        codings = store_codings(
            session, snapshot, documents, codes, users, project, report, lenient
        )
        store_links(session, snapshot, codings, codes, users, report)
        store_memos(session, snapshot, documents, codes, users, project, report)
        store_finished(session, snapshot, documents, users)
    return report


def _refuse_non_empty(project: Project, source: Path) -> None:
    with project.read() as session:
        documents = session.scalar(select(func.count()).select_from(Document)) or 0
        codes = session.scalar(select(func.count()).select_from(Code)) or 0
    if documents or codes:
        raise ImportFileError(
            f"the project {project.location} already has {documents} documents and {codes} "
            "codes: import a whole project into a new one with --into NEW.db",
            path=source,
        )


def _documents(
    session: Session,
    snapshot: ExchangeProject,
    prepared: list[Ready],
    places: dict[str, tuple[int | None, int | None]],
    report: ExchangeImport,
) -> dict[str, tuple[int, Ready]]:
    """Source GUID -> (document id, its preparation). Sources of the same text (one copy per
    coder, as teams working in NVivo make them) are one document holding the codings of all;
    each keeps its own preparation, so its positions convert from its own text."""
    names: set[str] = set()
    seen: dict[str, Ready] = {}
    out: dict[str, tuple[int, Ready]] = {}
    for ready in prepared:
        source, stored = ready.source, ready.extension or {}
        first = seen.get(ready.prepared.digest)
        if first is not None:
            out[source.guid] = (out[first.source.guid][0], ready)
            moved = places.get(source.guid, (None, None)) != places.get(
                first.source.guid, (None, None)
            )
            report.notes.append(
                f"source {source.name!r} has the same text as {first.source.name!r}: one "
                "document holds the codings of both"
                + (f" (with the case of {first.source.name!r})" if moved else "")
            )
            continue
        seen[ready.prepared.digest] = ready
        case_id, participant_id = places.get(source.guid, (None, None))
        overrides: dict[str, Any] = {
            "guid": source.guid,
            "case_id": case_id,
            "participant_id": participant_id,
            "attributes": dict(stored.get("attributes") or _attributes(source.variables)),
        }
        segments = None
        if stored:
            overrides.update(
                source_format=stored.get("source_format") or "txt",
                encoding=stored.get("encoding") or "",
                original_filename=stored.get("original_filename") or "",
                import_report=stored.get("import_report") or {},
                sentence_bounds=_bytes(stored.get("sentence_bounds")),
                offset_map=_bytes(stored.get("offset_map")),
            )
            segments = [
                SegmentSpec(kind, start, end, speaker, bool(mark), index, meta)
                for kind, start, end, speaker, mark, index, meta in stored.get("segments") or []
            ]
        document_id, _ = store_document(
            session, ready.prepared, names, overrides=overrides, segments=segments
        )
        out[source.guid] = (document_id, ready)
        report.counts["sources"] += 1
    return out


def _bytes(value: str | None) -> bytes | None:
    return base64.b64decode(value) if value else None


def _attributes(variables: dict[str, str]) -> dict[str, str]:
    """A source's variables as document attributes (role and case have their own place)."""
    return {
        name: value
        for name, value in variables.items()
        if value and name.casefold() not in ROLE_VARIABLES + CASE_VARIABLES
    }


# ------------------------------------------------------------ people, codes
def _coders(session: Session, snapshot: ExchangeProject, report: ExchangeImport) -> dict[str, int]:
    """User GUID -> coder id. A coder of the project with the user's name is that coder (the
    one importing, or the same person again); two users of the file with one name are two
    people, kept apart (the second named with the start of its GUID) and said."""
    out: dict[str, int] = {}
    taken: set[str] = set()
    for user in snapshot.users:
        name = " ".join(user.name.split())[:200] or "user"
        if name in taken:
            unique = f"{name} ({user.guid[:8]})"
            report.notes.append(
                f"two users of the file are named {name!r}: the second is coder {unique!r}"
            )
            name = unique
        taken.add(name)
        found = session.scalar(select(Coder).where(Coder.name == name))
        if found is None:
            found = Coder(name=name)
            if session.scalar(select(Coder.id).where(Coder.guid == user.guid)) is None:
                found.guid = user.guid
            session.add(found)
            session.flush()
        report.counts["coders"] += 1  # each user of the file, new or the importing coder
        out[user.guid] = found.id
    return out


def _codes(session: Session, codes: tuple[CodeSpec, ...], report: ExchangeImport) -> dict[str, int]:
    """Code GUID -> code id; the tree stored parents first, names made unique per parent."""
    out: dict[str, int] = {}
    shortcuts: set[str] = set()
    stack: list[tuple[CodeSpec, int | None, int]] = [
        (code, None, index) for index, code in reversed(list(enumerate(codes)))
    ]
    keys: dict[int | None, set[str]] = defaultdict(set)
    while stack:
        spec, parent, index = stack.pop()
        name = " ".join(spec.name.split())[:200] or "code"
        unique, number = name, 2
        while name_key(unique) in keys[parent]:
            unique, number = f"{name} ({number})", number + 1
        if unique != name:
            report.notes.append(f"code {name!r} renamed {unique!r}: names are unique per parent")
        keys[parent].add(name_key(unique))
        shortcut = spec.shortcut
        if shortcut and shortcut in shortcuts:
            report.notes.append(f"code {unique!r}: shortcut {shortcut!r} is taken; left out")
            shortcut = None
        if shortcut:
            shortcuts.add(shortcut)
        code = Code(
            parent_id=parent,
            name=unique,
            name_key=name_key(unique),
            kind=spec.kind,
            definition=spec.definition,
            inclusion=spec.inclusion,
            exclusion=spec.exclusion,
            example=spec.example,
            colour=spec.colour,
            shortcut=shortcut,
            cues={lang: list(phrases) for lang, phrases in spec.cues.items()},
            sort_order=index,
        )
        if spec.guid and spec.guid not in out:
            code.guid = spec.guid
        session.add(code)
        session.flush()
        out[spec.guid or code.guid] = code.id
        report.counts["codes"] += 1
        stack.extend((c, code.id, i) for i, c in reversed(list(enumerate(spec.children))))
    return out


def _cases(
    session: Session, snapshot: ExchangeProject, report: ExchangeImport
) -> dict[str, tuple[int | None, int | None]]:
    """Source GUID -> (case id, participant id).

    A project qualcope wrote restores its cases and participants exactly; another tool's
    case becomes a participant, its 'role' and 'case' variables its role and qualcope case,
    its other variables the participant's attributes.
    """
    extension = snapshot.extension or {}
    cases: dict[str, int] = {}
    people: dict[str, int] = {}
    for item in extension.get("cases") or []:
        case = Case(guid=item["guid"], name=item["name"], description=item.get("description", ""))
        session.add(case)
        session.flush()
        cases[item["guid"]] = case.id
    if extension.get("participants") is not None:
        for item in extension["participants"]:
            person = Participant(
                guid=item["guid"],
                label=item["label"],
                role=item.get("role"),
                case_id=cases.get(item.get("case") or ""),
                attributes=item.get("attributes") or {},
            )
            session.add(person)
            session.flush()
            people[item["guid"]] = person.id
            report.counts["cases"] += 1  # a REFI case each, as the export counted them
        saved = extension.get("documents") or {}
        return {
            guid: (cases.get(doc.get("case") or ""), people.get(doc.get("participant") or ""))
            for guid, doc in saved.items()
        }
    places: dict[str, tuple[int | None, int | None]] = {}
    spelled = Vocabulary()
    for exchange_case in snapshot.cases:
        variables = {k.casefold(): v for k, v in exchange_case.variables.items()}
        role = next((variables[k] for k in ROLE_VARIABLES if variables.get(k)), None)
        case_name = next((variables[k] for k in CASE_VARIABLES if variables.get(k)), None)
        for kind, value in (("role", role), ("case", case_name)):
            # Kept as written (a transcript import refuses it): reports count two spellings
            # apart, so the user must hear of it.
            alike = spelled.add(kind, value) if value else None
            if alike is not None:
                report.notes.append(
                    f"{kind} {value.strip()!r} is spelled like the {kind} {alike!r} of another "
                    f"case: both are kept as written, so reports count them as two {kind}s"
                )
        case_id = None
        if case_name:
            case_id = session.scalar(select(Case.id).where(Case.name == case_name))
            if case_id is None:
                case = Case(name=case_name)
                session.add(case)
                session.flush()
                case_id = case.id
        label = " ".join(exchange_case.name.split())[:200] or "case"
        if label != exchange_case.name.strip() and len(exchange_case.name.strip()) > 200:
            report.notes.append(f"case {label[:40]!r}...: its name is cut to 200 characters")
        if session.scalar(select(Participant.id).where(Participant.label == label)) is not None:
            unique = f"{label} ({exchange_case.guid[:8]})"
            report.notes.append(
                f"case {label!r} is named twice: the second is participant {unique!r}"
            )
            label = unique
        person = Participant(
            label=label,
            role=role,
            case_id=case_id,
            attributes=_attributes(exchange_case.variables),
        )
        if (
            session.scalar(select(Participant.id).where(Participant.guid == exchange_case.guid))
            is None
        ):
            person.guid = exchange_case.guid
        session.add(person)
        session.flush()
        report.counts["cases"] += 1
        for source in exchange_case.source_guids:
            if source in places:
                report.notes.append(
                    f"source {source} is in more than one case: it stays with the first"
                )
                continue
            places[source] = (case_id, person.id)
    return places
