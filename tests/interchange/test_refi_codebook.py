"""REFI-QDA codebooks (.qdc): exact round trips, the schema, real exports, hostile files."""

from __future__ import annotations

import re
import uuid
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from lxml import etree

from qualcope.domain import CodebookSpec, CodeSpec
from qualcope.errors import CodebookError, QualcopeError
from qualcope.interchange.codebook_yaml import codebook_to_yaml, read_codebook_yaml
from qualcope.interchange.refi_codebook import (
    MARKER,
    codebook_to_qdc,
    export_notes,
    fold_description,
    unfold_description,
)
from qualcope.interchange.refi_codebook_read import read_codebook_qdc
from qualcope.services import codebook
from qualcope.services.project import Project
from tests.conftest import ICVC

MakeFile = Callable[[bytes | str, str], Path]
SHARED = Path(__file__).resolve().parents[2].parent / "shared"
EXTERNAL = SHARED / "external"
XSD = EXTERNAL / "refi-schemas" / "Codebook.xsd"
TAGUETTE = EXTERNAL / "serdif-usability" / "taguette" / "SERDIF_codebook_taguette-1.5.2.qdc"
QDPX = {
    "nvivo": EXTERNAL / "qc-refi-projects" / "nvivo-mac-15.0.0_codebook-only.qdpx",
    "qc": EXTERNAL / "qc-refi-projects" / "qc-1.3.2_demo.qdpx",
}
PROJECT_NS = "urn:QDA-XML:project:1.0"


def need(path: Path) -> Path:
    """The reference file, or a loud skip (a warning in the summary as well as the skip)."""
    if not path.exists():
        message = f"REFERENCE FILE MISSING, test not run: {path}"
        warnings.warn(message, stacklevel=2)
        pytest.skip(message)
    return path


def with_guids(spec: CodebookSpec) -> CodebookSpec:
    """The spec with a GUID on every code, as a project's database holds them."""

    def give(code: CodeSpec, path: str) -> CodeSpec:
        kids = tuple(give(child, f"{path}/{child.name}") for child in code.children)
        return replace(code, guid=str(uuid.uuid5(uuid.NAMESPACE_DNS, path)), children=kids)

    return replace(spec, codes=tuple(give(code, code.name) for code in spec.codes))


def write_qdc(tmp_path: Path, spec: CodebookSpec, name: str = "out.qdc") -> Path:
    path = tmp_path / name
    path.write_text(codebook_to_qdc(spec), encoding="utf-8")
    return path


def validate(path: Path) -> None:
    xmlschema = pytest.importorskip("xmlschema", reason="xmlschema is needed to check the XSD")
    xmlschema.XMLSchema(str(need(XSD))).validate(str(path))


def guids_of(root: etree._Element) -> list[str]:
    return [el.get("guid") for el in root.iter() if etree.QName(el).localname == "Code"]


# ------------------------------------------------------------------ round trips
def test_icvc_round_trips_every_field_and_guid(tmp_path: Path) -> None:
    spec = with_guids(read_codebook_yaml(ICVC))
    path = write_qdc(tmp_path, spec)
    back, notes = read_codebook_qdc(path)
    assert back == spec  # name, description, every field of every code, GUIDs, order
    assert codebook_to_yaml(back) == ICVC.read_text(encoding="utf-8")
    assert any("Description blocks of 36 codes" in note for note in notes)
    assert codebook_to_qdc(back) == path.read_text(encoding="utf-8")  # same bytes again


def test_export_is_deterministic_and_valid_against_the_schema(tmp_path: Path) -> None:
    spec = read_codebook_yaml(ICVC)  # no GUIDs: stable ones are derived from the paths
    first, second = codebook_to_qdc(spec), codebook_to_qdc(spec)
    assert first == second
    assert first.startswith('<?xml version="1.0" encoding="utf-8"?>\n')
    root = etree.fromstring(first.encode())
    guids = guids_of(root)
    assert len(guids) == len(set(guids)) == len(spec.walk())
    assert "<Sets" not in first
    assert root.find(".//{urn:QDA-XML:codebook:1.0}Code").get("isCodable") == "false"
    validate(write_qdc(tmp_path, spec))
    assert export_notes(spec) == [
        "inclusion/exclusion criteria, examples, cues and shortcuts of 36 codes are in their "
        f"Description blocks (below '{MARKER}'); qualcope reads them back"
    ]


AWKWARD = CodeSpec(
    name='Tom & Jerry <say> "hi"',
    definition=f"First line.\n\n{MARKER}\n  indented\nInclusion: not a field",
    inclusion="one\n\n  two, indented\nExample: not a field\n" + MARKER,
    exclusion="x",
    example="She said: \u201cnever\u201d.",
    cues={"en": ("a;b", "back\\slash", "plain"), "nl": ("afhaken",)},
    shortcut=";",
    colour="#a1b2c3",
    guid="{0AB1C2D3-1111-2222-3333-444455556666}",
    children=(
        CodeSpec(
            name="Only a definition",
            definition=f"ends with\n{MARKER}",
            guid="1ab1c2d3-1111-2222-3333-444455556666",
        ),
    ),
)


def test_awkward_values_round_trip_exactly(tmp_path: Path) -> None:
    spec = CodebookSpec(name="Awkward -- names -", description="a--b---c-", codes=(AWKWARD,))
    path = write_qdc(tmp_path, spec)
    validate(path)
    back, _ = read_codebook_qdc(path)
    assert back == spec


def test_characters_xml_forbids_are_dropped_and_the_file_stays_valid(tmp_path: Path) -> None:
    code = CodeSpec(name="a\x01b & <c>", definition="bell\x07 esc\x1b[31m \ufffe end", kind="group")
    path = write_qdc(tmp_path, CodebookSpec(name="x\x00y", codes=(code,)))
    validate(path)
    root = etree.parse(str(path)).getroot()
    element = root[0][0]
    assert element.get("name") == "ab & <c>"
    assert element[0].text == "bell esc[31m  end"


def test_a_description_without_the_block_is_the_definition() -> None:
    text = "Line one.\nInclusion: looks like a field but there is no marker."
    assert unfold_description(text) == ({"definition": text}, None)
    assert fold_description(CodeSpec(name="a", definition=text)) == text


def test_an_unreadable_block_is_kept_whole_with_a_note(make_file: MakeFile) -> None:
    description = f"Def.\n\n{MARKER}\nInclusion: yes\nMood: happy"
    path = make_file(
        '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
        f'<Code guid="{uuid.uuid4()}" name="a" isCodable="true">'
        f"<Description>{description}</Description></Code></Codes></CodeBook>",
        "sloppy.qdc",
    )
    spec, notes = read_codebook_qdc(path)
    assert spec.codes[0].definition == description and not spec.codes[0].inclusion
    assert any("'Mood: happy'" in note and "kept whole" in note for note in notes)


def test_sloppy_but_readable_files_are_accepted_with_notes(make_file: MakeFile) -> None:
    path = make_file(
        "<CodeBook><Codes>"
        '<Code guid="not-a-guid" name="Group" isCodable="0" color="#ABC">'
        '<Code guid="0ab1c2d3-1111-2222-3333-444455556666" name="Leaf" isCodable="1" '
        'color="#AABBCC" extra="x"><Memo>m</Memo></Code></Code>'
        '<Code guid="1ab1c2d3-1111-2222-3333-444455556666" name="Odd" isCodable="true" '
        'color="red"/></Codes>'
        '<Sets><Set guid="2ab1c2d3-1111-2222-3333-444455556666" name="s"/></Sets></CodeBook>',
        "loose.qdc",
    )
    spec, notes = read_codebook_qdc(path)
    group, odd = spec.codes
    assert (group.kind, group.colour, group.guid) == ("group", "#aabbcc", None)
    assert (group.children[0].kind, group.children[0].colour) == ("code", "#aabbcc")
    assert odd.colour is None and spec.name == "loose"
    text = " | ".join(notes)
    for expected in ("without the REFI-QDA namespace", "1 code set(s) skipped", "1 code(s)"):
        assert expected in text
    assert "colour(s)" in text and "<Memo> x1" in text


# ------------------------------------------------------------------ files from other tools
def test_taguette_codebook_imports_22_codes_and_notes_the_empty_sets() -> None:
    spec, notes = read_codebook_qdc(need(TAGUETTE))
    codes = [code for _, code in spec.walk()]
    assert len(codes) == 22 and all(code.kind == "code" for code in codes)
    assert codes[0].guid == "C61E276E-8521-5477-969A-90973D401974"
    assert any("empty <Sets/>" in note for note in notes)


def codebook_from_qdpx(name: str, tmp_path: Path) -> tuple[Path, list[str]]:
    with zipfile.ZipFile(need(QDPX[name])) as archive:
        data = archive.read("project.qde")
    codebook_el = etree.fromstring(data).find(f"{{{PROJECT_NS}}}CodeBook")
    assert codebook_el is not None
    path = tmp_path / f"{name}.qdc"
    path.write_bytes(etree.tostring(codebook_el))  # keeps xmlns="urn:QDA-XML:project:1.0"
    return path, guids_of(codebook_el)


@pytest.mark.parametrize("name", sorted(QDPX))
def test_codebooks_inside_qdpx_projects_import_with_their_guids(name: str, tmp_path: Path) -> None:
    path, file_guids = codebook_from_qdpx(name, tmp_path)
    spec, notes = read_codebook_qdc(path)
    assert [code.guid for _, code in spec.walk()] == file_guids
    assert len(file_guids) == 262
    assert any("project namespace" in note for note in notes)
    again, _ = read_codebook_qdc(write_qdc(tmp_path, spec, "again.qdc"))
    assert again == spec


def test_nvivo_and_qc_codebooks_agree(tmp_path: Path) -> None:
    specs = [read_codebook_qdc(codebook_from_qdpx(name, tmp_path)[0])[0] for name in QDPX]
    nvivo, qc = ([(path, code.guid) for path, code in spec.walk()] for spec in specs)
    assert nvivo == qc


def test_a_codebook_cut_as_text_from_a_qde_has_no_namespace(tmp_path: Path) -> None:
    with zipfile.ZipFile(need(QDPX["qc"])) as archive:
        text = archive.read("project.qde").decode("utf-8-sig")
    cut = re.search(r"<CodeBook>.*</CodeBook>", text, re.DOTALL)
    assert cut is not None
    path = tmp_path / "cut.qdc"
    path.write_text(cut.group(0), encoding="utf-8")
    spec, notes = read_codebook_qdc(path)
    assert len(spec.walk()) == 262 and any("without the REFI-QDA namespace" in n for n in notes)


# ------------------------------------------------------------------ hostile files
def nested(depth: int) -> str:
    opening = "".join(
        f'<Code guid="{uuid.uuid4()}" name="c{i}" isCodable="true">' for i in range(depth)
    )
    return f"<CodeBook><Codes>{opening}{'</Code>' * depth}</Codes></CodeBook>"


GUID = "0ab1c2d3-1111-2222-3333-444455556666"
HOSTILE = [
    ('<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><CodeBook>&e;</CodeBook>', "DTD"),
    (
        '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">'
        '<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]><CodeBook><Codes>'
        '<Code guid="' + GUID + '" name="&d;" isCodable="true"/></Codes></CodeBook>',
        "DTD",
    ),
    (nested(5000), "line 1: elements nested more than 256 deep"),
    (nested(60), "line 1: codes nested deeper than 50 levels"),
    (
        f'<CodeBook><Codes>\n<Code guid="{GUID}" name="a" isCodable="true"/>\n'
        f'<Code guid="{{{GUID.upper()}}}" name="b" isCodable="true"/></Codes></CodeBook>',
        f"duplicate GUIDs: {GUID} (lines 2, 3)",
    ),
    (
        f'<CodeBook><Codes>\n\n<Code guid="{GUID}" isCodable="true"/></Codes></CodeBook>',
        "line 3: a code without a name",
    ),
    (
        '<CodeBook><Codes><Code guid="0" name="Trust"/>\n<Code guid="1" name=" trust"/>'
        "</Codes></CodeBook>",
        "line 2: duplicate code 'trust' (same name as 'Trust')",
    ),
    ('<CodeBook><Codes><Code name="a&#9;b"/></Codes></CodeBook>', "control character"),
    ('<CodeBook><Codes><Code name="a/b"/></Codes></CodeBook>', "path separator"),
    ('<CodeBook><Codes><Code name="a" isCodable="maybe"/></Codes></CodeBook>', "isCodable"),
    (
        f'<CodeBook><Codes><Code name="a"><Description>{MARKER}\nShortcut: xy</Description>'
        "</Code></Codes></CodeBook>",
        "shortcut 'xy'",
    ),
    ("this is not XML", "line 1: the codebook is not well-formed XML"),
    ("", "not well-formed XML"),
    ('<html xmlns="http://www.w3.org/1999/xhtml"/>', "is not a REFI-QDA codebook"),
    (f'<Project xmlns="{PROJECT_NS}"/>', "is a REFI-QDA project (.qde), not a codebook"),
    ("<CodeBook><Sets/></CodeBook>", "no <Codes>"),
]


@pytest.mark.parametrize("content, message", HOSTILE, ids=[m for _, m in HOSTILE])
def test_hostile_files_are_one_line_errors_and_leave_the_project_unchanged(
    icvc_project: Project, make_file: MakeFile, content: str, message: str
) -> None:
    path = make_file(content, "hostile.qdc")
    before = codebook.tree(icvc_project)
    with pytest.raises(CodebookError) as caught:
        codebook.import_codebook(icvc_project, codebook.read_codebook_file(path))
    text = str(caught.value)
    assert text.startswith(str(path)) and message in text and "\n" not in text
    assert codebook.tree(icvc_project) == before


def test_a_valid_file_the_project_refuses_changes_nothing(
    icvc_project: Project, make_file: MakeFile
) -> None:
    # Readable on its own, but shortcut 'a' already belongs to Avoidance.
    path = make_file(
        f'<CodeBook><Codes><Code guid="{GUID}" name="New" isCodable="true"><Description>'
        f"{MARKER}\nShortcut: a</Description></Code></Codes></CodeBook>",
        "clash.qdc",
    )
    before = codebook.tree(icvc_project)
    with pytest.raises(QualcopeError, match="shortcut 'a'"):
        codebook.import_codebook(icvc_project, codebook.read_codebook_file(path))
    assert codebook.tree(icvc_project) == before


# ------------------------------------------------------------------ through the service
def test_project_round_trip_keeps_yaml_bytes_and_database_guids(
    icvc_project: Project, tmp_path: Path
) -> None:
    original_yaml, qdc = tmp_path / "original.yaml", tmp_path / "icvc.qdc"
    codebook.export_codebook(icvc_project, original_yaml)
    spec = codebook.export_codebook(icvc_project, qdc)
    validate(qdc)
    stored = {node.path: node.guid for node in codebook.tree(icvc_project)}
    paths = [path for path, _ in spec.walk()]
    written = dict(zip(paths, guids_of(etree.parse(str(qdc)).getroot()), strict=True))
    assert written == stored  # the database's GUIDs, not derived ones
    assert codebook.export_notes(spec, qdc) and not codebook.export_notes(spec, original_yaml)

    with Project.create(tmp_path / "other.db", "tester") as other:
        codebook.import_codebook(other, codebook.read_codebook_file(qdc))
        again = tmp_path / "again.yaml"
        codebook.export_codebook(other, again)
        assert again.read_bytes() == original_yaml.read_bytes()
        assert {node.path: node.guid for node in codebook.tree(other)} == stored


def test_an_empty_codebook_cannot_be_a_qdc(project: Project, tmp_path: Path) -> None:
    with pytest.raises(CodebookError, match="no codes"):
        codebook.export_codebook(project, tmp_path / "empty.qdc")
    assert not (tmp_path / "empty.qdc").exists()
