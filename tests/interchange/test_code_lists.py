"""Code lists from other tools (Taguette, qcoder, NVivo, QualCoder) read as codebooks."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from qualcope.errors import CodebookError
from qualcope.services.codebook import read_codebook_with_notes
from tests.conftest import shared_file as shared

MakeFile = Callable[[bytes | str, str], Path]


def tree(spec: object) -> list[tuple[str, str, str]]:
    return [(path, code.kind, code.definition) for path, code in spec.walk()]  # type: ignore[attr-defined]


def test_qualcoder_plain_list_keeps_categories_codes_and_memos() -> None:
    spec, notes = read_codebook_with_notes(
        shared("qualcoder-examples/plain_codes_categories_for_import.txt")
    )
    assert tree(spec) == [
        ("code1", "code", "A memo for code 1"),
        ("cat1", "group", ""),
        ("cat1/code2", "code", ""),
        ("cat1/code3", "code", ""),
        ("cat3", "group", ""),
        ("cat3/cat2", "group", ""),
        ("cat3/cat2/code4", "code", "another memo"),
        ("cat3/code5", "code", ""),
        ("code6", "code", ""),
    ]
    assert notes == [
        "read as a QualCoder code list: 6 codes, 3 categories (made groups), memos as definitions"
    ]


def test_taguette_tags_come_with_descriptions_and_the_counts_are_said_left_out() -> None:
    path = shared("serdif-usability/codebooks/codebook_20220223_0.csv")
    spec, notes = read_codebook_with_notes(path)
    codes = tree(spec)
    assert len(codes) == 120 and {kind for _, kind, _ in codes} == {"code"}
    assert codes[0] == (
        "Moderator comment",
        "code",
        "The moderator intervenes because the participant struggles to complete a task, wanders"
        " of task or goes too deep into a task or the systems crashes.",
    )
    assert "not imported: number of highlights (qualcope counts its own codings)" in notes


def test_qcoder_codes_csv_reads_names_and_descriptions_not_ids() -> None:
    spec, notes = read_codebook_with_notes(shared("qcoder-examples/codes.csv"))
    assert [path for path, _, _ in tree(spec)] == [
        "harassment",
        "person_talk",
        "gender",
        "gender_id",
        "consequences",
        "license",
    ]
    assert tree(spec)[0] == ("harassment", "code", "define or describes harassing behavior")
    assert "not imported: code_id (the other tool's ids)" in notes


def test_nvivo_theme_names_become_nine_groups_of_106_codes() -> None:
    path = shared("mannheimer-codebook/mannheimer_codebook_counts.csv")
    spec, notes = read_codebook_with_notes(path)
    groups = [code.name for code in spec.codes]
    assert len(groups) == 9 and groups[:3] == ["comparability", "consent", "context"]
    assert all(code.kind == "group" for code in spec.codes)
    leaves = [path for path, code in spec.walk() if code.kind == "code"]
    assert len(leaves) == 106
    # Split at the first ' - ' only: the rest of a name stays whole.
    assert "comparability/interoperability - formats, metadata, language, etc" in leaves
    assert "names read as 'theme - code': 9 groups of 106 codes (split at the first ' - ')" in notes
    assert "not imported: files, references (qualcope counts its own codings)" in notes


def test_a_list_whose_dashes_group_nothing_keeps_its_names_whole(make_file: MakeFile) -> None:
    path = make_file("code,description\nTrade - off,x\nCost - benefit,y\n", "list.csv")
    spec, notes = read_codebook_with_notes(path)
    assert [p for p, _, _ in tree(spec)] == ["Trade - off", "Cost - benefit"]
    assert not any("theme" in note for note in notes)


BAD_LISTS = [
    ("tag,description\nTrust,a\ntrust ,b\n", "list.csv", "duplicate code"),
    ("tag,description\nTrust,a\nTrust,b\n", "list.csv", "line 3: code 'Trust' is listed twice"),
    ("tag,description\n,a\n", "list.csv", "line 2: no code name in column 'tag'"),
    ("tag\na/b\n", "list.csv", "line 2: code name 'a/b' contains '/'"),
    ("cat>>\tmemo\n", "codes.txt", "line 1: an empty category or code name"),
    ("a\tm\n" + ">>".join(["x"] * 60) + "\n", "codes.txt", "line 2: codes are nested more than"),
    ("\n\n", "codes.txt", "holds no codes"),
    (b"caf\xe9\n", "codes.txt", "not UTF-8 text (byte 3)"),
]


@pytest.mark.parametrize("content, name, message", BAD_LISTS)
def test_a_bad_list_is_one_error_naming_the_file_and_line(
    make_file: MakeFile, content: str | bytes, name: str, message: str
) -> None:
    path = make_file(content, name)
    with pytest.raises(CodebookError) as raised:
        read_codebook_with_notes(path)
    assert str(raised.value).startswith(str(path))
    assert message in str(raised.value)


def test_a_csv_that_is_neither_says_what_either_needs(make_file: MakeFile) -> None:
    path = make_file("label,comment\nx,y\n", "other.csv")
    with pytest.raises(CodebookError) as raised:
        read_codebook_with_notes(path)
    assert "no 'path' column" in str(raised.value)
    assert "no 'code', 'name' or 'tag' column" in str(raised.value)
