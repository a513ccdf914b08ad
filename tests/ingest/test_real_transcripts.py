"""Real transcripts no one here wrote (``../shared/external``): every word kept, every
speaker where it belongs.

The SERDIF think-aloud sessions (ODT) label only the moderator's interjections
(``MODERATOR: Yes``); everything unlabelled is the participant thinking aloud and must never
be filed under the moderator. QualCoder's example transcript uses ``[id1]`` tags.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from qualcope.ingest import read_transcript
from tests.conftest import SHARED

EXTERNAL = SHARED / "external"
SERDIF = sorted((EXTERNAL / "serdif-usability" / "transcripts").glob("*.odt"))


def require(path: Path) -> None:
    if not path.exists():
        pytest.skip(f"SKIPPED LOUDLY: {path} is missing (../shared is not beside the clone)")


@pytest.mark.parametrize("path", SERDIF or [EXTERNAL / "missing.odt"], ids=lambda p: p.name)
def test_think_aloud_words_are_the_participants_not_the_moderators(path: Path) -> None:
    require(path)
    transcript = read_transcript(path)
    text = transcript.text
    moderator = [t for t in transcript.turns if t.is_interviewer]
    participant = [t for t in transcript.turns if not t.is_interviewer]
    assert moderator and participant
    assert all(t.speaker == "MODERATOR" for t in moderator)
    assert all("\n" not in text[t.start : t.end] for t in moderator)  # one line each
    words = {id(t): len(text[t.start : t.end].split()) for t in transcript.turns}
    assert sum(words[id(t)] for t in participant) > 3 * sum(words[id(t)] for t in moderator)
    # Nothing is lost: every non-space character is in a turn or a label.
    covered = "".join(text[t.start : t.end] for t in transcript.turns)
    labels = sum(text.count(f"{t.speaker}:") for t in moderator[:1]) * len("MODERATOR:")
    assert len("".join(covered.split())) + labels >= len("".join(text.split()))


def test_qualcoder_example_transcript_and_documents() -> None:
    folder = EXTERNAL / "qualcoder-examples"
    require(folder)
    transcript = read_transcript(folder / "transcript.txt")
    assert [t.speaker for t in transcript.turns] == [
        "id1",
        "id2",
        "id3",
        "id1",
        "id3",
        "id1",
        "id2",
    ]
    assert not any(t.is_interviewer for t in transcript.turns)
    for name in ("ID1.docx", "ID2.odt"):
        document = read_transcript(folder / name)
        assert document.words > 50 and document.left_out == ()
