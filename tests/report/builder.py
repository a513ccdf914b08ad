"""A small constructed project whose report tables are computed by hand in the tests.

Two cases, four participants (two roles), one interview each, interviewer turns,
sentences, a code tree with two groups and an unused code, two coders, a span
coded twice (two coders), a span with two codes, an overlapping coding and two
coding links. The comments give every coding, so the tests' expected tables can
be checked against this file by reading it.

    doc        participant  role      case      turn  sentence  label code       coder
    anna.txt   Anna         citizen   Care      0(I)  0         c0    Avoidance  ana   (interviewer)
                                                1     0         c1    Avoidance  ana
                                                1     0         c2    Avoidance  bo    (same span)
                                                1     1         c3    Escalation ana
                                                1     1         c4    Incl. vs q ana   (same span)
                                                3     0         c5    Incl. vs q bo
    ben.txt    Ben          servant   Care      1     0         c6    Escalation ana
                                                1     1         c7    Eff. vs d. ana
                                                1     0->1      c8    Avoidance  bo    (c6, c7)
    cleo.txt   Cleo         citizen   Mobility  1     0         c9    Avoidance  ana
                                                1     1         c10   Avoidance  ana
    dirk.txt   Dirk         servant   Mobility  0(I)  0         c11   Escalation ana   (interviewer)
    links: c3 -> c4 (Escalation copes with Inclusion vs quality), c6 -> c7
    Balancing and Trust are never coded.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from qualcope import sentence_bounds
from qualcope.db.models import (
    Case,
    Code,
    Coder,
    Coding,
    CodingLink,
    Document,
    Participant,
    Segment,
)
from qualcope.domain import name_key
from qualcope.services.project import Project

CITIZEN = "citizen co-producer"
SERVANT = "public servant"
STRATEGIES = "Coping strategies"
CONFLICTS = "Value conflicts"
AVOID = "Coping strategies/Avoidance"
ESCAL = "Coping strategies/Escalation"
BALANCE = "Coping strategies/Balancing"
INCL = "Value conflicts/Inclusion vs quality"
EFFIC = "Value conflicts/Efficiency vs democracy"
TRUST = "Trust"

CODES = [  # (path, kind)
    (STRATEGIES, "group"),
    (AVOID, "code"),
    (ESCAL, "code"),
    (BALANCE, "code"),
    (CONFLICTS, "group"),
    (INCL, "code"),
    (EFFIC, "code"),
    (TRUST, "code"),
]

DOCUMENTS = {  # name: (participant, role, case, turns)
    "anna.txt": (
        "Anna",
        CITIZEN,
        "Care",
        [
            ("Interviewer", ["Did you ever give up?"]),
            ("Anna", ["I stopped going.", "I wrote to the alderman."]),
            ("Interviewer", ["And then?"]),
            ("Anna", ["We lost half the volunteers."]),
        ],
    ),
    "ben.txt": (
        "Ben",
        SERVANT,
        "Care",
        [
            ("Interviewer", ["What did you do?"]),
            ("Ben", ["I escalated it.", "Too slow and undemocratic."]),
        ],
    ),
    "cleo.txt": (
        "Cleo",
        CITIZEN,
        "Mobility",
        [
            ("Interviewer", ["Tell me."]),
            ("Cleo", ["I dropped out.", "I stayed away from it all."]),
        ],
    ),
    "dirk.txt": (
        "Dirk",
        SERVANT,
        "Mobility",
        [
            ("Interviewer", ["Did you escalate it to the alderman?"]),
            ("Dirk", ["No, never."]),
        ],
    ),
}

CODINGS = [  # label, document, turn, sentence (or (from, to) sentences), code, coder
    ("c0", "anna.txt", 0, 0, AVOID, "ana"),
    ("c1", "anna.txt", 1, 0, AVOID, "ana"),
    ("c2", "anna.txt", 1, 0, AVOID, "bo"),
    ("c3", "anna.txt", 1, 1, ESCAL, "ana"),
    ("c4", "anna.txt", 1, 1, INCL, "ana"),
    ("c5", "anna.txt", 3, 0, INCL, "bo"),
    ("c6", "ben.txt", 1, 0, ESCAL, "ana"),
    ("c7", "ben.txt", 1, 1, EFFIC, "ana"),
    ("c8", "ben.txt", 1, (0, 1), AVOID, "bo"),
    ("c9", "cleo.txt", 1, 0, AVOID, "ana"),
    ("c10", "cleo.txt", 1, 1, AVOID, "ana"),
    ("c11", "dirk.txt", 0, 0, ESCAL, "ana"),
]
LINKS = [("c3", "c4"), ("c6", "c7")]


@dataclass
class Built:
    codings: dict[str, int] = field(default_factory=dict)
    documents: dict[str, int] = field(default_factory=dict)
    codes: dict[str, int] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)


def _layout(turns: list[tuple[str, list[str]]]) -> tuple[str, list[tuple[int, int, list]]]:
    """The text and, per turn, (start, end, [(start, end) per sentence])."""
    text, spans = "", []
    for speaker, sentences in turns:
        start = len(text)
        text += f"{speaker}: "
        sentence_spans = []
        for i, sentence in enumerate(sentences):
            if i:
                text += " "
            sentence_spans.append((len(text), len(text) + len(sentence)))
            text += sentence
        spans.append((start, len(text), sentence_spans))
        text += "\n"
    return text, spans


def build_project(project: Project) -> Built:
    """Fill an empty project with the table above (ORM, one unit of work)."""
    built = Built()
    with project.write("build report fixture") as session:
        coders = {name: Coder(name=name) for name in ("ana", "bo")}
        session.add_all(coders.values())
        for order, (path, kind) in enumerate(CODES):
            *parents, name = path.split("/")
            parent_id = built.codes["/".join(parents)] if parents else None
            code = Code(
                name=name, name_key=name_key(name), kind=kind, parent_id=parent_id, sort_order=order
            )
            session.add(code)
            session.flush()
            built.codes[path] = code.id
        cases = {name: Case(name=name) for name in ("Care", "Mobility")}
        session.add_all(cases.values())
        session.flush()
        layouts = {}
        for doc_name, (label, role, case, turns) in DOCUMENTS.items():
            person = Participant(label=label, role=role, case_id=cases[case].id)
            session.add(person)
            session.flush()
            text, spans = _layout(turns)
            document = Document(
                name=doc_name,
                content_hash=doc_name,
                text=text,
                participant_id=person.id,
                case_id=cases[case].id,
                word_count=len(text.split()),
            )
            session.add(document)
            session.flush()
            built.documents[doc_name] = document.id
            built.texts[doc_name] = text
            layouts[doc_name] = spans
            for index, ((speaker, _), (start, end, _)) in enumerate(zip(turns, spans, strict=True)):
                turn = Segment(
                    document_id=document.id,
                    kind="turn",
                    start=start,
                    end=end,
                    speaker=speaker,
                    is_interviewer=speaker == "Interviewer",
                    turn_index=index,
                )
                session.add(turn)
                session.flush()
            document.sentence_bounds = sentence_bounds.pack(
                sentence for _, _, sentences in spans for sentence in sentences
            )
        session.flush()
        for label, doc_name, turn, sentence, path, coder in CODINGS:
            sentences = layouts[doc_name][turn][2]
            if isinstance(sentence, tuple):  # from the middle of one sentence into another
                start = sentences[sentence[0]][0] + 2
                end = sentences[sentence[1]][0] + 5
            else:
                start, end = sentences[sentence]
            text = built.texts[doc_name]
            coding = Coding(
                document_id=built.documents[doc_name],
                start=start,
                end=end,
                snippet=text[start:end],
                code_id=built.codes[path],
                coder_id=coders[coder].id,
            )
            session.add(coding)
            session.flush()
            built.codings[label] = coding.id
        for source, target in LINKS:
            session.add(
                CodingLink(
                    source_coding_id=built.codings[source],
                    target_coding_id=built.codings[target],
                    coder_id=coders["ana"].id,
                )
            )
    return built
