"""Building transcripts for the TUI tests and benchmarks, without the import pipeline.

A transcript is a list of (speaker, is_interviewer, utterance). It is stored
as "Speaker: utterance" paragraphs; each turn segment covers the utterance
and each sentence segment one sentence of it, through
``services.documents.store_segments`` and a ``Document`` row written inside
``project.write`` (the way the import service stores them).
"""

from __future__ import annotations

import hashlib
import random
import re

from sqlalchemy import insert, select

from qualcope.db.models import Case, Coding, Document, Participant
from qualcope.domain import SegmentSpec
from qualcope.services.documents import store_segments
from qualcope.services.project import Project

Turn = tuple[str, bool, str]
_SENTENCE = re.compile(r"[^.!?]+(?:[.!?]+|$)")

SMALL_INTERVIEW: list[Turn] = [
    ("Interviewer", True, "Could you describe your role in the panel?"),
    (
        "Respondent",
        False,
        "I coordinate the citizen panel for the city. The city pays us, but we serve the "
        "process. [laughs] People do not always understand that.",
    ),
    ("Interviewer", True, "What happened when the plan was already fixed?"),
    (
        "Respondent",
        False,
        "I stopped the session plan and wrote to the alderman. He came and explained what "
        "was fixed. We lost people anyway: the young people stopped going to the meetings.",
    ),
    ("Interviewer", True, "Did you have to choose between inclusion and quality?"),
    (
        "Respondent",
        False,
        "All the time. We split it up: slow plenary parts for everybody and a technical "
        "evening for the engineers. Nobody was shut out of the main decisions.",
    ),
]


def sentences_of(text: str, offset: int) -> list[tuple[int, int]]:
    spans = []
    for match in _SENTENCE.finditer(text):
        chunk = match.group()
        lead = len(chunk) - len(chunk.lstrip())
        body = chunk.strip()
        if body:
            start = offset + match.start() + lead
            spans.append((start, start + len(body)))
    return spans


def store_transcript(
    project: Project,
    turns: list[Turn],
    *,
    name: str = "interview.txt",
    case: str | None = "urban mobility planning",
    role: str | None = "project coordinator",
    participant: str | None = "P01",
    language: str = "en",
) -> int:
    """Store a transcript with its turns and sentences; returns the document id."""
    parts: list[str] = []
    specs: list[SegmentSpec] = []
    position = 0
    for index, (speaker, interviewer, utterance) in enumerate(turns):
        prefix = f"{speaker}: "
        start = position + len(prefix)
        parts.append(prefix + utterance + "\n\n")
        specs.append(
            SegmentSpec("turn", start, start + len(utterance), speaker, interviewer, index)
        )
        specs.extend(
            SegmentSpec("sentence", s, e, speaker, interviewer, index)
            for s, e in sentences_of(utterance, start)
        )
        position += len(parts[-1])
    text = "".join(parts)
    with project.write("store test document", undoable=False) as session:
        case_id = participant_id = None
        if case:
            case_id = session.scalar(select(Case.id).where(Case.name == case))
            if case_id is None:
                row = Case(name=case)
                session.add(row)
                session.flush()
                case_id = row.id
        if participant:
            participant_id = session.scalar(
                select(Participant.id).where(Participant.label == participant)
            )
            if participant_id is None:
                person = Participant(label=participant, role=role, case_id=case_id)
                session.add(person)
                session.flush()
                participant_id = person.id
        document = Document(
            name=name,
            original_filename=name,
            content_hash=hashlib.sha256(text.encode()).hexdigest(),
            text=text,
            language=language,
            word_count=len(text.split()),
            case_id=case_id,
            participant_id=participant_id,
        )
        session.add(document)
        session.flush()
        store_segments(session, document.id, specs)
        return int(document.id)


_WORDS = (
    "the panel city budget people meeting session plan inclusion quality we they "
    "time deadline alderman interpreters evening neighbourhood advice model citizens "
    "worked decided lost stopped wrote explained shared fixed open slow fast"
).split()


def synthetic_turns(words: int, seed: int = 7) -> list[Turn]:
    """An interview of about `words` words: short questions, answers of a few sentences."""
    rng = random.Random(seed)
    turns: list[Turn] = []
    total = 0
    while total < words:
        question = " ".join(rng.choice(_WORDS) for _ in range(8)).capitalize() + "?"
        sentences = []
        for _ in range(rng.randint(2, 6)):
            sentence = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(8, 20)))
            sentences.append(sentence.capitalize() + ".")
        answer = " ".join(sentences)
        turns += [("Interviewer", True, question), ("Respondent", False, answer)]
        total += len(question.split()) + len(answer.split())
    return turns


def bulk_codings(project: Project, document_id: int, code_ids: list[int], count: int) -> None:
    """Store `count` codings on sentences of a document (Core insert: fast set-up)."""
    from qualcope.services.documents import list_segments

    sentences = [s for s in list_segments(project, document_id) if s.kind == "sentence"]
    rng = random.Random(3)
    with project.write("bulk codings", undoable=False) as session:
        coder_id = project.coder_id(session)
        text = session.scalar(select(Document.text).where(Document.id == document_id)) or ""
        rows, seen = [], set()
        while len(rows) < count:
            sentence = sentences[len(rows) % len(sentences)]
            code = rng.choice(code_ids)
            key = (sentence.start, sentence.end, code)
            if key in seen:
                code = code_ids[(code_ids.index(code) + 1) % len(code_ids)]
                key = (sentence.start, sentence.end, code)
                if key in seen:
                    continue
            seen.add(key)
            rows.append(
                {
                    "document_id": document_id,
                    "start": sentence.start,
                    "end": sentence.end,
                    "snippet": text[sentence.start : sentence.end],
                    "code_id": code,
                    "coder_id": coder_id,
                    "guid": f"bulk-{document_id}-{len(rows)}",
                }
            )
        session.execute(insert(Coding), rows)
