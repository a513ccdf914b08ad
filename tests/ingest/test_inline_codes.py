"""qcoder's inline codings: marks taken out of the text, passages made codings, file
positions still counting the marks."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualcope.errors import ImportFileError
from qualcope.ingest import read_transcript
from qualcope.ingest.normalise import normalise
from qualcope.ingest.offsets import compose
from tests.conftest import shared_file
from tests.ingest.test_offsets import PIECES

MakeFile = Callable[[bytes | str, str], Path]
_MARKS = re.compile(r"\(QCODE\)|\(/QCODE\)\{[^}]*\}")


def without_marks(text: str) -> str:
    return _MARKS.sub("", text)


def marked_files() -> list[Path]:
    return sorted(shared_file("qcoder-examples/documents_markedup").glob("*.txt"))


def test_the_qcoder_examples_give_29_passages_and_31_codings_exactly_in_place() -> None:
    passages = applications = 0
    for path in marked_files():
        raw = path.read_text(encoding="utf-8")
        transcript = read_transcript(path)
        assert "QCODE" not in transcript.text
        assert transcript.text == without_marks(raw)  # nothing else in the text changed
        for coding in transcript.inline_codings:
            file_start = transcript.offsets.to_file(coding.start)
            file_end = transcript.offsets.to_file(coding.end, end=True)
            # File positions count the marks: they point at the passage in the file itself.
            passage = transcript.text[coding.start : coding.end]
            assert without_marks(raw[file_start:file_end]) == passage
            assert raw[file_start - len("(QCODE)") : file_start] == "(QCODE)"
            passages += 1
            applications += len(coding.codes)
    assert (passages, applications) == (29, 31)


def test_two_codes_on_one_passage_and_nested_passages(make_file: MakeFile) -> None:
    raw = "R: (QCODE)We (QCODE)wait(/QCODE){#avoidance} and see(/QCODE){#trust, #time,}.\n"
    transcript = read_transcript(make_file(raw, "nested.txt"))
    assert transcript.text == "R: We wait and see.\n"
    found = [(transcript.text[c.start : c.end], c.codes, c.line) for c in transcript.inline_codings]
    assert found == [("We wait and see", ("trust", "time"), 1), ("wait", ("avoidance",), 1)]
    assert transcript.changes["qcoder marks taken out"] == 4


def test_crlf_and_controls_before_the_marks_keep_every_position_exact(
    make_file: MakeFile,
) -> None:
    raw = "I: Well?\r\n\x00R: Cafe\u0301 (QCODE)closed\r\nearly(/QCODE){#loss}\r\n"
    transcript = read_transcript(make_file(raw.encode(), "crlf.txt"))
    [coding] = transcript.inline_codings
    assert transcript.text[coding.start : coding.end] == "closed\nearly"
    file_start, file_end = transcript.offsets.span_to_file(coding.start, coding.end)
    assert raw[file_start:file_end] == "closed\r\nearly"
    assert transcript.offsets.span_to_stored(file_start, file_end) == (
        coding.start,
        coding.end,
        True,
    )


def test_a_mark_between_a_letter_and_its_accent_still_gives_a_composed_text(
    make_file: MakeFile,
) -> None:
    raw = "R: Cafe(QCODE)\u0301 ok(/QCODE){#x}\n"
    transcript = read_transcript(make_file(raw, "nfd.txt"))
    assert transcript.text == "R: Caf\u00e9 ok\n"  # NFC, as every stored text
    [coding] = transcript.inline_codings
    # The passage began at the accent: it now takes the whole letter, never half of it.
    assert transcript.text[coding.start : coding.end] == "\u00e9 ok"
    assert transcript.offsets.span_to_file(coding.start, coding.end) == (6, raw.index("(/QCODE)"))


BAD = [
    ("a (/QCODE){#x} b", 1, "a (/QCODE) mark closes no (QCODE) mark"),
    ("a\n(QCODE)b\nc", 2, "a (QCODE) mark is never closed"),
    ("(QCODE)a(/QCODE) b", 1, "a (/QCODE) mark without its {#code} list"),
    ("x\n\n(QCODE)a(/QCODE){#, }", 3, "(/QCODE){#, } names no code"),
    ("(QCODE)(/QCODE){#x}", 1, "an empty coded passage"),
]


@pytest.mark.parametrize("raw, line, message", BAD)
def test_marks_that_do_not_pair_up_are_an_error_naming_the_line(
    make_file: MakeFile, raw: str, line: int, message: str
) -> None:
    path = make_file(raw, "bad.txt")
    with pytest.raises(ImportFileError) as raised:
        read_transcript(path)
    assert raised.value.line == line
    assert f"qcoder marks: {message}" in str(raised.value)


# ------------------------------------------------------------------ properties
# What real files hold (CRLF, controls, escapes, decomposed accents, astral characters) with
# marks around and inside it; a passage always keeps a character ("x").
LEAF_PIECES = [p for p in PIECES if not p.startswith("\u0301")]
leaf = st.lists(st.sampled_from(LEAF_PIECES), max_size=6).map(lambda ps: "".join(ps) + "x")
passages = st.recursive(
    leaf,
    lambda inner: st.tuples(st.lists(inner, min_size=1, max_size=3), st.sampled_from("abc")).map(
        lambda made: f"(QCODE){''.join(made[0])}(/QCODE){{#{made[1]}}}"
    ),
    max_leaves=8,
)
documents = st.lists(st.one_of(leaf, passages), min_size=1, max_size=5).map("".join)


@settings(max_examples=300, deadline=None)
@given(documents)
def test_every_passage_maps_back_to_its_characters_in_the_file(raw: str) -> None:
    path = Path("generated.txt")
    from qualcope.ingest.plain import text_transcript

    transcript = text_transcript(raw, path, "txt", "utf-8", False)
    assert "(QCODE)" not in transcript.text and "(/QCODE)" not in transcript.text
    assert len(transcript.inline_codings) == raw.count("(QCODE)")
    for coding in transcript.inline_codings:
        file_start, file_end = transcript.offsets.span_to_file(coding.start, coding.end)
        expected = normalise(without_marks(raw[file_start:file_end])).text
        assert transcript.text[coding.start : coding.end] == expected


@settings(max_examples=300, deadline=None)
@given(documents)
def test_the_composed_map_is_the_two_steps_one_after_the_other(raw: str) -> None:
    from qualcope.ingest.inline_codes import take_inline_codes

    done = normalise(raw)
    taken = take_inline_codes(done.text, Path("generated.txt"))
    both = compose(done.offsets, taken.offsets)
    # A map's regions are in order and apart on both sides, or conversions pick the wrong one.
    for region in both.regions:
        assert region[0] <= region[1] and region[2] <= region[3]
    for before, after in zip(both.regions, both.regions[1:], strict=False):
        assert before[1] <= after[0] and before[3] <= after[2], both.regions
    for position in range(len(raw) + 1):
        if done.offsets.inside(position) or taken.offsets.inside(done.offsets.to_stored(position)):
            continue  # inside a changed region: widened, as each step does alone
        step = done.offsets.to_stored(position)
        assert both.to_stored(position) == taken.offsets.to_stored(step)
        step_end = done.offsets.to_stored(position, end=True)
        assert both.to_stored(position, end=True) == taken.offsets.to_stored(step_end, end=True)
    for stored in range(len(taken.text) + 1):
        if not both.inside_stored(stored):  # ('ö' + U+0301 composed has no file twin inside)
            assert both.to_stored(both.to_file(stored)) == stored


def test_regions_of_the_two_steps_that_overlap_become_one() -> None:
    from qualcope.ingest.offsets import OffsetMap

    # Three file characters become two (a composed pair), then the middle text's [1, 4) is
    # taken out: no position inside either may convert on its own.
    first, then = OffsetMap(((0, 3, 0, 2),)), OffsetMap(((1, 4, 1, 1),))
    assert compose(first, then).regions == ((0, 5, 0, 1),)
    assert compose(OffsetMap(), then) == then and compose(first, OffsetMap()) == first
