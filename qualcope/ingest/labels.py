"""Speaker labels: what a label looks like, which ones are speakers, who is the interviewer.

The shapes of ``formats-in-the-wild.md``, each at the start of a line: ``Name:``, ``NAME:``,
``Respondent 3:``, ``I:``/``R:``, ``[Name]``, ``**Name:**``, with a timestamp before or after
(``[00:01:12] Maria:``, ``Maria (00:01:12):``, ``00:01:12 Maria:``) or on a label line of its
own (``Maria Jansen  0:04``, Otter), film-style caps lines (``INTERVIEWER``), joint labels
(``Interviewee 1 & Interviewee 2:``, ``P1/P2:``, ``Both:``), qualified labels (``P1 (Mother):``,
``Respondent 3 (coordinator):``) and names with particles, titles and initials
(``Dr. A. van den Berg:``, ``Anne Marie Van der Berg:``).

A text is a labelled transcript when it has a *sure* label: a role word (interviewer,
respondent, ...), a label used at least twice, one with a timestamp, or one its file's
structure shows (a bold run, a table cell). Then any name-like label is a speaker even if it
speaks once, unless the text writes each of its capitalised words in lower case too (a common
word: ``Problem:`` in someone's answer is listed, not taken); in other text a lone ``Note:``
stays prose. Joint labels are never the
interviewer's.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from qualcope.ingest.normalise import collapse_spaces

# First word of a label (case-folded) that marks the interviewer's turns.
# English and Dutch, then French, German, Spanish, Italian and Portuguese (German transcripts
# by the common transcription rules write 'I:' and 'B:', for Befragte).
INTERVIEWER_KEYS = frozenset(
    "interviewer interviewster interviewers i int q question moderator facilitator "
    "researcher onderzoeker vraag interviewerin gespreksleider "
    "enquêteur enquêtrice enquêteuse intervieweur intervieweuse chercheur chercheuse "
    "animateur animatrice befrager befragerin moderatorin entrevistador entrevistadora "
    "investigador investigadora moderador moderadora intervistatore intervistatrice "
    "ricercatore ricercatrice moderatore moderatrice pesquisador pesquisadora "
    # abbreviations, with or without their dot ('Int.:', 'Intv:'); German 'IV' (and 'IP' for
    # the Interviewpartner, a respondent)
    "intv interv iv".split()
)
RESPONDENT_KEYS = frozenset(
    "respondent respondents r a answer interviewee interviewees participant participants "
    "geïnterviewde antwoord deelnemer p "
    "répondant répondante enquêté enquêtée interviewé interviewée participante b befragte "
    "befragter teilnehmer teilnehmerin entrevistado entrevistada intervistato intervistata "
    "partecipante respondente resp ip".split()
)
# First words of labels several people share: a group speaks, never the interviewer.
GROUP_WORDS = frozenset(
    "both all everyone everybody group several beide allen iedereen tous toutes alle todos "
    "todas tutti entrambi ambos".split()
)
_JOINERS = frozenset({"&", "/", "+", "and", "en", "und", "et", "y"})
_JOINT = re.compile(r"[&/+,]|\b(?:and|en|und|et)\b", re.IGNORECASE)
# Bracketed words that are transcription notes, not speakers.
NOTE_WORDS = frozenset(
    "laughs laughter laughing inaudible pause crosstalk silence unclear coughs sighs music "
    "noise redacted applause lacht onverstaanbaar stilte pauze gelach rires rire "
    "incompréhensible lachen unverständlich risas pausa risate incomprensibile risos".split()
)
# Capitalised words that start header or prose lines ("Date: 12 May") rather than turns.
NOT_SPEAKERS = frozenset(
    "note notes nb ps update edit example tip warning important summary title date location "
    "place time duration subject topic re aside transcript recording source keywords "
    "speakers attendees present absent agenda interview project case file "
    "monday tuesday wednesday thursday friday saturday sunday january february march april "
    "may june july august september october november december maandag dinsdag woensdag "
    "donderdag vrijdag zaterdag zondag datum plaats tijd onderwerp opmerking".split()
) | {"summary keywords", "transcribed by", "interview date", "interview with"}
# Caps lines that are speech or notes, not film-style speaker labels.
CAPS_NOT_SPEAKERS = frozenset(
    "ok okay yes no yeah yep hmm hm mm um uh ah oh right ja nee nou end the end pause".split()
)
# Lower-case words inside a name: particles and the like ("Dr. A. van den Berg").
PARTICLES = frozenset(
    "van der den de del della di da du des le la von zu ten ter 't bin ibn al el y e of "
    "dos das do".split()
)
MAX_LABEL_WORDS = 8
MAX_LABEL_CHARS = 60

_FIRST_WORD_END = re.compile(r"[\s\d#(/&+,]")  # a label key's first word ends here
_QUALIFIER = re.compile(r"\s*\(([^()]{1,40})\)$")
_LABEL_CHARS = re.compile(r"[^\W\d_][\w .'’\-&/,+]*")


def label_key(label: str) -> str:
    """The comparison key of a speaker label (case-folded, spaces collapsed)."""
    return collapse_spaces(label).casefold()


def first_word(key: str) -> str:
    return _FIRST_WORD_END.split(key, maxsplit=1)[0]


def base_of(label: str) -> str:
    """A label without its qualifier: 'P1 (Mother)' -> 'P1'."""
    return _QUALIFIER.sub("", label).strip()


def is_joint(label: str) -> bool:
    """Whether several people share the label ('Interviewee 1 & Interviewee 2', 'Both')."""
    base = base_of(label)
    return bool(_JOINT.search(base)) or first_word(label_key(base)) in GROUP_WORDS


def is_interviewer(label: str | None, interviewers: Iterable[str] = ()) -> bool:
    """Whether a speaker label names the interviewer (a role word or a name the user gave).

    A joint label is never the interviewer's: the respondents speak in it too.
    """
    if not label:
        return False
    names = {label_key(name) for name in interviewers}
    key = label_key(label)
    if key in names or label_key(base_of(label)) in names:
        return True
    if is_joint(label):
        return False
    return role_word(label) in INTERVIEWER_KEYS


def role_word(label: str) -> str:
    """The role word a label is made of ('interviewer' for 'Interviewer 2', 'i' for 'I'), or
    ''. A role word starts the label and is followed only by numbers, a name or a qualifier:
    'I don't know what' and 'Interviewer asked me' are prose, not roles."""
    base = label_key(base_of(label))
    written = first_word(base)
    word = written.rstrip(".") if len(written) > 2 else written  # 'Int.', 'Resp.'; 'I.' no
    if word not in INTERVIEWER_KEYS and word not in RESPONDENT_KEYS and word not in GROUP_WORDS:
        return ""
    rest = base_of(label)[len(written) :].split()
    if len(word) == 1:  # I, R, Q, A, P: alone or numbered ("P1", "R 2")
        return word if all(part.strip("#").isdigit() for part in rest) else ""
    if len(rest) > 2:
        return ""
    if all(part.strip("#").isdigit() or part[:1].isupper() for part in rest):
        return word
    return ""


def known_role(label: str) -> bool:
    """Whether a label is a role word (interviewer, respondent, a group) with at most a
    number, a name or a qualifier after it."""
    return bool(role_word(label)) if label.strip() else False


def plausible(label: str) -> bool:
    """Short, starts with a letter, made of name characters (a qualifier may hold any)."""
    if not label or len(label) > MAX_LABEL_CHARS:
        return False
    base = base_of(label)
    if not base or len(base.split()) > MAX_LABEL_WORDS:
        return False
    return bool(_LABEL_CHARS.fullmatch(base))


def name_like(label: str) -> bool:
    """Every word capitalised, a particle, a number ('P1', '3') or a joiner ('&', 'and')."""
    words = base_of(label).split()
    if not words:
        return False
    for word in words:
        if word[:1].isupper() or any(ch.isdigit() for ch in word):
            continue
        if word.casefold() in PARTICLES or word.casefold() in _JOINERS:
            continue
        return False
    return words[0][:1].isupper() or any(ch.isdigit() for ch in words[0])  # 'id2', 'p1'


def looks_like_a_label(label: str) -> bool:
    """A rejected label worth reporting: mostly capitalised words, a few of them."""
    base = base_of(label)
    words = base.split()
    if not words or len(words) > 4 or "," in base or not words[0][:1].isupper():
        return False
    if label_key(label) in NOT_SPEAKERS or first_word(label_key(label)) in NOT_SPEAKERS:
        return False
    capitalised = sum(1 for w in words if w[:1].isupper() or w.casefold() in PARTICLES)
    return capitalised * 2 >= len(words)


@dataclass(frozen=True)
class Candidate:
    """A label found at a line start (or shown by the file's structure)."""

    label: str
    style: str  # colon | bracket | md | line (Otter) | caps | bare | tab | dash | hint | given
    stamped: bool = False


def accepted_labels(
    candidates: Sequence[Candidate],
    given: Iterable[str] = (),
    lower_case_in_text: Callable[[set[str]], set[str]] | None = None,
) -> set[str]:
    """The keys of the candidate labels that are speakers (see the module docstring).

    ``given`` are labels the user named (``--speaker``, ``--interviewer``): always speakers.
    ``lower_case_in_text`` tells which of some words the text also writes in lower case: a
    label taken only for being name-like is left out when each of its capitalised words is
    such a common word (``Problem:``, ``The Problem:`` in someone's answer), where a name
    (``Jan:``) is written capitalised everywhere.
    A transcript repeats few labels many times: the work is done once per distinct candidate.
    """
    given_keys = {label_key(name) for name in given}
    distinct = Counter(candidates)
    keys = {candidate: label_key(candidate.label) for candidate in distinct}
    uses: Counter[str] = Counter()
    sure: set[str] = set()
    for candidate, count in distinct.items():
        key = keys[candidate]
        uses[key] += count
        if (
            candidate.style in ("hint", "given")
            # A line that ends with a time is a label line (Otter's 'Maria Jansen  0:04') only
            # when it reads as a name: 'The bus came at 10:30' is someone's words.
            or (candidate.stamped and (candidate.style != "line" or name_like(candidate.label)))
            or key in given_keys
            or label_key(base_of(candidate.label)) in given_keys
        ):
            sure.add(key)
        elif candidate.style != "caps" and known_role(candidate.label):
            sure.add(key)
        elif candidate.style == "caps" and role_word(candidate.label) not in ("", *GROUP_WORDS):
            sure.add(key)
    for key, count in uses.items():
        if count >= 2 and key not in NOT_SPEAKERS and key not in CAPS_NOT_SPEAKERS:
            sure.add(key)
    if not sure:
        return set()
    accepted = set(sure)
    late = [
        candidate
        for candidate in distinct
        if keys[candidate] not in accepted
        and candidate.style not in ("caps", "bare")
        and keys[candidate] not in NOT_SPEAKERS
        and keys[candidate] not in CAPS_NOT_SPEAKERS
        and first_word(keys[candidate]) not in NOT_SPEAKERS
        and name_like(candidate.label)
    ]
    if late and lower_case_in_text is not None:
        words = {c: _capitalised_words(c.label) for c in late}
        common = lower_case_in_text({w.lower() for found in words.values() for w in found})
        late = [c for c in late if not words[c] or any(w.lower() not in common for w in words[c])]
    accepted.update(keys[c] for c in late)
    return accepted


def _capitalised_words(label: str) -> list[str]:
    """The words of a label's base written with a capital, letters only ('Jan', 'Problem');
    none for a numbered label ('Committee 1', 'P2'): a number marks a label, not prose."""
    words = base_of(label).replace(".", " ").split()
    if any(ch.isdigit() for word in words for ch in word):
        return []
    return [w for w in words if w[:1].isupper() and w.isalpha()]
