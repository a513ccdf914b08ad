"""``detect_turns`` gives exactly what its former, simpler implementation gave.

``reference_detect_turns`` is that implementation, unchanged, with the former versions of the
pattern and helpers that changed with it (``FORMER_LABEL_LINE``, ``reference_is_interviewer``,
``reference_accepted_labels``): one ``finditer`` over the text and ``_candidate`` for every
match. The faster one searches only after line breaks and judges each distinct label once;
both are compared field by field (meta included) on the sample corpus, the import
benchmark's generated corpus and seeded label-heavy texts. Unchanged helpers (``_candidate``,
``label_key``, ``seconds``, ``paragraph_turns``) are the module's.
"""

from __future__ import annotations

import random
import re
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

import pytest

from qualcope.domain import SegmentSpec
from qualcope.ingest import turns as turns_module
from qualcope.ingest.base import SUPPORTED_SUFFIXES
from qualcope.ingest.transcript import read_transcript
from qualcope.ingest.turns import (
    _LABEL_LINE,
    _PARAGRAPH,
    INTERVIEWER_KEYS,
    NOT_SPEAKERS,
    RESPONDENT_KEYS,
    _candidate,
    accepted_labels,
    detect_turns,
    is_interviewer,
    label_key,
    paragraph_turns,
    seconds,
)

REPO = Path(__file__).resolve().parents[2]

# The label pattern as it was written before it was split into ``_LABEL`` and two patterns.
_TIME = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
FORMER_LABEL_LINE = re.compile(
    rf"""
    ^[ \t]*
    (?:[\[(]?(?P<ts1>{_TIME})[\])]?[ \t]+)?               # [00:01:23] before the label
    (?:
        \*\*(?P<md>[^*\n]{{1,40}}?)[ \t]*(?::[ \t]*\*\*|\*\*[ \t]*:)   # **Name:** / **Name**:
      | \[(?P<br>[^\]\n]{{1,40}})\](?:[ \t]*:)?                       # [Name] / [Name]:
      | (?P<plain>[^\W\d_][^:\n]{{0,39}}?)[ \t]*(?:[\[(](?P<ts2>{_TIME})[\])][ \t]*)?:
        (?=[ \t]|$)                                                   # Name: / Name (01:23):
      | (?P<alone>[^\W\d_][^:\n]{{0,39}}?)[ \t]+(?P<ts3>{_TIME})[ \t]*$   # Name  0:03 (Otter)
    )
    [ \t]*
    """,
    re.VERBOSE | re.MULTILINE,
)


def reference_is_interviewer(label: str | None, interviewers: Iterable[str] = ()) -> bool:
    """Whether a speaker label names the interviewer (a role word or a name the user gave)."""
    if not label:
        return False
    key = label_key(label)
    if key in {label_key(name) for name in interviewers}:
        return True
    first = re.split(r"[\s\d#(]", key, maxsplit=1)[0]
    return first in INTERVIEWER_KEYS


def reference_known_role(key: str) -> bool:
    first = re.split(r"[\s\d#(]", key, maxsplit=1)[0]
    return first in INTERVIEWER_KEYS or first in RESPONDENT_KEYS


def reference_accepted_labels(labels: Sequence[str]) -> set[str]:
    uses = Counter(labels)  # a transcript repeats few labels many times: work per label
    counts: Counter[str] = Counter()
    for label, n in uses.items():
        counts[label_key(label)] += n
    sure = {key for key in counts if counts[key] >= 2 or reference_known_role(key)}
    if not sure:
        return set()
    names = {
        label_key(label)
        for label in uses
        if all(word[:1].isupper() for word in label.split())
        and label_key(label) not in NOT_SPEAKERS
    }
    return sure | names


def reference_detect_turns(text: str, interviewers: Sequence[str] = ()) -> list[SegmentSpec]:
    """Speaker turns of a canonical text (offsets into ``text``)."""
    candidates: list[tuple[int, int, str, str | None]] = []  # line start, content start, ...
    for match in FORMER_LABEL_LINE.finditer(text):
        found = _candidate(match)
        if found is not None:
            candidates.append((match.start(), match.end(), found[0], found[1]))
    speakers = reference_accepted_labels([c[2] for c in candidates])
    marks: dict[str, bool] = {}  # label -> interviewer?, computed once per label
    for label in {c[2] for c in candidates}:
        if label_key(label) in speakers:
            marks[label] = reference_is_interviewer(label, interviewers)
    labels = [c for c in candidates if c[2] in marks]
    if not labels:
        return paragraph_turns(text)
    turns: list[SegmentSpec] = []
    preamble_end = labels[0][0]
    for match in _PARAGRAPH.finditer(text, 0, preamble_end):
        turns.append(SegmentSpec("turn", match.start(), match.end(), turn_index=len(turns)))
    for index, (_line, content, label, stamp) in enumerate(labels):
        end = labels[index + 1][0] if index + 1 < len(labels) else len(text)
        chunk = text[content:end]
        start = content + (len(chunk) - len(chunk.lstrip()))
        stop = content + len(chunk.rstrip())
        if stop <= start:
            continue
        turns.append(
            SegmentSpec(
                "turn",
                start,
                stop,
                speaker=label,
                is_interviewer=marks[label],
                turn_index=len(turns),
                meta={"start": seconds(stamp)} if stamp else None,
            )
        )
    return turns


def assert_same(text: str, interviewers: Sequence[str] = ()) -> list[SegmentSpec]:
    expected = reference_detect_turns(text, interviewers)
    got = detect_turns(text, interviewers)
    assert got == expected, text
    assert [list(vars(t).items()) for t in got] == [list(vars(t).items()) for t in expected]
    return got


def test_the_label_pattern_is_unchanged() -> None:
    def squeeze(pattern: str) -> str:
        return re.sub(r"\s+", "", pattern)

    assert squeeze(_LABEL_LINE.pattern) == squeeze(FORMER_LABEL_LINE.pattern)
    assert _LABEL_LINE.flags == FORMER_LABEL_LINE.flags
    assert _LABEL_LINE.groupindex == FORMER_LABEL_LINE.groupindex
    assert (
        squeeze(turns_module._NEXT_LABEL_LINE.pattern) == "\\n" + squeeze(_LABEL_LINE.pattern)[1:]
    )


def sample_texts() -> list[str]:
    paths = sorted(
        path
        for path in (REPO / "sample_corpus").rglob("*")
        if path.suffix.lower() in SUPPORTED_SUFFIXES and path.is_file()
    )
    assert len(paths) >= 12
    return [read_transcript(path).text for path in paths]


@pytest.mark.parametrize("interviewers", [(), ("Marleen",), ("Ana", "respondent")])
def test_the_sample_corpus_gives_the_same_turns(interviewers: tuple[str, ...]) -> None:
    count = 0
    for text in sample_texts():
        count += len(assert_same(text, interviewers))
        # Without its first line or two, and with Windows and old Mac line ends.
        assert_same(text[text.find("\n") + 1 :], interviewers)
        assert_same(text.replace("\n", "\r\n"), interviewers)
        assert_same(" " + text.replace("\n\n", "\n \n"), interviewers)
    assert count > 200


def test_the_generated_benchmark_corpus_gives_the_same_turns(tmp_path: Path) -> None:
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        import bench_import
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    bench_import.generate(tmp_path, 50_000, 10)
    count = 0
    for path in sorted(tmp_path.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        count += len(assert_same(text))
        assert_same(text, ("Interviewer",))
    assert count > 1000


NAMES = ["Ana", "Ben", "ANA", "ana", "Zoë", "Dr. Smith", "Respondent 3", "Mary-Jo", "O'Neil"]
NAMES += ["I", "R", "Q", "A", "Interviewer", "INTERVIEWER", "Moderator", "Onderzoeker"]
NAMES += ["Note", "Date", "Summary", "laughs", "Pauze", "A very long label of many words"]
NAMES += ["x" * 41, "Ana 2", "Ana  Bell", "ana bell", "Ann_a", "42", "Ana#1", "Ana (2)"]
STAMPS = ["00:01:23", "1:23", "01:02:03.5", "12:34,250", "9:99", "123:45"]
WORDS = "we met twice and then it was: over. Really? [laughs] (01:23) ok Note: yes".split()


def label_line(rng: random.Random) -> str:
    name = rng.choice(NAMES)
    stamp = rng.choice(STAMPS)
    space = rng.choice(["", " ", "  ", "\t"])
    styles = [
        f"{name}:",
        f"{name}:",
        f"{name} :",
        f"[{stamp}] {name}:",
        f"({stamp}) {name}:",
        f"{stamp} {name}:",
        f"{name} ({stamp}):",
        f"{name} [{stamp}]:",
        f"**{name}:**",
        f"**{name}**:",
        f"**{name}** :",
        f"[{name}]",
        f"[{name}]:",
        f"{name}  {stamp}",
        f"{name}:{rng.choice(WORDS)}",
        f"{name}::",
    ]
    return space + rng.choice(styles)


def fuzzed_transcript(rng: random.Random) -> str:
    lines: list[str] = []
    for _ in range(rng.randint(0, 40)):
        roll = rng.random()
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 12)))
        if roll < 0.5:
            separator = rng.choice([" ", " ", "\t", "\n", ""])
            lines.append(label_line(rng) + separator + words)
        elif roll < 0.75:
            lines.append(words)  # an unlabelled paragraph or a continuation
        elif roll < 0.9:
            lines.append(rng.choice(["", "", " ", "\t", "\u00a0", "   "]))
        else:
            lines.append(label_line(rng))  # a label alone on its line
    return rng.choice(["", "\n", " "]) + "\n".join(lines) + rng.choice(["", "\n", " \n"])


@pytest.mark.parametrize("seed", range(4))
def test_fuzzed_label_heavy_texts_give_the_same_turns(seed: int) -> None:
    rng = random.Random(seed)
    labelled = 0
    for _ in range(150):
        text = fuzzed_transcript(rng)
        interviewers = rng.choice([(), ("Ana",), ("ana ", "BEN"), ("Zoë", "Dr.  Smith")])
        found = assert_same(text, interviewers)
        labelled += sum(1 for turn in found if turn.speaker)
        assert_same(text.replace("\n", "\r\n"), interviewers)
    assert labelled > 300


def test_edge_texts_give_the_same_turns() -> None:
    texts = [
        "",
        "\n",
        "\n\n\n",
        "Ana:",
        "Ana: ",
        "Ana:\n",
        "Ana: hi\nAna:",
        "Ana: hi\nAna:\n\n",
        "\nAna: hi\nBen: yo",
        "Ana: a\nAna: b",
        "I: a\nR: b\nI:\nR:   \n",
        "[00:01:23] Ana: a\n[00:01:25] Ana: b\nAna (01:23): c",
        "Note: one\nsome prose",
        "Ana  0:03\nHello\n\nBen  0:05\nBye",
        "**Ana:** hi\n**Ben**: yo\n[Ana] again",
        "Preamble line.\n\nSecond paragraph.\nInterviewer: Q?\nRespondent: A.",
    ]
    for text in texts:
        assert_same(text)
        assert_same(text, ("Ana",))


def test_the_label_helpers_give_the_same_answers() -> None:
    rng = random.Random(11)
    pool = NAMES + [name.upper() for name in NAMES] + ["", " Ana ", "i 2", "R#3", "q(1)"]
    for _ in range(500):
        labels = [rng.choice(pool) for _ in range(rng.randint(0, 8))]
        assert accepted_labels(labels) == reference_accepted_labels(labels)
        interviewers = rng.sample(pool, rng.randint(0, 3))
        for label in [*labels, None]:
            assert is_interviewer(label, interviewers) == reference_is_interviewer(
                label, interviewers
            )
