"""Search: plain and regex, time-limited, NFC-insensitive, and the next uncoded turn (C6)."""

from __future__ import annotations

import time

import pytest

from qualcope.services import codings, search
from qualcope.services.project import Project
from qualcope.services.search import SearchError
from tests.tui.transcripts import SMALL_INTERVIEW, store_transcript


def test_plain_search_ignores_case_and_line_breaks() -> None:
    text = "The City pays us.\nthe city\ndecided,  CITY hall"
    third = text.index("CITY")
    assert search.search_text(text, "city") == [(4, 8), (22, 26), (third, third + 4)]
    assert search.search_text(text, "us. the") == [(14, 21)]


def test_plain_search_treats_regex_and_like_characters_literally() -> None:
    text = "50% of (a|aa)+ said [inaudible]; 5_0 not"
    assert search.search_text(text, "%") == [(2, 3)]
    assert search.search_text(text, "(a|aa)+") == [(7, 14)]
    assert search.search_text(text, "[inaudible]") == [(20, 31)]
    assert search.search_text(text, "' OR 1=1 --") == []


@pytest.mark.timeout(10)
def test_a_catastrophic_regex_is_stopped_within_the_time_limit() -> None:
    started = time.monotonic()
    with pytest.raises(SearchError, match="too long"):
        search.search_text("a" * 60 + "b", r"^(a|aa)+$", use_regex=True, timeout=0.3)
    assert time.monotonic() - started < 2


@pytest.mark.parametrize("pattern", ["(", "[z-a]", "a{2,1}", "*"])
def test_an_invalid_regex_is_one_clear_error(pattern: str) -> None:
    with pytest.raises(SearchError, match="invalid regular expression"):
        search.search_text("anything", pattern, use_regex=True)


def test_empty_query_is_refused() -> None:
    with pytest.raises(SearchError, match="type something"):
        search.search_text("text", "   ")


def test_nfc_query_finds_nfd_text_and_maps_back_to_original_offsets() -> None:
    text = "in het Cafe\u0301 en cafe\u0301s"
    hits = search.search_text(text, "Café")
    assert hits == [(7, 12), (16, 21)]
    assert text[7:12] == "Cafe\u0301"
    assert search.search_text("Café", "Cafe\u0301") == [(0, 4)]
    # A regex sees the NFC text too: "é" is one character there, the span is the original one.
    assert search.search_text(text, "caf.", use_regex=True) == [(7, 12), (16, 21)]


def test_regex_search_finds_every_match_and_skips_empty_ones() -> None:
    assert search.search_text("ab aab b", r"a*b", use_regex=True) == [(0, 2), (3, 6), (7, 8)]
    assert search.search_text("abc", r"x*", use_regex=True) == []


def test_search_in_a_document_and_in_the_project(project: Project) -> None:
    first = store_transcript(project, SMALL_INTERVIEW, name="a.txt")
    second = store_transcript(project, SMALL_INTERVIEW[:2], name="b.txt", participant="P02")
    hits = search.search_document(project, first, "people")
    assert len(hits) == 3
    assert all(h.match.casefold() == "people" and h.document_id == first for h in hits)
    everywhere = search.search_project(project, "people")
    assert [h.document_id for h in everywhere] == [first] * 3 + [second]
    assert search.search_project(project, "people", limit=2) == everywhere[:2]
    assert search.search_project(project, "x", should_stop=lambda: True) == []


def test_next_uncoded_respondent_turn_skips_coded_turns_and_wraps(icvc_project: Project) -> None:
    from qualcope.services import codebook

    document = store_transcript(icvc_project, SMALL_INTERVIEW)
    avoidance = next(n.id for n in codebook.tree(icvc_project) if n.name == "Avoidance")
    first = search.next_uncoded_turn(icvc_project, document, -1)
    assert first is not None and first.text.startswith("I coordinate")
    codings.add_coding(icvc_project, document, first.start + 2, first.start + 12, avoidance)
    second = search.next_uncoded_turn(icvc_project, document, -1)
    assert second is not None and second.text.startswith("I stopped")
    third = search.next_uncoded_turn(icvc_project, document, second.start)
    assert third is not None and third.text.startswith("All the time")
    codings.add_coding(icvc_project, document, third.start, third.end, avoidance)
    assert search.next_uncoded_turn(icvc_project, document, third.start).start == second.start
    assert search.next_uncoded_turn(icvc_project, document, third.start, wrap=False) is None
    assert search.next_uncoded_turn(icvc_project, document, -1, coder="someone else") == first
