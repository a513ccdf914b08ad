"""REFI-QDA projects (.qdpx): real exports read whole, exports valid against Project.xsd that
read back exactly, sloppy files tolerated, hostile archives and XML refused (reliability C2)."""

from __future__ import annotations

import functools
import io
import json
import stat
import struct
import tempfile
import time
import warnings
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
import xmlschema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from sqlalchemy import select

from qualcope.db.models import Coding, Document
from qualcope.domain import CodebookSpec, CodeSpec
from qualcope.errors import ImportFileError
from qualcope.interchange import safe_archive
from qualcope.interchange.project_snapshot import (
    ExchangeCase,
    ExchangeCoding,
    ExchangeLink,
    ExchangeNote,
    ExchangeProject,
    ExchangeSelection,
    ExchangeSource,
    ExchangeUser,
)
from qualcope.interchange.refi_read import read_qdpx
from qualcope.interchange.refi_write import project_xml, write_qdpx, xml_text
from qualcope.interchange.safe_archive import SafeArchive
from qualcope.services.project import Project

MakeFile = Callable[[bytes | str, str], Path]
SHARED = Path(__file__).resolve().parents[2].parent / "shared"
EXTERNAL = SHARED / "external"
PROJECT_XSD = EXTERNAL / "refi-schemas" / "Project.xsd"
QC_DEMO = EXTERNAL / "qc-refi-projects" / "qc-1.3.2_demo.qdpx"
NVIVO = EXTERNAL / "qc-refi-projects" / "nvivo-mac-15.0.0_codebook-only.qdpx"
NS = "urn:QDA-XML:project:1.0"
WHEN = datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)


def need(path: Path) -> Path:
    """The reference file, or a loud skip (a warning in the summary as well as the skip)."""
    if not path.exists():
        message = f"REFERENCE FILE MISSING, test not run: {path}"
        warnings.warn(message, stacklevel=2)
        pytest.skip(message)
    return path


@functools.cache
def _schema(path: Path) -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(path))  # parsed once: it takes a good part of a second


def validate(document: bytes) -> None:
    """Fails with xmlschema's reason when the document breaks Project.xsd."""
    _schema(need(PROJECT_XSD)).validate(io.BytesIO(document))


def guid(number: int) -> str:
    return f"00000000-0000-4000-8000-{number:012x}"


def code_depths(codes: Iterable[CodeSpec]) -> dict[str, int]:
    """Each code's GUID and its depth (1 = top), walked with a stack; names may hold '/'."""
    out: dict[str, int] = {}
    stack = [(code, 1) for code in codes]
    while stack:
        code, depth = stack.pop()
        out[code.guid or code.name] = depth
        stack.extend((child, depth + 1) for child in code.children)
    return out


def files_under(root: Path) -> list[tuple[str, int, int]]:
    """Every file and folder under root, with size and modification time, to compare."""
    return sorted(
        (str(p.relative_to(root)), p.stat().st_size if p.is_file() else -1, p.stat().st_mtime_ns)
        for p in root.rglob("*")
    )


# ------------------------------------------------------------------ the real exports
def test_the_qc_demo_reads_whole() -> None:
    project = read_qdpx(need(QC_DEMO))
    depths = code_depths(project.codebook.codes)
    assert (len(depths), max(depths.values())) == (262, 7)
    assert [user.name for user in project.users] == ["cp"]
    # qc writes no source name, only a bare file name as plainTextPath: that names it.
    assert sorted(source.name for source in project.sources) == ["admin-1.txt", "board_2017.txt"]
    selections = [(s, sel) for s in project.sources for sel in s.selections]
    codings = [coding for _, sel in selections for coding in sel.codings]
    assert (len(selections), len(codings)) == (158, 205)
    for source, selection in selections:
        assert 0 <= selection.start < selection.end <= len(source.text), selection.guid
    assert {coding.code_guid for coding in codings} <= set(depths)
    assert {coding.user_guid for coding in codings} == {project.users[0].guid}
    assert project.skipped == ()


def test_the_nvivo_export_has_the_same_codes_and_ignores_its_root_marker() -> None:
    nvivo = read_qdpx(need(NVIVO))
    qc = read_qdpx(need(QC_DEMO))
    assert len(code_depths(nvivo.codebook.codes)) == 262
    assert set(code_depths(nvivo.codebook.codes)) == set(code_depths(qc.codebook.codes))
    assert len(nvivo.users) == 2
    assert [len(source.text.encode("utf-8")) for source in nvivo.sources] == [1, 1]
    assert all(not source.selections for source in nvivo.sources)
    with zipfile.ZipFile(NVIVO) as archive:
        assert "sources/.root" in archive.namelist()  # there, and nothing is made of it
    assert nvivo.skipped == () and not nvivo.cases and not nvivo.notes


# ------------------------------------------------------------------ writing
def sample_project() -> ExchangeProject:
    """Two coders, a nested codebook with colours and folded fields, texts whose emoji and
    accents come BEFORE the codings (so a position counted in UTF-16 or bytes would show)."""
    ann, bo = ExchangeUser(guid(1), "Ann Ökten"), ExchangeUser(guid(2), "Bo 🐝 <b>")
    grandchild = CodeSpec(name="Leaving", colour="#00aa00", guid=guid(13))
    child = CodeSpec(
        name="Avoidance",
        colour="#0000ff",
        definition="Keeping away.\n\n-- qualcope --\nnot a block",
        inclusion="stays away\nfrom meetings",
        exclusion="moves house",
        example="We stopped going.",
        cues={"en": ("stop going", "a;b\\c")},
        shortcut="a",
        children=(grandchild,),
        guid=guid(12),
    )
    group = CodeSpec(
        name="Coping & <strategies>", kind="group", colour="#aa0000", children=(child,),
        guid=guid(11),
    )  # fmt: skip
    other = CodeSpec(name="Escalation", definition="Going to the alderman.", guid=guid(14))
    text = "Café 👩‍🔬 naïve — 日本語 🇫🇷\nWe wrote to the alderman.\nThen we stopped going.\n"
    first = text.index("We wrote")
    second = text.index("we stopped")
    selections = (
        ExchangeSelection(
            guid=guid(31),
            start=first,
            end=first + len("We wrote to the alderman."),
            quote="We wrote to the alderman.",
            user_guid=ann.guid,
            created=WHEN,
            codings=(
                ExchangeCoding(guid(41), other.guid or "", ann.guid, WHEN, 'a memo <with> & "q"'),
                ExchangeCoding(guid(42), other.guid or "", bo.guid, WHEN),
            ),
            notes=("a note on the selection",),
        ),
        ExchangeSelection(
            guid=guid(32),
            start=second,
            end=second + len("we stopped going"),
            quote="we stopped going",
            user_guid=bo.guid,
            created=WHEN,
            codings=(ExchangeCoding(guid(43), guid(13), bo.guid, WHEN),),
        ),
    )
    source = ExchangeSource(
        guid=guid(21),
        name="interview é 1.txt",
        text=text,
        selections=selections,
        variables={"role": "resident", "age": "42"},
        memo="Ann: a memo on the document",
        user_guid=ann.guid,
        created=WHEN,
    )
    plain = ExchangeSource(guid=guid(22), name="empty.txt", text="")
    return ExchangeProject(
        name="sample",
        origin="qualcope test",
        users=(ann, bo),
        codebook=CodebookSpec(name="Codebook", codes=(group, other)),
        sources=(source, plain),
        cases=(
            ExchangeCase(
                guid(51), "P01 & co", {"role": "resident", "case": "North"}, (guid(21),), "one"
            ),
        ),
        links=(ExchangeLink(guid(61), guid(41), guid(43), "copes with"),),
        notes=(ExchangeNote(guid(71), "a project memo", "memo on the project", ann.guid, WHEN),),
        extension={"format": 1, "memos": [{"text": "ü 🐝"}]},
    )


def elements(document: bytes, name: str) -> list[etree._Element]:
    return etree.fromstring(document).findall(f".//{{{NS}}}{name}")


def _only(*fields: str, **changed: object) -> ExchangeProject:
    """The sample cut down to the fields named (the rest empty), for one feature at a time."""
    full = sample_project()
    kept = {key: getattr(full, key) for key in fields}
    return replace(ExchangeProject(name="one feature"), **kept, **changed)


_SOURCE = sample_project().sources[0]
# feature -> (a project with it, an element it must write, how many)
XSD_FEATURES = {
    "users": (_only("users"), "User", 2),
    "codebook": (_only("codebook"), "Code", 4),
    "variables": (_only(sources=(replace(_SOURCE, selections=()),)), "Variable", 2),
    "cases with VariableValue and SourceRef": (_only("cases"), "SourceRef", 1),
    "sources with selections": (_only("sources", "users", "codebook"), "PlainTextSelection", 2),
    "codings with NoteRef memos": (
        _only("users", "codebook", sources=(replace(_SOURCE, variables={}),)),
        "NoteRef",
        3,  # a coding's memo, a selection's note, the source's memo
    ),
    "notes": (_only("notes", "users"), "Note", 1),
    "links": (_only("links"), "Link", 1),
}


@pytest.mark.parametrize("feature", list(XSD_FEATURES))
def test_each_feature_is_written_valid_against_the_schema(feature: str) -> None:
    project, element, count = XSD_FEATURES[feature]
    document = project_xml(project, created=WHEN)
    assert len(elements(document, element)) == count  # the feature is really there
    validate(document)


def test_case_values_and_coding_memos_are_where_the_schema_puts_them() -> None:
    document = project_xml(sample_project(), created=WHEN)
    validate(document)
    case = elements(document, "Case")[0]
    assert [etree.QName(e).localname for e in case] == [
        "Description", "VariableValue", "VariableValue", "SourceRef"
    ]  # fmt: skip
    coding = next(c for c in elements(document, "Coding") if c.get("guid") == guid(41))
    assert [etree.QName(e).localname for e in coding] == ["CodeRef", "NoteRef"]
    notes = {n.get("guid"): n for n in elements(document, "Note")}
    memo = notes[coding[1].get("targetGUID")]
    assert memo.findtext(f"{{{NS}}}PlainTextContent") == 'a memo <with> & "q"'


def test_a_written_project_reads_back_the_same(tmp_path: Path) -> None:
    project = sample_project()
    path = tmp_path / "sample.qdpx"
    write_qdpx(project, path, created=WHEN)
    with zipfile.ZipFile(path) as archive:
        validate(archive.read("project.qde"))
        text = archive.read(f"sources/{guid(21)}.txt").decode("utf-8")
    back = read_qdpx(path)
    for selection in back.sources[0].selections:  # code points, end-exclusive
        assert text[selection.start : selection.end] == selection.quote
    assert back.codebook == project.codebook  # GUID, name, colour, kind, folded fields
    assert back.sources == project.sources  # text, name, selections, codings, memos
    assert (back.users, back.cases, back.links, back.notes) == (
        project.users, project.cases, project.links, project.notes
    )  # fmt: skip
    assert back == project


def test_the_same_project_written_twice_gives_the_same_bytes(tmp_path: Path) -> None:
    write_qdpx(sample_project(), tmp_path / "a.qdpx", created=WHEN)
    write_qdpx(sample_project(), tmp_path / "b.qdpx", created=WHEN)
    assert (tmp_path / "a.qdpx").read_bytes() == (tmp_path / "b.qdpx").read_bytes()
    with zipfile.ZipFile(tmp_path / "a.qdpx") as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    write_qdpx(sample_project(), tmp_path / "c.qdpx", created=datetime(2030, 1, 1, tzinfo=UTC))
    assert (tmp_path / "c.qdpx").read_bytes() != (tmp_path / "a.qdpx").read_bytes()


def test_a_qualcope_project_exports_valid_and_reads_back(
    icvc_project: Project, make_file: MakeFile, tmp_path: Path
) -> None:
    from qualcope.services import codebook, codings
    from qualcope.services.documents import list_documents
    from qualcope.services.exchange_export import snapshot_of
    from qualcope.services.importing import import_paths

    text = "Interviewer: Ça va? 🙂\n\nRespondent: We stopped going to the meetings.\n"
    import_paths(icvc_project, [make_file(text, "p01.txt")])
    document = list_documents(icvc_project)[0].id
    names = {node.name: node.id for node in codebook.tree(icvc_project)}
    avoidance, escalation = names["Avoidance"], names["Escalation"]
    with icvc_project.read() as session:
        stored = session.scalars(select(Document.text)).one()
    start = stored.index("We stopped")
    codings.add_coding(icvc_project, document, start, start + 10, avoidance, memo="why & <how>")
    second = Project(icvc_project.engine, icvc_project.url, "second coder")
    codings.add_coding(second, document, start, start + 10, escalation)
    snapshot = snapshot_of(icvc_project)
    validate(project_xml(snapshot, created=WHEN))
    write_qdpx(snapshot, tmp_path / "out.qdpx", created=WHEN)
    back = read_qdpx(tmp_path / "out.qdpx")
    assert back.codebook.codes == snapshot.codebook.codes  # REFI has no codebook name
    assert [s.text for s in back.sources] == [stored]
    (selection,) = back.sources[0].selections
    assert (selection.start, selection.end, selection.quote) == (start, start + 10, "We stopped")
    assert {(c.code_guid, c.user_guid, c.memo) for c in selection.codings} == {
        (c.code_guid, c.user_guid, c.memo) for c in snapshot.sources[0].selections[0].codings
    }
    assert len({c.user_guid for c in selection.codings}) == 2
    assert back.extension == snapshot.extension


# ------------------------------------------------------------------ hostile names and memos
_NASTY_CHARACTERS = st.one_of(
    st.characters(exclude_categories=()),  # lone surrogates included
    st.sampled_from(["&", "<", ">", '"', "'", "\x00", "\x0b", "\x1f", "\r", "\ud800", "\uffff"]),
)
NASTY = st.one_of(st.text(_NASTY_CHARACTERS, max_size=24), st.just(']]> & "<x>" \x00\udc00'))


def nasty_project(name: str, memo: str) -> ExchangeProject:
    """Every name and memo of the sample replaced by the generated text."""
    project = sample_project()
    source = project.sources[0]
    selection = replace(
        source.selections[0],
        quote=name,
        codings=tuple(replace(c, memo=memo) for c in source.selections[0].codings),
        notes=(memo,),
    )
    codes = tuple(replace(code, name=f"{name}{i}", definition=memo) for i, code in
                  enumerate(project.codebook.codes))  # fmt: skip
    return replace(
        project,
        name=name,
        users=tuple(replace(user, name=name) for user in project.users),
        codebook=replace(project.codebook, codes=codes),
        sources=(
            replace(
                source, name=name, memo=memo, selections=(selection,), variables={name or "v": memo}
            ),
        ),  # fmt: skip
        cases=(replace(project.cases[0], name=name, description=memo, variables={"x": name}),),
        links=(replace(project.links[0], name=name),),
        notes=(replace(project.notes[0], name=name, text=memo),),
        extension={"memos": [{"text": memo, name: name}]},
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=NASTY, memo=NASTY)
def test_names_and_memos_of_any_text_export_to_valid_xml(name: str, memo: str) -> None:
    project = nasty_project(name, memo)
    validate(project_xml(project, created=WHEN))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "nasty.qdpx"
        write_qdpx(project, path, created=WHEN)  # no UnicodeEncodeError on a lone surrogate
        with zipfile.ZipFile(path) as archive:
            validate(archive.read("project.qde"))
        back = read_qdpx(path)
    # qualcope's own part keeps every character (JSON joins a surrogate pair, as it always does)
    assert back.extension == json.loads(json.dumps(project.extension))
    assert back.sources[0].text == project.sources[0].text
    # Names, quotes and memos read back as written, but for what XML cannot hold at all: the
    # serialiser's escaping (quotes, ampersands, CR, TAB, LF in attributes) loses nothing.
    read_selection = back.sources[0].selections[0]
    if xml_text(name):  # an empty name is given a default
        assert back.name == xml_text(name)
        assert back.users[0].name == xml_text(name)
        assert read_selection.quote == xml_text(name)
    if xml_text(memo):
        assert read_selection.codings[0].memo == xml_text(memo)
        assert back.cases[0].description == xml_text(memo)


def test_a_lone_surrogate_in_a_text_keeps_every_position(tmp_path: Path) -> None:
    project = sample_project()
    source = project.sources[0]
    broken = replace(source, text="\ud83d" + source.text[1:])  # half an emoji, replacing 'C'
    write_qdpx(replace(project, sources=(broken,)), tmp_path / "s.qdpx", created=WHEN)
    back = read_qdpx(tmp_path / "s.qdpx").sources[0]
    assert len(back.text) == len(source.text) and back.text[0] == "\ufffd"
    assert [(s.start, s.end, s.quote) for s in back.selections] == [
        (s.start, s.end, s.quote) for s in source.selections
    ]


# ------------------------------------------------------------------ hand-built archives
USER, CODE, SOURCE, SELECTION, CODING = guid(1), guid(2), guid(3), guid(4), guid(5)
TEXT = "0123456789"  # ten characters, as in C2-8


def selection_xml(
    start: str | None = "2",
    end: str | None = "5",
    *,
    number: int = 4,
    code: str = CODE,
    user: str = USER,
    selection_user: str | None = None,
) -> str:
    positions = "".join(
        f' {key}="{value}"'
        for key, value in (("startPosition", start), ("endPosition", end))
        if value is not None
    )
    made_by = f' creatingUser="{selection_user}"' if selection_user else ""
    return (
        f'<PlainTextSelection guid="{guid(number)}"{positions}{made_by}>'
        f'<Coding guid="{guid(number + 100)}" creatingUser="{user}">'
        f'<CodeRef targetGUID="{code}"/></Coding></PlainTextSelection>'
    )


def project_qde(
    selections: str | None = None,
    *,
    codes: str = f'<Code guid="{CODE}" name="Escalation" isCodable="true"/>',
    sources: str | None = None,
    path: str | None = f"internal://{SOURCE}.txt",
    rest: str = "",
) -> str:
    if sources is None:
        inner = selection_xml() if selections is None else selections
        where = f' plainTextPath="{path}"' if path is not None else ""
        sources = f'<TextSource guid="{SOURCE}" name="t.txt"{where}>{inner}</TextSource>'
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n<Project xmlns="{NS}" name="p">'
        f'<Users><User guid="{USER}" name="ann"/></Users>'
        f"<CodeBook><Codes>{codes}</Codes></CodeBook>"
        f"<Sources>{sources}</Sources>{rest}</Project>"
    )


def write_archive(
    path: Path,
    qde: str | bytes,
    files: dict[str, str | bytes] | None = None,
    *,
    qde_name: str = "project.qde",
) -> Path:
    texts = {f"sources/{SOURCE}.txt": TEXT} if files is None else files
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(qde_name, qde)
        for name, data in texts.items():
            archive.writestr(name, data)
    return path


def test_the_hand_built_baseline_reads(tmp_path: Path) -> None:
    project = read_qdpx(write_archive(tmp_path / "ok.qdpx", project_qde()))
    (selection,) = project.sources[0].selections
    assert (selection.start, selection.end, selection.codings[0].code_guid) == (2, 5, CODE)
    assert project.sources[0].text == TEXT


TOLERANT_TEXT = "Café 🇫🇷 naïve\r\nWe wrote to the alderman.\r\nThen we stopped.\r\n"


def tolerant_archive(path: Path) -> Path:
    """How tools in the field write: capital P and S, no namespace, an empty <Sets/>, a text
    with a byte-order mark and CRLF counted in the positions, media, a whole-source coding."""
    quote = "alderman.\r\nThen"
    start = TOLERANT_TEXT.index(quote)
    escaped = quote.replace("\r", "&#13;").replace("\n", "&#10;")  # kept as they are
    qde = (
        '<?xml version="1.0" encoding="UTF-8"?><Project name="field" origin="a tool">'
        f'<Users><User guid="{USER}" name="ann"/></Users>'
        f'<CodeBook><Codes><Code guid="{CODE}" name="Escalation" isCodable="true"/>'
        f'<Code guid="{guid(6)}" name="Whole" isCodable="1" color="#abc"/></Codes></CodeBook>'
        f'<Sources><TextSource guid="{SOURCE}" name="t.txt" '
        f'plainTextPath="internal://{SOURCE}.txt">'
        f'<PlainTextSelection guid="{SELECTION}" name="{escaped}" '
        f'startPosition="{start}" endPosition="{start + len(quote)}">'
        f'<Coding guid="{CODING}" creatingUser="{{{USER.upper()}}}">'
        f'<CodeRef targetGUID="{{{CODE.upper()}}}"/></Coding></PlainTextSelection>'
        f'<Coding guid="{guid(7)}" creatingUser="{USER}"><CodeRef targetGUID="{guid(6)}"/>'
        "</Coding></TextSource>"
        f'<PictureSource guid="{guid(8)}" path="internal://a.png"/>'
        f'<PDFSource guid="{guid(9)}" path="internal://a.pdf"/>'
        f'<AudioSource guid="{guid(10)}" path="internal://a.mp3"/>'
        "</Sources><Sets/></Project>"
    )
    return write_archive(
        path,
        qde,
        {f"Sources/{SOURCE}.txt": b"\xef\xbb\xbf" + TOLERANT_TEXT.encode("utf-8")},
        qde_name="Project.qde",
    )


def test_the_sloppy_ways_of_the_field_are_tolerated(tmp_path: Path) -> None:
    project = read_qdpx(tolerant_archive(tmp_path / "field.qdpx"))
    (source,) = project.sources
    assert source.text == TOLERANT_TEXT  # no byte-order mark, the CRs kept
    selection, whole = source.selections
    assert source.text[selection.start : selection.end] == selection.quote == "alderman.\r\nThen"
    assert (selection.codings[0].code_guid, selection.codings[0].user_guid) == (CODE, USER)
    assert (whole.start, whole.end) == (0, len(TOLERANT_TEXT))
    assert [c.code_guid for c in whole.codings] == [guid(6)]
    skipped = " | ".join(project.skipped)
    for kind in ("empty <Sets/>", "1 picture source", "1 PDF source", "1 audio source"):
        assert kind in skipped
    assert project.codebook.codes[1].colour == "#aabbcc"
    # What was read tolerantly is written strictly: valid, and the same again when read.
    write_qdpx(project, tmp_path / "again.qdpx", created=WHEN)
    with zipfile.ZipFile(tmp_path / "again.qdpx") as archive:
        validate(archive.read("project.qde"))
    assert read_qdpx(tmp_path / "again.qdpx").sources == project.sources


def test_positions_that_count_the_crs_land_exactly_after_the_import(tmp_path: Path) -> None:
    from qualcope.services import exchange

    path = tolerant_archive(tmp_path / "field.qdpx")
    exchange.import_into_new(tmp_path / "field.db", path, "tester")
    with Project.open(tmp_path / "field.db", "tester") as project, project.read() as session:
        rows = session.execute(
            select(Coding.start, Coding.end, Document.text).join(
                Document, Document.id == Coding.document_id
            )
        ).all()
    quotes = sorted(text[start:end] for start, end, text in rows)
    assert "alderman.\nThen" in quotes  # stored with LF, the quote still exact


# ------------------------------------------------------------------ hostile archives
def refused(path: Path, root: Path, match: str = "", *, lenient: bool = False) -> str:
    """Reading ``path`` fails with one line naming it, and nothing under ``root`` changes."""
    before = files_under(root)
    with pytest.raises(ImportFileError) as caught:
        read_qdpx(path, lenient=lenient)
    message = str(caught.value)
    assert files_under(root) == before
    assert "\n" not in message and "Traceback" not in message
    assert message.startswith(str(path)), message
    reason = message[len(str(path)) :]  # the file's own name must not make the match
    assert match.lower() in reason.lower(), message
    return message


@pytest.mark.parametrize(
    "name", ["../../evil.txt", "/abs/x.txt", "C:\\x.txt", "..\\x.txt", "sources/../../evil.txt"]
)
def test_zip_slip_members_are_refused(tmp_path: Path, name: str) -> None:
    path = write_archive(
        tmp_path / "slip.qdpx",
        project_qde(path=f"internal://{name}"),
        {f"sources/{SOURCE}.txt": TEXT, name: "owned"},
    )
    with zipfile.ZipFile(path) as archive:
        assert name in archive.namelist()  # the hostile name is really in the archive
    refused(path, tmp_path, "outside the archive")
    for folder in (tmp_path, tmp_path.parent, tmp_path.parent.parent, Path.cwd()):
        assert not (folder / "evil.txt").exists() and not (folder / "x.txt").exists()


def test_a_symbolic_link_member_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "link.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", project_qde())
        link = zipfile.ZipInfo(f"sources/{SOURCE}.txt")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    refused(path, tmp_path, "symbolic link")


def raw_zip(path: Path, members: list[tuple[str, bytes, int, int, int]]) -> Path:
    """A zip written byte by byte, so its headers say whatever the test wants.

    Each member: (name, payload as stored, method 0 stored / 8 deflated, CRC-32, the size
    the headers declare once unpacked).
    """
    body, central = bytearray(), bytearray()
    for name, payload, method, crc, size in members:
        encoded = name.encode("utf-8")
        offset = len(body)
        body += struct.pack(
            "<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0x21, crc, len(payload), size,
            len(encoded), 0,
        )  # fmt: skip
        body += encoded + payload
        central += struct.pack(
            "<IHHHHHHIIIHHHHHII", 0x02014B50, 0x0314, 20, 0, method, 0, 0x21, crc,
            len(payload), size, len(encoded), 0, 0, 0, 0, 0o100644 << 16, offset,
        )  # fmt: skip
        central += encoded
    end = struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central), len(body), 0
    )
    path.write_bytes(bytes(body + central + end))
    return path


def deflated(data: bytes) -> bytes:
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)  # raw deflate, as zip holds it
    return packer.compress(data) + packer.flush()


def plain_member(name: str, data: bytes) -> tuple[str, bytes, int, int, int]:
    return (name, deflated(data), 8, zlib.crc32(data), len(data))


@pytest.mark.timeout(10)
def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path: Path) -> None:
    # 300 MB of zeros in 0.3 MB: one megabyte deflated after a full flush gives the same
    # bytes every time, so the stream is built by repeating them (no 300 MB in memory).
    megabyte = bytes(2**20)
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = packer.compress(megabyte) + packer.flush(zlib.Z_FULL_FLUSH)
    assert block == packer.compress(megabyte) + packer.flush(zlib.Z_FULL_FLUSH)
    crc = functools.reduce(lambda value, _: zlib.crc32(megabyte, value), range(300), 0)
    qde = project_qde().encode()
    path = raw_zip(
        tmp_path / "bomb.qdpx",
        [
            plain_member("project.qde", qde),
            (f"sources/{SOURCE}.txt", block * 300 + packer.flush(), 8, crc, 300 * 2**20),
        ],
    )
    assert path.stat().st_size < 2**20
    started = time.monotonic()
    refused(path, tmp_path, "compressed suspiciously well")
    assert time.monotonic() - started < 1


def test_a_header_declaring_gigabytes_is_refused(tmp_path: Path) -> None:
    qde = project_qde().encode()
    path = raw_zip(
        tmp_path / "huge.qdpx",
        [plain_member("project.qde", qde), (f"sources/{SOURCE}.txt", b"", 0, 0, 3 * 2**30)],
    )
    refused(path, tmp_path, "over the limit")


def test_too_many_members_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(safe_archive, "MAX_MEMBERS", 5)
    files: dict[str, str | bytes] = {f"sources/{n}.txt": "x" for n in range(5)}
    refused(write_archive(tmp_path / "many.qdpx", project_qde(), files), tmp_path, "members")


def test_a_header_that_lies_about_the_size_cannot_pass_more_than_it_declares(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(safe_archive, "MAX_MEMBER_BYTES", 1000)
    real = project_qde().encode() + b"<!-- padding -->" * 300  # ~5 KB, over the limit
    assert len(real) > 4000
    lying = [("project.qde", deflated(real), 8, zlib.crc32(real), 100)]
    refused(raw_zip(tmp_path / "lie.qdpx", lying), tmp_path, "larger than 1,000 bytes")
    # The same lie with the CRC of the first 100 bytes: zipfile stops where the header says,
    # and what that gives is no project.
    prefix = [("project.qde", deflated(real), 8, zlib.crc32(real[:100]), 100)]
    refused(raw_zip(tmp_path / "prefix.qdpx", prefix), tmp_path, "project.qde")
    # Declared honestly but over the limit: the read stops at the limit.
    honest = [("project.qde", deflated(real), 8, zlib.crc32(real), len(real))]
    refused(raw_zip(tmp_path / "big.qdpx", honest), tmp_path, "larger than 1,000 bytes")


def test_a_header_declaring_less_than_its_text_holds_is_refused_not_cut_short(
    tmp_path: Path,
) -> None:
    # The CRC is that of the first 20 bytes: zipfile alone would stop there, check it, and
    # hand on a text cut short with every coding after it out of range or moved.
    text = TOLERANT_TEXT.encode("utf-8")
    cut = [
        plain_member("project.qde", project_qde().encode()),
        (f"sources/{SOURCE}.txt", deflated(text), 8, zlib.crc32(text[:20]), 20),
    ]
    refused(
        raw_zip(tmp_path / "cut.qdpx", cut),
        tmp_path,
        f"the header of sources/{SOURCE}.txt gives 20 bytes, but it holds {len(text)}",
    )
    honest = [cut[0], plain_member(f"sources/{SOURCE}.txt", text)]
    project = read_qdpx(raw_zip(tmp_path / "honest.qdpx", honest))
    assert project.sources[0].text == TOLERANT_TEXT
    damaged = [cut[0], (f"sources/{SOURCE}.txt", deflated(text), 8, 12345, len(text))]
    refused(raw_zip(tmp_path / "crc.qdpx", damaged), tmp_path, "CRC-32 does not match")


def test_an_encrypted_member_is_refused_in_one_line(tmp_path: Path) -> None:
    path = write_archive(tmp_path / "locked.qdpx", project_qde(), {})
    data = bytearray(path.read_bytes())
    data[6] |= 1  # the first local header's "encrypted" flag, and the central directory's
    central = data.find(b"PK\x01\x02")
    data[central + 8] |= 1
    path.write_bytes(bytes(data))
    refused(path, tmp_path, "project.qde is encrypted")


def test_a_text_read_by_many_sources_is_read_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Twenty sources naming one member must not unpack it twenty times (a bomb by reference).
    sources = "".join(
        f'<TextSource guid="{guid(200 + n)}" plainTextPath="internal://{SOURCE}.txt"/>'
        for n in range(20)
    )
    text = "x" * 4000
    path = write_archive(
        tmp_path / "shared.qdpx", project_qde(sources=sources), {f"sources/{SOURCE}.txt": text}
    )
    monkeypatch.setattr(safe_archive, "MAX_TOTAL_BYTES", 10_000)  # two reads of it, not three
    project = read_qdpx(path)
    assert len(project.sources) == 20 and {s.text for s in project.sources} == {text}
    with SafeArchive(path, "test archive") as archive:  # and reading it again is counted
        archive.read(f"sources/{SOURCE}.txt")
        archive.read(f"sources/{SOURCE}.txt")
        with pytest.raises(ImportFileError, match="unpack"):
            archive.read(f"sources/{SOURCE}.txt")


def test_a_member_named_twice_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "twice.qdpx"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # zipfile warns about the duplicate
        write_archive(path, project_qde())
        with zipfile.ZipFile(path, "a") as archive:
            archive.writestr(f"sources/{SOURCE}.txt", "another text")
    refused(path, tmp_path, "twice")


@pytest.mark.parametrize(
    ("content", "match"),
    [
        (b"this is not a zip", "not a zip"),
        (b"", "not a zip"),
        (b"PK\x03\x04" + bytes(40), "not a zip"),
    ],
)
def test_a_file_that_is_not_a_zip_is_refused(tmp_path: Path, content: bytes, match: str) -> None:
    path = tmp_path / "no.qdpx"
    path.write_bytes(content)
    refused(path, tmp_path, match)


def test_a_zip_without_a_project_is_refused(tmp_path: Path) -> None:
    path = write_archive(tmp_path / "none.qdpx", "", {"sources/a.txt": "x"}, qde_name="readme")
    refused(path, tmp_path, "no project.qde")
    nested = write_archive(tmp_path / "nested.qdpx", project_qde(), qde_name="inner/project.qde")
    refused(nested, tmp_path, "no project.qde")
    refused(tmp_path / "missing.qdpx", tmp_path, "not found")


# ------------------------------------------------------------------ hostile XML
def passwd_first_line() -> str:
    try:
        return Path("/etc/passwd").read_text(encoding="utf-8").splitlines()[0]
    except (OSError, IndexError):
        return "root:x:0:0"


DTD_ATTACKS = {
    "xxe": (
        '<!DOCTYPE Project [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        f'<Project xmlns="{NS}" name="&x;"><Description>&x;</Description></Project>'
    ),
    "parameter entity": (
        '<!DOCTYPE Project [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>'
        f'<Project xmlns="{NS}" name="p"/>'
    ),
    "external dtd": (
        f'<!DOCTYPE Project SYSTEM "http://127.0.0.1:9/evil.dtd"><Project xmlns="{NS}" name="p"/>'
    ),
    "external dtd from a file": (
        '<?xml version="1.0"?>\n<!-- a comment first -->\n'
        '<!DOCTYPE Project PUBLIC "-//x//y" "file:///etc/passwd">'
        f'<Project xmlns="{NS}" name="p"/>'
    ),
    "billion laughs": (
        '<?xml version="1.0"?><!DOCTYPE Project [<!ENTITY l0 "ha">'
        + "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
        + f']><Project xmlns="{NS}" name="&l9;">&l9;</Project>'
    ),
    "quadratic blowup": (
        f'<!DOCTYPE Project [<!ENTITY a "{"x" * 50_000}">]>'
        f'<Project xmlns="{NS}" name="p">{"&a;" * 20_000}</Project>'
    ),
}


@pytest.mark.timeout(5)
@pytest.mark.parametrize("attack", list(DTD_ATTACKS))
@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_a_dtd_is_refused_before_anything_is_read(
    tmp_path: Path, attack: str, encoding: str
) -> None:
    document = DTD_ATTACKS[attack]
    if encoding == "utf-16":
        document = document.replace('<?xml version="1.0"?>', "")
        document = '<?xml version="1.0" encoding="utf-16"?>' + document
    path = write_archive(tmp_path / "dtd.qdpx", document.encode(encoding))
    started = time.monotonic()
    for lenient in (False, True):
        message = refused(path, tmp_path, "DTD", lenient=lenient)
        assert passwd_first_line() not in message and "root:" not in message
    assert time.monotonic() - started < 1


def test_malformed_xml_is_one_line_with_its_line_number(tmp_path: Path) -> None:
    path = write_archive(tmp_path / "bad.qdpx", project_qde().replace("</Sources>", "</Sourc>"))
    message = refused(path, tmp_path, "not well-formed")
    assert ", line 2:" in message


@pytest.mark.parametrize(
    ("codes", "sources"),
    [
        (  # two codes, one GUID
            f'<Code guid="{CODE}" name="A" isCodable="true"/>'
            f'<Code guid="{CODE.upper()}" name="B" isCodable="true"/>',
            None,
        ),
        (  # a code and a source
            f'<Code guid="{CODE}" name="A" isCodable="true"/>',
            f'<TextSource guid="{{{CODE}}}" plainTextPath="internal://{SOURCE}.txt"/>',
        ),
    ],
    ids=["two codes", "a code and a source"],
)
def test_duplicate_guids_stop_the_import_even_when_lenient(
    tmp_path: Path, codes: str, sources: str | None
) -> None:
    path = write_archive(tmp_path / "dup.qdpx", project_qde(codes=codes, sources=sources))
    for lenient in (False, True):
        message = refused(path, tmp_path, "GUIDs used twice", lenient=lenient)
        assert CODE in message


def test_a_coding_of_an_unknown_code_is_an_error_or_left_out(tmp_path: Path) -> None:
    path = write_archive(tmp_path / "code.qdpx", project_qde(selection_xml(code=guid(99))))
    refused(path, tmp_path, f"coding {guid(104)}")
    project = read_qdpx(path, lenient=True)
    assert not any(sel.codings for sel in project.sources[0].selections)
    assert any(guid(104) in item and guid(99) in item for item in project.skipped)


@pytest.mark.parametrize("who", ["coding", "selection"])
def test_an_unknown_creating_user_is_an_error_or_left_out(tmp_path: Path, who: str) -> None:
    stranger = guid(98)
    inner = (
        selection_xml(user=stranger) if who == "coding" else selection_xml(selection_user=stranger)
    )
    path = write_archive(tmp_path / "user.qdpx", project_qde(inner + selection_xml(number=9)))
    refused(path, tmp_path, f"unknown user ({stranger})")
    project = read_qdpx(path, lenient=True)
    kept = [sel for sel in project.sources[0].selections if sel.codings]
    assert [sel.guid for sel in kept] == [guid(9)]  # the other selection is still there
    assert any(stranger in item for item in project.skipped)


@pytest.mark.parametrize(
    ("target", "match"),
    [
        (f"internal://{guid(77)}.txt", "is not in the archive"),
        ("/etc/passwd", "is not in the archive"),
        ("file:///etc/passwd", "is not in the archive"),
        ("internal://../../etc/passwd", "is not in the archive"),
        ("relative://../../../etc/passwd", "is not in the archive"),
        (None, "has no text"),  # neither a plainTextPath nor a PlainTextContent
    ],
)
def test_a_text_missing_from_the_zip_is_an_error_and_never_read_from_disk(
    tmp_path: Path, target: str | None, match: str
) -> None:
    path = write_archive(tmp_path / "missing.qdpx", project_qde(path=target))
    message = refused(path, tmp_path, match)
    assert passwd_first_line() not in message
    project = read_qdpx(path, lenient=True)
    assert project.sources == ()
    assert any("t.txt" in item for item in project.skipped)


BAD_POSITIONS = {
    "start after end": ("5", "3"),
    "negative": ("-1", "4"),
    "end beyond the text": ("5", "50"),
    "a fraction": ("1.5", "4"),
    "words": ("two", "4"),
    "empty": ("", "4"),
    "missing": (None, "4"),
    "python digit grouping": ("0", "1_0"),
    "not ascii digits": ("\u0663", "5"),
    "a float end": ("1", "4.0"),
}


@pytest.mark.parametrize("case", list(BAD_POSITIONS))
def test_a_selection_outside_its_text_is_reported_and_never_clamped(
    tmp_path: Path, case: str
) -> None:
    start, end = BAD_POSITIONS[case]
    inner = selection_xml(start, end) + selection_xml("6", "10", number=9)
    path = write_archive(tmp_path / "sel.qdpx", project_qde(inner))
    refused(path, tmp_path, f"selection {SELECTION}")
    project = read_qdpx(path, lenient=True)
    kept = [(sel.guid, sel.start, sel.end) for sel in project.sources[0].selections]
    assert kept == [(guid(9), 6, 10)]  # the bad one left out, not moved into the text
    assert [item for item in project.skipped if SELECTION in item]


@pytest.mark.timeout(10)
@pytest.mark.parametrize("depth", [5000, 230])
def test_codes_nested_thousands_deep_are_a_clean_error(tmp_path: Path, depth: int) -> None:
    nested = "".join(
        f'<Code guid="{guid(1000 + n)}" name="c{n}" isCodable="true">' for n in range(depth)
    )
    codes = nested + "</Code>" * depth
    path = write_archive(tmp_path / "deep.qdpx", project_qde(codes=codes, sources=""))
    refused(path, tmp_path, "deep")  # an ImportFileError, not a RecursionError


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_any_attribute_removed_gives_a_project_or_one_clean_error(data: st.DataObject) -> None:
    qde = project_qde(selection_xml() + selection_xml("6", "9", number=9))
    document = etree.fromstring(qde.encode())
    owners = [e for e in document.iter() if isinstance(e.tag, str) and e.attrib]
    owner = data.draw(st.sampled_from(owners))
    del owner.attrib[data.draw(st.sampled_from(sorted(owner.attrib)))]
    lenient = data.draw(st.booleans())
    with tempfile.TemporaryDirectory() as folder:
        path = write_archive(Path(folder) / "cut.qdpx", etree.tostring(document))
        try:
            read_qdpx(path, lenient=lenient)
        except ImportFileError as error:
            assert "\n" not in str(error)
