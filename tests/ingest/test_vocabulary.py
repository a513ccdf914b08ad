"""A study's vocabulary: new values are welcome, near-duplicates of known ones are refused."""

from __future__ import annotations

import pytest

from qualcope.errors import QualcopeError
from qualcope.ingest.vocabulary import Vocabulary, distance


@pytest.mark.parametrize(
    "value, known",
    [
        ("Public Servant", "public servant"),
        ("public  servant", "public servant"),
        ("career_stage", "CareerStage"),
        ("public servnt", "public servant"),
        ("pubic servants", "public servant"),
        ("Elderly care ", "elderly-care"),
    ],
)
def test_a_near_duplicate_is_refused_with_did_you_mean(value: str, known: str) -> None:
    kind = "attribute" if known == "CareerStage" else "role"
    vocabulary = Vocabulary.of(**{kind: [known]})
    with pytest.raises(QualcopeError, match=f"did you mean '{known}'"):
        vocabulary.check(kind, value)
    assert vocabulary.new[kind] == []


@pytest.mark.parametrize(
    "value, known",
    [
        ("School 2", "School 1"),
        ("Group B", "Group A"),
        ("nurse", "nun"),  # short values: case and spacing only
        ("teacher", "public servant"),
    ],
)
def test_distinct_values_are_new(value: str, known: str) -> None:
    vocabulary = Vocabulary.of(case=[known])
    assert vocabulary.check("case", value) == value
    assert vocabulary.new["case"] == [value] and value in vocabulary.known["case"]
    assert vocabulary.check("case", value) == value  # known now, not new twice
    assert vocabulary.new["case"] == [value]


def test_allow_similar_passes_typos_but_never_case_or_spacing() -> None:
    vocabulary = Vocabulary.of(allow_similar=True, role=["public servant"])
    assert vocabulary.check("role", "public servants") == "public servants"
    with pytest.raises(QualcopeError):
        vocabulary.check("role", "Public servant")


def test_distance_stops_early() -> None:
    assert distance("kitten", "sitting") == 3  # over the limit of 2: reported as limit + 1
    assert distance("servant", "servnt") == 1 and distance("a", "abcdef") == 3


def test_short_words_two_letters_apart_are_different_words() -> None:
    vocabulary = Vocabulary.of(case=["North"])
    assert vocabulary.check("case", "South") == "South"
    with pytest.raises(QualcopeError, match="did you mean 'North'"):
        vocabulary.check("case", "Norths")  # one letter off


def test_add_refuses_nothing_and_names_the_value_it_looks_like() -> None:
    vocabulary = Vocabulary.of(role=["public servant"])
    assert vocabulary.add("role", " Public Servant ") == "public servant"  # case and spacing
    assert vocabulary.add("role", "public servnt") == "public servant"  # a typo
    assert vocabulary.add("role", "citizen") is None
    assert vocabulary.add("role", "Public Servant") is None  # known now: said once
    assert vocabulary.known["role"] == [
        "public servant",
        "Public Servant",
        "public servnt",
        "citizen",
    ]
