"""Content words: units too short to mean anything are never suggested."""

from __future__ import annotations

import pytest

from qualcope.nlp.units import MIN_CONTENT_WORDS, content_words


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("And", "en"),
        ("Yes.", "en"),
        ("Uh, yeah, okay.", "en"),
        ("Hmm. Well, I don't know.", "en"),
        ("", "en"),
        ("12 3 -- ...", "en"),
        ("Ja, nou, goed.", "nl"),
        ("Nee, dat weet ik niet.", "nl"),
        ("Ehm, ja hoor, oké.", "nl"),
    ],
)
def test_fillers_and_bare_answers_have_too_few_content_words(text: str, lang: str) -> None:
    assert content_words(text, lang) < MIN_CONTENT_WORDS


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("We complained to the alderman about the bus.", "en", 3),
        ("I stopped going to the neighbourhood meetings last year.", "en", 6),
        ("Wij hebben toen een brief aan de wethouder geschreven.", "nl", 4),
        # Coded in the sample corpus; spaCy's stop-word list would leave it at one.
        ("We didn't tell anyone.", "en", 3),
        ("De buurtvereniging heeft het project gewoon stopgezet.", "nl", 3),
    ],
)
def test_a_normal_sentence_has_enough(text: str, lang: str, expected: int) -> None:
    assert content_words(text, lang) == expected >= MIN_CONTENT_WORDS


def test_contractions_count_as_their_stem_and_case_does_not_matter() -> None:
    assert content_words("I didn't, we don't, they can't.", "en") == 1  # one negation
    assert content_words("ALDERMAN Mayor council", "en") == 3
    assert content_words("De wethouder’s brief", "nl") == 2


def test_an_unknown_language_still_drops_fillers() -> None:
    assert content_words("uh okay tomato", "xx") == 1
