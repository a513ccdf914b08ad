"""Consistency check for the qualcope sample corpus (throwaway, kept for reruns).

Run from anywhere:  python3 check_corpus.py

Checks, and fails with an AssertionError on the first problem:
  * every transcript in manifest.csv exists, has valid case/role/lang values,
    20-40 turns and at least 1,300 words of turn text (speaker labels, VTT
    headers, timings and voice tags are not counted; .docx is read paragraph by
    paragraph with python-docx);
  * .txt: one turn per paragraph, no hard wraps, every turn starts with a label;
    .docx: every paragraph starts with a bold 'Label:' run;
    .vtt: WEBVTT header, one-line cues with <v Speaker>...</v>, timings
    increasing and non-overlapping;
  * reference_quotes.csv: every code is in the ICVC code list and used at least
    twice; every quote has >= 4 words, occurs exactly once in the plain text of
    its file, lies inside one turn (.txt/.docx) or one cue (.vtt) and is
    respondent speech, never the interviewer's;
  * reference_links.csv: coping and conflict quotes are coded rows of the same
    file, favoured_value is given exactly for Trade-off rows and is an
    expectation code.
Then prints word/turn counts, rows per code and coping strategies by role.
"""

import collections
import csv
import pathlib
import re

import docx

HERE = pathlib.Path(__file__).resolve().parent
INTERVIEWER_LABELS = {"Interviewer", "I"}
CASES = {"social elderly care", "urban mobility planning", "temporary use of vacant spaces"}
ROLES = ["citizen co-producer", "public servant", "project coordinator"]

_P = "Expectations/Public values in the process/"
_O = "Expectations/Public value outcome/"
CODES = (
    [
        _P + v
        for v in [
            "Inclusiveness",
            "Responsiveness",
            "Efficiency",
            "Service quality",
            "Democratic quality",
            "Equity",
            "Accountability",
        ]
    ]
    + [_O + v for v in ["Individual value", "Public value"]]
    + [
        "Value conflicts/" + v
        for v in [
            "Inclusion vs service quality",
            "Efficiency vs democratic quality",
            "Individual vs public value",
            "Responsiveness vs accountability",
            "Equity vs efficiency",
        ]
    ]
    + [
        "Value conflicts/Sources of conflict/" + v
        for v in [
            "Multiple expectations",
            "Variety of initiatives and roles",
            "Time pressure",
            "Interactions",
        ]
    ]
    + ["Coping strategies/" + v for v in ["Avoidance", "Escalation", "Trade-off", "Balancing"]]
    + [
        "Effects/Desired effects/" + v
        for v in ["Better realised public values", "Co-created public value"]
    ]
    + [
        "Effects/Undesired effects/" + v
        for v in [
            "Failing efficiency",
            "Failing inclusion",
            "Failing accountability",
            "Co-destruction of value",
        ]
    ]
    + [
        "Explanatory factors/" + v
        for v in ["External efficacy (perceived impact)", "Self-efficacy"]
    ]
    + [
        "Explanatory factors/Trust/" + v
        for v in ["Generalised trust", "Trust in government", "Trust in the other actor"]
    ]
    + [
        "Explanatory factors/Capacities/" + v
        for v in ["Individual capacities", "Organisational capacities", "Network capacities"]
    ]
)
CONFLICTS = [c for c in CODES if c.startswith("Value conflicts/") and "/Sources" not in c]
STRATEGIES = ["Avoidance", "Escalation", "Trade-off", "Balancing"]

TIMING = re.compile(r"^(\d\d):(\d\d):(\d\d)\.(\d\d\d) --> (\d\d):(\d\d):(\d\d)\.(\d\d\d)$")
VOICE = re.compile(r"^<v ([^>]+)>(.*)</v>$")


def read_txt(path):
    """Return units [(speaker, text)], one per turn."""
    text = path.read_text(encoding="utf-8")
    units = []
    for para in text.strip("\n").split("\n\n"):
        assert para.strip() and "\n" not in para, (
            f"{path.name}: empty paragraph or hard wrap: {para[:60]!r}"
        )
        label, sep, body = para.partition(": ")
        assert sep and label and " " not in label, f"{path.name}: no speaker label: {para[:60]!r}"
        units.append((label, body))
    return units


def read_docx(path):
    units = []
    for p in docx.Document(str(path)).paragraphs:
        if not p.text.strip():
            continue
        first = p.runs[0]
        assert first.bold and first.text.endswith(":"), (
            f"{path.name}: label run not bold 'X:': {p.text[:60]!r}"
        )
        label = first.text[:-1].strip()
        body = "".join(r.text for r in p.runs[1:]).strip()
        units.append((label, body))
    return units


def read_vtt(path):
    """Return cues [(speaker, text)]; validates structure and timings."""
    text = path.read_text(encoding="utf-8")
    blocks = text.strip("\n").split("\n\n")
    assert blocks[0].strip() == "WEBVTT", f"{path.name}: missing WEBVTT header"
    units, last_end = [], -1.0
    for block in blocks[1:]:
        lines = block.split("\n")
        if not TIMING.match(lines[0]):  # optional cue identifier
            lines = lines[1:]
        m = TIMING.match(lines[0])
        assert m, f"{path.name}: bad timing line {lines[0]!r}"
        g = [int(x) for x in m.groups()]
        start = g[0] * 3600 + g[1] * 60 + g[2] + g[3] / 1000
        end = g[4] * 3600 + g[5] * 60 + g[6] + g[7] / 1000
        assert start < end and start >= last_end, (
            f"{path.name}: timings not increasing at {lines[0]}"
        )
        last_end = end
        assert len(lines) == 2, f"{path.name}: cue text must be one line at {lines[0]}"
        v = VOICE.match(lines[1])
        assert v, f"{path.name}: cue without voice tag: {lines[1][:60]!r}"
        units.append((v.group(1), v.group(2)))
    return units


def read_units(path):
    return {".txt": read_txt, ".docx": read_docx, ".vtt": read_vtt}[path.suffix](path)


def count_turns(units):
    turns, prev = 0, None
    for speaker, _ in units:
        if speaker != prev:
            turns += 1
        prev = speaker
    return turns


def main():
    manifest = list(csv.DictReader(open(HERE / "manifest.csv", encoding="utf-8")))
    assert len(manifest) == 9, "manifest must list 9 transcripts"
    meta, units_by_file, plain = {}, {}, {}
    print(f"{'file':36} {'lang':4} {'turns':>5} {'words':>6}")
    for row in manifest:
        assert row["case"] in CASES and row["role"] in ROLES and row["lang"] in {"en", "nl"}, row
        path = HERE / row["file"]
        units = read_units(path)
        words = sum(len(body.split()) for _, body in units)
        turns = count_turns(units)
        speakers = {s for s, _ in units}
        assert speakers & INTERVIEWER_LABELS and speakers - INTERVIEWER_LABELS, (
            f"{path.name}: speakers {speakers}"
        )
        assert 20 <= turns <= 40, f"{path.name}: {turns} turns"
        assert words >= 1300, f"{path.name}: only {words} words"
        print(f"{row['file']:36} {row['lang']:4} {turns:5d} {words:6d}")
        meta[row["file"]] = row
        units_by_file[row["file"]] = units
        plain[row["file"]] = " ".join(body for _, body in units)
    exts = collections.Counter(pathlib.Path(f).suffix for f in meta)
    assert exts == {".txt": 4, ".docx": 3, ".vtt": 2}, exts

    quotes = list(csv.DictReader(open(HERE / "reference_quotes.csv", encoding="utf-8")))
    coded = collections.defaultdict(set)  # (file, quote) -> codes
    for q in quotes:
        f, quote, code = q["file"], q["quote"], q["code"]
        assert f in meta, f"unknown file {f}"
        assert code in CODES, f"unknown code {code!r}"
        assert q["coder"] == "Reference coder", q
        assert len(quote.split()) >= 4, f"{f}: quote under 4 words: {quote!r}"
        n = plain[f].count(quote)
        assert n == 1, f"{f}: quote occurs {n} times: {quote!r}"
        holders = [s for s, body in units_by_file[f] if quote in body]
        assert len(holders) == 1, f"{f}: quote not inside one turn/cue: {quote!r}"
        assert holders[0] not in INTERVIEWER_LABELS, f"{f}: interviewer speech coded: {quote!r}"
        coded[(f, quote)].add(code)
    per_code = collections.Counter(q["code"] for q in quotes)
    for code in CODES:
        assert per_code[code] >= 2, f"code used fewer than twice: {code}"

    links = list(csv.DictReader(open(HERE / "reference_links.csv", encoding="utf-8")))
    expectation_codes = [c for c in CODES if c.startswith("Expectations/")]
    for link in links:
        f = link["file"]
        cop = coded.get((f, link["coping_quote"]), set())
        con = coded.get((f, link["conflict_quote"]), set())
        assert any(c.startswith("Coping strategies/") for c in cop), (
            f"{f}: link coping quote not coded: {link}"
        )
        assert set(CONFLICTS) & con, f"{f}: link conflict quote not coded as conflict: {link}"
        is_trade = "Coping strategies/Trade-off" in cop
        if is_trade:
            assert link["favoured_value"] in expectation_codes, (
                f"{f}: trade-off without favoured value: {link}"
            )
        else:
            assert link["favoured_value"] == "", f"{f}: favoured value on non-trade-off: {link}"
    assert len(links) >= 15, "fewer than 15 links"
    assert len(quotes) >= 170, "fewer than 170 codings"

    print(f"\n{len(quotes)} codings, {len(links)} links\n\nRows per code:")
    for code in CODES:
        print(f"  {per_code[code]:3d}  {code}")

    table = collections.Counter()
    for q in quotes:
        if q["code"].startswith("Coping strategies/"):
            table[(meta[q["file"]]["role"], q["code"].split("/")[-1])] += 1
    total = sum(table.values())
    assert total >= 40, f"only {total} coping rows"
    print(f"\nCoping strategies by role ({total} rows):")
    print(f"  {'role':22}" + "".join(f"{s:>12}" for s in STRATEGIES) + f"{'total':>8}")
    for role in ROLES:
        cells = [table[(role, s)] for s in STRATEGIES]
        print(f"  {role:22}" + "".join(f"{c:12d}" for c in cells) + f"{sum(cells):8d}")
    cit = [table[("citizen co-producer", s)] for s in STRATEGIES]
    assert cit[0] + cit[1] > cit[2] + cit[3], "citizens should avoid/escalate most"
    for role in ROLES[1:]:
        r = [table[(role, s)] for s in STRATEGIES]
        assert r[2] + r[3] > r[0] + r[1], f"{role} should trade off/balance most"
        assert sum(1 for c in r if c) >= 3, f"{role} should use several strategies"
    print("\nAll checks passed.")


if __name__ == "__main__":
    main()
