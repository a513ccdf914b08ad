"""Labelled sentences for learning tests: topic words of two codes among neutral filler.

Positives of a code carry two of its topic words; negatives carry none. Training
and held-out sets use different random draws (different word combinations and
orders), so ranking held-out positives first needs the model to have learnt
which words matter.
"""

from __future__ import annotations

import random

TOPICS = {
    1: ("alderman", "mayor", "council", "complained", "letter", "director", "petition"),
    2: ("compromise", "halfway", "middle", "balance", "both", "alternate", "split"),
}
FILLER = (
    "the we they it was a of and in to on that this there some people morning bus garden "
    "coffee weather street house neighbour week evening volunteers project meeting time "
    "really just then very so well also good long short new old"
).split()


def sentence(rng: random.Random, code: int | None) -> str:
    words = [rng.choice(FILLER) for _ in range(rng.randint(8, 16))]
    if code is not None:
        for topic in rng.sample(TOPICS[code], 2):
            words.insert(rng.randrange(len(words) + 1), topic)
    return " ".join(words).capitalize() + "."


def labelled(n_pos: int, n_neg: int, seed: int) -> list[tuple[str, dict[int, bool]]]:
    """``n_pos`` positives of each code and ``n_neg`` negatives, shuffled."""
    rng = random.Random(seed)
    out: list[tuple[str, dict[int, bool]]] = []
    for code in TOPICS:
        out += [(sentence(rng, code), {c: c == code for c in TOPICS}) for _ in range(n_pos)]
    out += [(sentence(rng, None), dict.fromkeys(TOPICS, False)) for _ in range(n_neg)]
    rng.shuffle(out)
    return out
