"""Turn detection: tidy transcripts keep the turns they always had; no text is ever lost.

``reference_detect_turns`` is the former implementation (before joint, qualified and
film-style labels and preambles): on tidy transcripts (the sample corpus, the import
benchmark's generated corpus) the labelled turns must not change. On fuzzed label-heavy
texts the new detector must keep every character: each non-space character lies in a turn,
a preamble or a label, turns are ordered and never overlap.
"""

from __future__ import annotations

import random
import re
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pytest

from qualcope.domain import SegmentSpec
from qualcope.ingest.normalise import normalise
from qualcope.ingest.turns import find_turns, seconds

REPO = Path(__file__).resolve().parents[2]

_TIME = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
FORMER_LABEL_LINE = re.compile(
    rf"""
    ^[ \t]*
    (?:[\[(]?(?P<ts1>{_TIME})[\])]?[ \t]+)?
    (?:
        \*\*(?P<md>[^*\n]{{1,40}}?)[ \t]*(?::[ \t]*\*\*|\*\*[ \t]*:)
      | \[(?P<br>[^\]\n]{{1,40}})\](?:[ \t]*:)?
      | (?P<plain>[^\W\d_][^:\n]{{0,39}}?)[ \t]*(?:[\[(](?P<ts2>{_TIME})[\])][ \t]*)?:
        (?=[ \t]|$)
      | (?P<alone>[^\W\d_][^:\n]{{0,39}}?)[ \t]+(?P<ts3>{_TIME})[ \t]*$
    )
    [ \t]*
    """,
    re.VERBOSE | re.MULTILINE,
)
FORMER_INTERVIEWER = set("interviewer interviewster interviewers i int q question".split())
FORMER_INTERVIEWER |= set("moderator facilitator researcher onderzoeker vraag".split())
FORMER_RESPONDENT = set("respondent r a answer interviewee participant".split())
FORMER_RESPONDENT |= set("geïnterviewde antwoord deelnemer p".split())
FORMER_NOT_SPEAKERS = set(
    "note nb ps update edit example tip warning important summary title date location place "
    "time duration subject topic re aside transcript recording source".split()
)
FORMER_NOTES = set("laughs laughter inaudible pause crosstalk silence unclear coughs".split())


def key(label: str) -> str:
    return " ".join(label.split()).casefold()


def first(k: str) -> str:
    return re.split(r"[\s\d#(]", k, maxsplit=1)[0]


def reference_candidate(match: re.Match[str]) -> tuple[str, str | None] | None:
    label = match.group("md") or match.group("br") or match.group("plain") or match.group("alone")
    if label is None:
        return None
    label = " ".join(label.strip().split())
    if not label or len(label) > 40 or len(label.split()) > 4:
        return None
    if not re.fullmatch(r"[^\W\d_][\w .'’\-]*", label):
        return None
    if match.group("br") is not None and (
        not label[0].isupper() or label.casefold() in FORMER_NOTES
    ):
        return None
    return label, match.group("ts1") or match.group("ts2") or match.group("ts3")


def reference_detect_turns(text: str, interviewers: Sequence[str] = ()) -> list[SegmentSpec]:
    """The labelled turns the former detector found (its speakerless preamble turns left out)."""
    found = []
    for match in FORMER_LABEL_LINE.finditer(text):
        candidate = reference_candidate(match)
        if candidate is not None:
            found.append((match.start(), match.end(), *candidate))
    counts = Counter(key(c[2]) for c in found)
    sure = {
        k for k in counts if counts[k] >= 2 or first(k) in FORMER_INTERVIEWER | FORMER_RESPONDENT
    }
    names = {
        key(c[2])
        for c in found
        if all(w[:1].isupper() for w in c[2].split()) and key(c[2]) not in FORMER_NOT_SPEAKERS
    }
    speakers = sure | names if sure else set()
    given = {key(n) for n in interviewers}
    labels = [c for c in found if key(c[2]) in speakers]
    turns = []
    for index, (_line, content, label, stamp) in enumerate(labels):
        end = labels[index + 1][0] if index + 1 < len(labels) else len(text)
        chunk = text[content:end]
        start, stop = content + len(chunk) - len(chunk.lstrip()), content + len(chunk.rstrip())
        if stop > start:
            interviewer = key(label) in given or first(key(label)) in FORMER_INTERVIEWER
            meta = {"start": seconds(stamp)} if stamp else None
            turns.append(SegmentSpec("turn", start, stop, label, interviewer, len(turns), meta))
    return turns


def assert_same_labelled_turns(text: str, interviewers: Sequence[str] = ()) -> int:
    expected = reference_detect_turns(text, interviewers)
    if not expected:
        return 0
    got = find_turns(text, interviewers).turns
    assert got == expected, text[:200]
    return len(got)


def sample_texts() -> list[str]:
    paths = sorted((REPO / "sample_corpus").glob("*.txt")) + sorted(
        (REPO / "sample_corpus" / "src").glob("*.txt")
    )
    assert len(paths) >= 7
    return [normalise(path.read_text(encoding="utf-8")).text for path in paths]


@pytest.mark.parametrize("interviewers", [(), ("Marleen",), ("Ana", "respondent")])
def test_the_sample_corpus_keeps_its_turns(interviewers: tuple[str, ...]) -> None:
    count = 0
    for text in sample_texts():
        count += assert_same_labelled_turns(text, interviewers)
        count += assert_same_labelled_turns(normalise(text.replace("\n", "\r\n")).text)
        assert_same_labelled_turns(" " + text.replace("\n\n", "\n \n"), interviewers)
    assert count > 200


def test_the_generated_benchmark_corpus_keeps_its_turns(tmp_path: Path) -> None:
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        import bench_import
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    bench_import.generate(tmp_path, 50_000, 10)
    count = 0
    for path in sorted(tmp_path.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        count += assert_same_labelled_turns(text)
        assert_same_labelled_turns(text, ("Interviewer",))
    assert count > 1000


NAMES = ["Ana", "Ben", "ANA", "ana", "Zoë", "Dr. Smith", "Respondent 3", "Mary-Jo", "O'Neil"]
NAMES += ["I", "R", "Q", "Interviewer", "INTERVIEWER", "Moderator", "P1 (Mother)", "P1/P2"]
NAMES += ["Note", "Date", "laughs", "Anne Marie Van der Berg", "Interviewee 1 & Interviewee 2"]
NAMES += ["x" * 61, "Ana 2", "Ana  Bell", "ana bell", "42", "Both", "id1"]
STAMPS = ["00:01:23", "1:23", "01:02:03.5", "12:34,250", "9:99"]
WORDS = "we met twice and then it was: over. Really? [laughs] (01:23) ok Note: yes".split()


def label_line(rng: random.Random) -> str:
    name = rng.choice(NAMES)
    stamp = rng.choice(STAMPS)
    styles = [
        f"{name}:",
        f"[{stamp}] {name}:",
        f"{stamp} {name}:",
        f"{name} ({stamp}):",
        f"**{name}:**",
        f"[{name}]",
        f"{name}  {stamp}",
        name.upper(),
        name,
    ]
    return rng.choice(["", " ", "\t"]) + rng.choice(styles)


def fuzzed_transcript(rng: random.Random) -> str:
    lines: list[str] = []
    for _ in range(rng.randint(0, 40)):
        roll = rng.random()
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 12)))
        if roll < 0.5:
            lines.append(label_line(rng) + rng.choice([" ", "\n", ""]) + words)
        elif roll < 0.75:
            lines.append(words)
        elif roll < 0.9:
            lines.append(rng.choice(["", " ", "\u00a0"]))
        else:
            lines.append(label_line(rng))
    ending = rng.choice(["", "\n", "\nTranscribed by https://otter.ai\n"])
    return rng.choice(["", "\n\n", "Title\n12/03/2023 - 10:00\n\n"]) + "\n".join(lines) + ending


@pytest.mark.parametrize("seed", range(4))
def test_no_character_is_lost_or_counted_twice(seed: int) -> None:
    rng = random.Random(seed)
    labelled = 0
    for _ in range(150):
        text = fuzzed_transcript(rng)
        layout = find_turns(text, rng.choice([(), ("Ana",), ("ana ", "BEN")]))
        spans = sorted([(t.start, t.end) for t in layout.turns + layout.preambles])
        for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
            assert end <= start, text  # ordered, never overlapping
        for segment in layout.turns + layout.preambles:
            body = text[segment.start : segment.end]
            assert body and body == body.strip()
        covered = [False] * len(text)
        for start, end in spans:
            covered[start:end] = [True] * (end - start)
        # What no segment covers is labels: short lines, never a run of words.
        uncovered = "".join(" " if covered[i] else ch for i, ch in enumerate(text))
        for line in uncovered.split("\n"):
            assert len(line.strip()) <= 80 and len(line.split()) <= 9, (text, line)
        labelled += sum(1 for turn in layout.turns if turn.speaker)
    assert labelled > 300
