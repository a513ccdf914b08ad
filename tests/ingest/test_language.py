"""The language guess recorded with a document imported without --lang or a manifest."""

from __future__ import annotations

import pytest

from qualcope.ingest.language import guess_language

SAMPLES = {
    "en": "We asked the city for the old school, and they said it was not possible with "
    "the rules they have. What could we do? We waited for a year.",
    "nl": "We hebben de gemeente gevraagd om het oude schoolgebouw, maar ze zeiden dat het "
    "niet kon met de regels die ze hebben. Wat konden we doen?",
    "fr": "Nous avons demandé à la ville pour la vieille école, mais ils ont dit que ce "
    "n'était pas possible avec les règles qui sont dans le plan. Nous avons attendu.",
    "de": "Wir haben die Stadt nach der alten Schule gefragt, aber sie sagten, das ist mit "
    "den Regeln nicht möglich. Wir haben auch ein Jahr gewartet.",
    "es": "Pedimos al ayuntamiento la vieja escuela, pero nos dijeron que no era posible con "
    "las reglas que tienen. Esto es muy difícil para los vecinos y también para el barrio.",
    "it": "Abbiamo chiesto al comune la vecchia scuola, ma ci hanno detto che non era "
    "possibile con le regole della città. Questo è stato molto difficile anche per gli "
    "abitanti del quartiere.",
    "pt": "Pedimos à câmara a escola antiga, mas disseram que não era possível com as regras "
    "que eles têm. Isso foi muito difícil para os moradores e também para a associação.",
}


@pytest.mark.parametrize("lang", sorted(SAMPLES))
def test_a_few_sentences_decide_the_language(lang: str) -> None:
    assert guess_language(SAMPLES[lang]) == lang


def test_an_english_interview_with_fillers_and_loan_words_stays_english() -> None:
    text = (
        "Interviewer: Um, so how did the non-profit start? Respondent: Em, we paid per "
        "week, as you know, and no one would do the work in the old school."
    )
    assert guess_language(text) == "en"


def test_no_evidence_or_a_tie_gives_the_default() -> None:
    assert guess_language("12:00 Maria Jansen", default="nl") == "nl"
    assert guess_language("", default="fr") == "fr"
