"""Separated verbs and particles: "haakte ... af" for the cue "afhaken", "gave it up" for "give up".

No parser is needed (suggestions run on blank pipelines), so the rule works on tokens:
the cue is split once into a verb and a particle, every inflected form of the verb
(from the spacy-lookups-data lemma tables, ``lemmas.forms_of``) becomes a single-token
pattern of the cue matcher's ``PhraseMatcher`` (a "trigger", found in the same pass as
the cues themselves), and only where a trigger fires are the next few tokens looked at
for the particle. The window never crosses the end of a sentence (. ! ? ; …) or a line
break, so nothing is matched across the blank line the engine puts between units.

* Dutch: a one-word cue that is a known particle (``NL_PARTICLES``) followed by a verb
  infinitive of the lemma tables ("afhaken" = "af" + "haken"; "opa" and "aandacht" are
  not split). The finite verb may be followed by its particle right away ("haak af") or
  up to ``WINDOWS["nl"]`` tokens later ("haakte na twee weken af"). The contiguous forms
  a subordinate clause uses ("afhaakte", "afgehaakt") and "af te haken" are added to the
  cue's own patterns.
* English: a two-word cue VERB + PARTICLE (``EN_PARTICLES``; the verb known as a verb to
  the lemma tables) also matches with one to four tokens between them ("gave it up",
  "giving their hopes up"); "give up" itself is the ordinary contiguous match.

Other languages, and multi-word Dutch cues ("klacht indienen"), are matched as before.
A separated match is a span from the verb to the particle with the cue's label and id.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Token
from spacy.vocab import Vocab

from qualcope.nlp import lemmas

# Particles of English phrasal verbs that may follow the object ("give it up").
EN_PARTICLES = frozenset(
    "up down out off in on over back away around round through about along apart aside "
    "forward together across behind".split()
)
# Separable particles of Dutch verbs (scheidbare werkwoorden): adverbs and prepositions
# that split off in a main clause ("afhaken" -> "ik haak af"). Inseparable prefixes
# (be-, ver-, ont-, onder-, her-) are not here.
NL_PARTICLES = frozenset(
    "aan achter achteruit af bij binnen buiten door in langs los mee na neer om op over "
    "rond samen tegen terug thuis toe uit vast voor voorbij vooruit weg".split()
)
# (fewest, most) tokens from the verb to its particle, space tokens not counted: Dutch
# "haak af" is 1, English 2 to 5 (1 is the contiguous "gave up", matched as a phrase).
WINDOWS = {"en": (2, 5), "nl": (1, 8)}
# A token of punctuation with one of these ends the search, as does a line break.
BARRIER_CHARACTERS = frozenset(".!?;…")
MIN_VERB_LENGTH = 2
TRIGGER_PREFIX = "\x1e"  # keys of trigger patterns, apart from the cues' keys


@dataclass(frozen=True)
class Separable:
    """A cue split into its verb's forms and its particle."""

    verb_forms: frozenset[str]
    particle: str
    # Contiguous forms to add to the cue's own patterns ("af te haken", "afhaakte").
    variants: tuple[tuple[str, ...], ...] = ()


def split_cue(words: Sequence[str], lang: str) -> Separable | None:
    """The cue as verb + particle when it has that shape in its language, else None."""
    lowered = [w.lower() for w in words]
    if lang == "en" and len(lowered) == 2:
        return _split_english(*lowered)
    if lang == "nl" and len(lowered) == 1:
        return _split_dutch(lowered[0])
    return None


def _is_verb(word: str, lang: str) -> bool:
    verbs = lemmas.words_of_pos(lang, "verb")
    return word in verbs or lemmas.lemma_table(lang).get(word, word) in verbs


def _split_english(verb: str, particle: str) -> Separable | None:
    if particle not in EN_PARTICLES or not verb.isalpha() or not _is_verb(verb, "en"):
        return None
    return Separable(lemmas.forms_of(verb, "en"), particle)


def _split_dutch(word: str) -> Separable | None:
    if not word.isalpha():
        return None
    verbs = lemmas.words_of_pos("nl", "verb")
    base = word if word in verbs else lemmas.lemma_table("nl").get(word, word)
    if base not in verbs and base in lemmas.words_of_pos("nl", "noun"):
        return None  # a noun that happens to begin like a particle
    for particle in sorted(NL_PARTICLES, key=len, reverse=True):
        rest = base[len(particle) :]
        if base.startswith(particle) and len(rest) > MIN_VERB_LENGTH and rest in verbs:
            return _dutch(base, particle, rest)
    return None


def _dutch(base: str, particle: str, verb: str) -> Separable:
    # Forms of the separable verb without its particle ("afhaakte" -> "haakte") and the
    # simple verb's own forms; participles ("gehaakt") never stand apart from "af".
    stems = {f[len(particle) :] for f in lemmas.forms_of(base, "nl") if f.startswith(particle)}
    stems |= lemmas.forms_of(verb, "nl")
    finite = frozenset(s for s in stems if _finite_form(s, verb))
    whole = lemmas.forms_of(base, "nl")
    joined = sorted({particle + s for s in stems} - whole)
    variants = ((particle, "te", verb), *((w,) for w in joined))
    return Separable(finite, particle, variants)


def _finite_form(form: str, verb: str) -> bool:
    if len(form) < MIN_VERB_LENGTH or not form.isalpha() or form.endswith(("end", "ende")):
        return False  # present participles are adjectives: "afhakende"
    participle = "gege" if verb.startswith("ge") else "ge"
    return not form.startswith(participle)


def is_barrier(token: Token) -> bool:
    """True for a token a separated match may not cross: a sentence end or a line break."""
    text = token.text
    if token.is_space:
        return "\n" in text or "\r" in text
    return token.is_punct and not BARRIER_CHARACTERS.isdisjoint(text)


class SeparatedMatcher:
    """Trigger patterns for the verbs of separable cues, and the window search after them."""

    def __init__(self, vocab: Vocab, lang: str) -> None:
        self.vocab = vocab
        self.window = WINDOWS.get(lang, (0, 0))
        # trigger key -> particle (LOWER id) -> keys of the cues it completes
        self.rules: dict[int, dict[int, list[int]]] = {}

    def __len__(self) -> int:
        return len(self.rules)

    def add(self, cue_key: int, separable: Separable, matcher: PhraseMatcher) -> int:
        """Register a split cue; its verb forms become patterns of ``matcher``."""
        particle = self.vocab.strings.add(separable.particle)
        added = 0
        for form in sorted(separable.verb_forms):
            key = self.vocab.strings.add(TRIGGER_PREFIX + form)
            if key not in self.rules:
                self.rules[key] = {}
                matcher.add(TRIGGER_PREFIX + form, [Doc(self.vocab, words=[form])])
                added += 1
            keys = self.rules[key].setdefault(particle, [])
            if cue_key not in keys:
                keys.append(cue_key)
        return added

    def resolve(self, doc: Doc, matches: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
        """The cue matches, plus a match per trigger whose particle follows in its window."""
        rules = self.rules
        if not rules or not any(key in rules for key, _, _ in matches):
            return matches
        found = [m for m in matches if m[0] not in rules]
        seen = set(found)
        for key, start, _ in matches:
            rule = rules.get(key)
            if rule is None:
                continue
            for match in self._search(doc, start, rule):
                if match not in seen:
                    seen.add(match)
                    found.append(match)
        found.sort(key=lambda m: (m[1], m[2]))
        return found

    def _search(
        self, doc: Doc, start: int, rule: dict[int, list[int]]
    ) -> Iterator[tuple[int, int, int]]:
        fewest, most = self.window
        pending = set(rule)
        distance = 0
        for index in range(start + 1, len(doc)):
            token = doc[index]
            if is_barrier(token):
                return
            if token.is_space:
                continue
            distance += 1
            if distance > most:
                return
            lower = token.lower
            if lower in pending:
                pending.discard(lower)  # the nearest particle only
                if distance >= fewest:
                    for cue_key in rule[lower]:
                        yield cue_key, start, index + 1
                if not pending:
                    return
