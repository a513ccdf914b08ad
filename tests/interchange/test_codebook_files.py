"""Codebook YAML and CSV: validation, hostile input and byte-identical round trips (C3)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from qualcope.errors import CodebookError
from qualcope.interchange.codebook_csv import codebook_to_csv, parse_codebook_csv
from qualcope.interchange.codebook_yaml import (
    codebook_to_yaml,
    parse_codebook_yaml,
    read_codebook_yaml,
)
from tests.conftest import ICVC

MakeFile = Callable[[bytes | str, str], Path]


def test_icvc_codebook_round_trips_byte_for_byte() -> None:
    original = ICVC.read_text(encoding="utf-8")
    assert codebook_to_yaml(read_codebook_yaml(ICVC)) == original


def test_icvc_codebook_is_complete() -> None:
    spec = read_codebook_yaml(ICVC)
    codes = [code for _, code in spec.walk() if code.kind == "code"]
    assert len(codes) >= 30
    for code in codes:
        assert code.definition and code.inclusion and code.exclusion and code.example
        assert code.colour and len(code.cues.get("en", ())) >= 3
        assert len(code.cues.get("nl", ())) >= 3
    shortcuts = {code.name: code.shortcut for code in codes if code.shortcut}
    assert shortcuts == {"Avoidance": "a", "Escalation": "e", "Trade-off": "t", "Balancing": "b"}


BAD_YAML = [
    ("codes: !!python/object/apply:os.system ['touch /tmp/pwned']\n", "unsafe or unknown YAML tag"),
    ("codes:\n  - name: Trust\n  - name: 'trust '\n", "duplicate code"),
    ("codes:\n  - name: Caf\u00e9\n  - name: Cafe\u0301\n", "duplicate code"),
    ("codes:\n  - name: a\n    name: b\n", "line 3: duplicate key 'name'"),
    ("codes:\n  - name: a\n    colour: red\n", "line 2: colour 'red'"),
    ("codes:\n  - name: a\n    mood: happy\n", "line 2: unknown key(s) in a code: mood"),
    ("codes:\n  - name: a/b\n", "path separator"),
    ('codes:\n  - name: "a\\nb"\n', "line break"),
    ('codes:\n  - name: "x\\u202e"\n', "bidi"),
    ("codes:\n  - name: a\n    cues: {en: ['...']}\n", "only punctuation"),
    ("codes:\n  - name: a\n    shortcut: x\n  - name: b\n    shortcut: x\n", "shortcut 'x'"),
    ("a: &x [1, 2]\nb: *x\n", "aliases"),
    ("- just\n- a list\n", "mapping"),
    ("codes: [\n", "line"),
    ("qualcope_codebook: 9\ncodes: []\n", "format 9"),
]


@pytest.mark.parametrize("content, message", BAD_YAML)
def test_bad_yaml_is_refused_with_file_and_problem(
    make_file: MakeFile, content: str, message: str
) -> None:
    path = make_file(content, "bad.yaml")
    with pytest.raises(CodebookError) as info:
        read_codebook_yaml(path)
    assert str(path) in str(info.value)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_unsafe_tag_runs_nothing(tmp_path: Path, make_file: MakeFile) -> None:
    marker = tmp_path / "pwned"
    path = make_file(f"codes: !!python/object/apply:os.system ['touch {marker}']\n", "x.yaml")
    with pytest.raises(CodebookError):
        read_codebook_yaml(path)
    assert not marker.exists()


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(CodebookError, match="file not found"):
        read_codebook_yaml(tmp_path / "nope.yaml")
    with pytest.raises(CodebookError, match="directory"):
        read_codebook_yaml(tmp_path)


def test_csv_round_trip_keeps_tree_and_fields() -> None:
    spec = read_codebook_yaml(ICVC)
    text = codebook_to_csv(spec)
    again = parse_codebook_csv(text)
    assert codebook_to_csv(again) == text
    assert [p for p, _ in again.walk()] == [p for p, _ in spec.walk()]
    avoidance = dict(again.walk())["Coping strategies/Avoidance"]
    assert avoidance.shortcut == "a" and "nl" in avoidance.cues


def test_csv_neutralises_formulas_and_reads_them_back() -> None:
    spec = parse_codebook_yaml("codes:\n  - name: '=HYPERLINK(1)'\n    definition: '+1'\n")
    text = codebook_to_csv(spec)
    assert "'=HYPERLINK(1)" in text and "'+1" in text
    assert dict(parse_codebook_csv(text).walk())["=HYPERLINK(1)"].definition == "+1"


@pytest.mark.parametrize(
    "content, message",
    [
        ("name;definition\nx;y\n", "no 'path' column"),
        ("path,definition\nA,1,2\n", "line 2: expected 2 cells"),
        ("path,definition\nA/B,x\n", "line 2: parent 'A' must come before"),
        ("path,colour\nA,blue\n", "line 2: colour"),
        ("path,flavour\nA,x\n", "unknown column"),
        ("path\nA\na\n", "duplicate code"),
    ],
)
def test_bad_csv_is_refused_with_line(content: str, message: str) -> None:
    with pytest.raises(CodebookError, match=message):
        parse_codebook_csv(content, "codes.csv")


def test_exports_get_the_usual_file_mode(tmp_path: Path) -> None:
    """Atomic writes must not leave exports private to their writer (mkstemp's 0600)."""
    import os

    from qualcope.interchange.atomic import write_text_atomic

    target = tmp_path / "table.csv"
    write_text_atomic(target, "a,b\n")
    mask = os.umask(0)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask
    target.chmod(0o640)
    write_text_atomic(target, "a,b,c\n")
    assert target.stat().st_mode & 0o777 == 0o640
