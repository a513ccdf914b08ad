"""Malformed WebVTT/SubRip: an error with the line number, never a partial document (C1-12)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from qualcope.errors import ImportFileError
from qualcope.ingest import read_transcript

MakeFile = Callable[[bytes | str, str], Path]

GOOD_CUE = "00:00:01.000 --> 00:00:02.000\n<v Ana>Hello.</v>\n"


@pytest.mark.parametrize(
    "content, line, message",
    [
        ("00:00:01.000 --> 00:00:02.000\nHello.\n", 1, "not a WebVTT file"),
        (f"WEBVTT\n\n{GOOD_CUE}\n00:00:03.00 --> 00:00:04.000\nBye.\n", 6, "bad cue timing"),
        (
            f"WEBVTT\n\n{GOOD_CUE}\n00:00:09.000 --> 00:00:04.000\nBye.\n",
            6,
            "ends before it starts",
        ),
        (f"WEBVTT\n\n{GOOD_CUE}00:00:03.000 --> 00:00:04.000\nBye.\n", 5, "blank line missing"),
        (f"WEBVTT\n\n{GOOD_CUE}\nJust some words\nwithout timing\n", 6, "text outside a cue"),
        (f"WEBVTT\n\n{GOOD_CUE}\n00:61:00.000 --> 00:62:00.000\nBye.\n", 6, "bad cue timing"),
    ],
    ids=["no header", "short millis", "end before start", "missing blank", "no timing", "minutes"],
)
def test_malformed_vtt(make_file: MakeFile, content: str, line: int, message: str) -> None:
    with pytest.raises(ImportFileError, match=f"bad.vtt, line {line}: .*{message}"):
        read_transcript(make_file(content, "bad.vtt"))


GOOD_SRT = "1\n00:00:01,000 --> 00:00:02,000\nAna: Hello.\n"


@pytest.mark.parametrize(
    "content, line, message",
    [
        (f"{GOOD_SRT}\n2\n00:00:03 --> 00:00:04,000\nBye.\n", 6, "bad cue timing"),
        (f"{GOOD_SRT}\n2\n00:00:05,000 --> 00:00:04,000\nBye.\n", 5, "ends before it starts"),
        (f"{GOOD_SRT}2\n00:00:03,000 --> 00:00:04,000\nBye.\n", 5, "blank line missing"),
        (f"{GOOD_SRT}\nHello without a number\n", 5, "expected a cue number and a timing"),
    ],
    ids=["bad time", "end before start", "missing blank", "no timing"],
)
def test_malformed_srt(make_file: MakeFile, content: str, line: int, message: str) -> None:
    with pytest.raises(ImportFileError, match=f"bad.srt, line {line}: .*{message}"):
        read_transcript(make_file(content, "bad.srt"))


def test_vtt_with_bom_crlf_and_overlaps_imports_with_a_warning(make_file: MakeFile) -> None:
    content = (
        "\ufeffWEBVTT\r\n\r\n00:00:01.000 --> 00:00:05.000\r\n<v Ana>One.</v>\r\n\r\n"
        "00:00:04.000 --> 00:00:06.000\r\n<v Ben>Two.</v>\r\n"
    )
    transcript = read_transcript(make_file(content.encode(), "ok.vtt"))
    assert transcript.text == "Ana: One.\n\nBen: Two."
    assert transcript.warnings == ("line 6: cue overlaps the previous one",)


@pytest.mark.parametrize("name", ["empty.vtt", "empty.srt"])
def test_subtitles_without_cue_text(make_file: MakeFile, name: str) -> None:
    content = (
        "WEBVTT\n\nNOTE nothing said\n"
        if name.endswith(".vtt")
        else "1\n00:00:01,000 --> 00:00:02,000\n\n"
    )
    with pytest.raises(ImportFileError, match="contains no cues with text"):
        read_transcript(make_file(content, name))
