"""odt_raw_text: every word a reader of an .odt sees, once, with speaker hints and what was
left out; the real ODT transcripts lose no word that odfpy finds; broken and hostile files
are ImportFileErrors naming the file.

Test files are written as zips by hand (mimetype first and stored, a manifest, content.xml,
styles.xml), one with odfpy.
"""

from __future__ import annotations

import zipfile
from collections import Counter
from pathlib import Path

import pytest
from lxml import etree

from qualcope.errors import ImportFileError
from qualcope.ingest.base import LabelHint, RawText
from qualcope.ingest.odt_text import odt_raw_text
from tests.conftest import fastest

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
    'xmlns:xlink="http://www.w3.org/1999/xlink" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/"'
)
MIMETYPE = b"application/vnd.oasis.opendocument.text"
MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
    'manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/" manifest:media-type="'
    + MIMETYPE.decode()
    + '"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    '<manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)
AUTOMATIC_STYLES = (
    "<office:automatic-styles>"
    '<style:style style:name="T1" style:family="text">'
    '<style:text-properties fo:font-weight="bold"/></style:style>'
    '<style:style style:name="T2" style:family="text">'
    '<style:text-properties fo:font-weight="normal"/></style:style>'
    '<style:style style:name="T3" style:family="text" style:parent-style-name="Speaker"/>'
    "</office:automatic-styles>"
)
COMMON_STYLES = (
    "<office:styles>"
    '<style:style style:name="Speaker" style:family="text">'
    '<style:text-properties fo:font-weight="700"/></style:style>'
    "</office:styles>"
)


def make_odt(path: Path, body: str, *, master: str = "", styles: str = COMMON_STYLES) -> Path:
    """An .odt whose office:text holds ``body``; ``master`` goes into a master page."""
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {NAMESPACES} '
        f'office:version="1.2">{AUTOMATIC_STYLES}<office:body><office:text>{body}'
        "</office:text></office:body></office:document-content>"
    )
    styles_xml = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-styles {NAMESPACES} '
        f'office:version="1.2">{styles}<office:master-styles>'
        f'<style:master-page style:name="Standard">{master}</style:master-page>'
        "</office:master-styles></office:document-styles>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), MIMETYPE, compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", MANIFEST)
        archive.writestr("content.xml", content)
        archive.writestr("styles.xml", styles_xml)
    return path


def hints_as_text(raw: RawText) -> list[tuple[str, str, float | None]]:
    return [
        (raw.text[h.start : h.content], raw.text[h.content :].split("\n")[0], h.timestamp)
        for h in raw.hints
    ]


def cell(text: str) -> str:
    return f"<table:table-cell><text:p>{text}</text:p></table:table-cell>"


def row(*cells: str) -> str:
    return "<table:table-row>" + "".join(cell(c) for c in cells) + "</table:table-row>"


ALL_CONSTRUCTS = "".join(
    [
        "<text:sequence-decls>"
        '<text:sequence-decl text:display-outline-level="0" text:name="Table"/>'
        "</text:sequence-decls>",
        '<text:tracked-changes><text:changed-region text:id="ct1"><text:deletion>'
        "<office:change-info><dc:creator>Kim</dc:creator><dc:date>2024-01-01T00:00:00</dc:date>"
        "</office:change-info><text:p>removed words</text:p></text:deletion></text:changed-region>"
        "</text:tracked-changes>",
        '<text:h text:outline-level="1">'
        '<text:span text:style-name="T1">Garden interview</text:span></text:h>',
        "<text:p/>",
        '<text:p><text:span text:style-name="T1">Interviewer:</text:span> Did you see the '
        '<text:a xlink:href="https://example.org/">project website</text:a>?'
        '<office:annotation office:name="c1"><dc:creator>Kim</dc:creator>'
        "<text:p>Check the link</text:p></office:annotation></text:p>",
        '<text:p><text:span text:style-name="T3">Respondent:</text:span> Yes,<text:s text:c="2"/>'
        'the volunteers<text:note text:id="n1" text:note-class="footnote">'
        "<text:note-citation>1</text:note-citation><text:note-body><text:p>They were students."
        "</text:p></text:note-body></text:note> showed it<text:tab/>to<text:line-break/>me."
        '<text:change text:change-id="ct1"/></text:p>',
        # Character data white space collapses (ODF 1.2, 6.1.2); text:s is kept.
        '<text:p>\n   <text:span text:style-name="T1">Maria</text:span>   We met\n in '
        '<text:meta xml:id="m1">Utrecht</text:meta>.<text:soft-page-break/></text:p>',
        '<text:p><text:span text:style-name="T1">Maria</text:span> '
        '<text:span text:style-name="T2">Again.</text:span></text:p>',
        '<text:p><text:span text:style-name="T1">Honestly</text:span> the soil was poor.</text:p>',
        "<text:list><text:list-item><text:p>First point</text:p>"
        "<text:list><text:list-item><text:p>Nested point</text:p></text:list-item></text:list>"
        "</text:list-item></text:list>",
        '<text:section text:name="S1"><text:p>In a section.</text:p></text:section>',
        '<text:p>See the box.<draw:frame draw:name="F1" text:anchor-type="as-char">'
        "<draw:text-box><text:p>Seeds arrived late.</text:p></draw:text-box></draw:frame>"
        '<draw:frame draw:name="Img"><draw:image xlink:href="Pictures/x.png">'
        "<svg:desc>alt text</svg:desc></draw:image></draw:frame> Then.</text:p>",
        '<table:table table:name="T">'
        '<table:table-column table:number-columns-repeated="3"/>'
        "<table:table-header-rows>"
        + row("Speaker", "Time", "Text")
        + "</table:table-header-rows>"
        + row("Ana", "00:01:12", "We grew tomatoes.")
        + "<table:table-row>"
        + cell("Ben")
        + cell("[00:02:05.5]")
        + "<table:table-cell><text:p>And</text:p><text:p/><text:p>herbs.</text:p>"
        "</table:table-cell></table:table-row>" + "</table:table>",
    ]
)
EXPECTED_LINES = [
    "Garden interview",
    "",
    "Interviewer: Did you see the project website?",
    "Respondent: Yes,  the volunteers showed it\tto\nme.",
    "Maria We met in Utrecht.",
    "Maria Again.",
    "Honestly the soil was poor.",
    "First point",
    "Nested point",
    "In a section.",
    "See the box. Then.",
    "Seeds arrived late.",
    "Speaker\tTime\tText",
    "Ana\t00:01:12\tWe grew tomatoes.",
    "Ben\t[00:02:05.5]\tAnd herbs.",
]


def test_every_construct_together_gives_each_visible_word_once(tmp_path: Path) -> None:
    master = "<style:header><text:p>Confidential draft</text:p></style:header>"
    raw = odt_raw_text(make_odt(tmp_path / "all.odt", ALL_CONSTRUCTS, master=master))
    assert raw.text == "\n".join(EXPECTED_LINES)
    assert Counter(raw.text.split()) == Counter("\n".join(EXPECTED_LINES).split())
    for hidden in ("removed", "Check", "students", "Confidential", "alt", "1\n"):
        assert hidden not in raw.text
    assert hints_as_text(raw) == [
        ("Interviewer: ", "Did you see the project website?", None),
        ("Respondent: ", "Yes,  the volunteers showed it\tto", None),
        ("Maria ", "We met in Utrecht.", None),
        ("Maria ", "Again.", None),
        ("Ana\t00:01:12\t", "We grew tomatoes.", 72.0),
        ("Ben\t[00:02:05.5]\t", "And herbs.", 125.5),
    ]
    assert raw.left_out == (
        "1 comment",
        "1 footnote",
        "page header text",
        "1 tracked deletion (left out as deleted)",
    )


def test_covered_cells_nested_tables_and_a_data_table(tmp_path: Path) -> None:
    body = (
        "<table:table>"
        '<table:table-row><table:table-cell table:number-columns-spanned="2">'
        "<text:p>wide</text:p></table:table-cell><table:covered-table-cell/>"
        + cell("c")
        + "</table:table-row><table:table-row>"
        + cell("a")
        + "<table:table-cell><text:p>outer</text:p><table:table>"
        + row("in a", "in b")
        + "</table:table></table:table-cell>"
        + cell("x")
        + "</table:table-row></table:table>"
    )
    raw = odt_raw_text(make_odt(tmp_path / "t.odt", body))
    assert raw.text == "wide\t\tc\na\touter in a in b\tx"
    assert raw.hints == ()


def test_a_speaker_table_without_header(tmp_path: Path) -> None:
    body = (
        "<table:table>"
        + row("I:", "How did it start?")
        + row("R:", "With a meeting.")
        + row("I:", "And then?")
        + "</table:table>"
    )
    raw = odt_raw_text(make_odt(tmp_path / "s.odt", body))
    assert raw.hints == (
        LabelHint(0, 3, "I"),
        LabelHint(21, 24, "R"),
        LabelHint(40, 43, "I"),
    )


def test_a_bold_heading_span_and_a_lone_bold_word_are_not_labels(tmp_path: Path) -> None:
    body = (
        '<text:p><text:span text:style-name="T1">Findings</text:span></text:p>'
        '<text:p><text:span text:style-name="T1">Really</text:span> it was.</text:p>'
        '<text:p>Plain: <text:span text:style-name="T1">bold later</text:span></text:p>'
    )
    raw = odt_raw_text(make_odt(tmp_path / "h.odt", body))
    assert raw.text == "Findings\nReally it was.\nPlain: bold later"
    assert raw.hints == ()
    assert raw.left_out == ()


def test_frames_anchored_to_the_page_and_endnotes(tmp_path: Path) -> None:
    body = (
        '<draw:frame text:anchor-type="page"><draw:text-box><text:p>Page box.</text:p>'
        "</draw:text-box></draw:frame>"
        '<text:p>Text<text:note text:note-class="endnote">'
        "<text:note-citation>i</text:note-citation>"
        "<text:note-body><text:p>An endnote.</text:p></text:note-body></text:note>.</text:p>"
    )
    master = "<style:footer><text:p><text:page-number>1</text:page-number></text:p></style:footer>"
    raw = odt_raw_text(make_odt(tmp_path / "f.odt", body, master=master))
    assert raw.text == "Page box.\nText."
    assert raw.left_out == ("1 endnote",)  # a footer holding a page number is not reported


def test_odfpy_document_with_a_bold_automatic_style(tmp_path: Path) -> None:
    from odf.opendocument import OpenDocumentText
    from odf.style import Style, TextProperties
    from odf.text import P, Span

    document = OpenDocumentText()
    bold = Style(name="Bold", family="text")
    bold.addElement(TextProperties(fontweight="bold"))
    document.automaticstyles.addElement(bold)
    for words in ("Welcome.", "Thanks for coming."):
        paragraph = P()
        paragraph.addElement(Span(stylename=bold, text="Host"))
        paragraph.addText(" " + words)
        document.text.addElement(paragraph)
    document.save(str(tmp_path / "odfpy.odt"))
    raw = odt_raw_text(tmp_path / "odfpy.odt")
    assert raw.text == "Host Welcome.\nHost Thanks for coming."
    assert [(h.label, h.start, h.content) for h in raw.hints] == [("Host", 0, 5), ("Host", 14, 19)]


# ------------------------------------------------------------------ broken and hostile files
def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "fake.odt"
    path.write_bytes(b"plain text")
    with pytest.raises(ImportFileError, match=r"fake\.odt: is not a valid OpenDocument .*zip"):
        odt_raw_text(path)


def test_a_zip_without_content(tmp_path: Path) -> None:
    path = _zip(tmp_path / "empty.odt", {"mimetype": MIMETYPE})
    with pytest.raises(ImportFileError, match=r"empty\.odt: .*no content\.xml"):
        odt_raw_text(path)


def test_malformed_content(tmp_path: Path) -> None:
    path = _zip(tmp_path / "bad.odt", {"mimetype": MIMETYPE, "content.xml": b"<office:document"})
    with pytest.raises(ImportFileError, match=r"bad\.odt: .*not well-formed XML"):
        odt_raw_text(path)


def test_a_spreadsheet_is_not_a_text_document(tmp_path: Path) -> None:
    content = (
        f"<office:document-content {NAMESPACES}><office:body><office:spreadsheet/>"
        "</office:body></office:document-content>"
    ).encode()
    path = _zip(tmp_path / "sheet.odt", {"content.xml": content})
    with pytest.raises(ImportFileError, match=r"sheet\.odt: is an OpenDocument spreadsheet"):
        odt_raw_text(path)


def test_an_external_entity_is_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET", encoding="utf-8")
    content = (
        f'<?xml version="1.0"?><!DOCTYPE office:document-content '
        f'[<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>'
        f"<office:document-content {NAMESPACES}><office:body><office:text>"
        "<text:p>&xxe;</text:p></office:text></office:body></office:document-content>"
    ).encode()
    path = _zip(tmp_path / "xxe.odt", {"content.xml": content})
    with pytest.raises(ImportFileError, match=r"xxe\.odt: .*DTD") as caught:
        odt_raw_text(path)
    assert "TOPSECRET" not in str(caught.value)


# ------------------------------------------------------------------ real transcripts
def _odfpy_words(path: Path) -> Counter[str]:
    """The words the old reader found: odfpy's teletype text of each text:p and text:h."""
    from odf import opendocument, teletype
    from odf.namespaces import TEXTNS

    words: Counter[str] = Counter()
    stack = [opendocument.load(str(path)).text]
    while stack:
        node = stack.pop()
        if getattr(node, "qname", None) in ((TEXTNS, "p"), (TEXTNS, "h")):
            words.update(teletype.extractText(node).split())
            continue
        stack.extend(reversed(getattr(node, "childNodes", [])))
    return words


def _real_odts() -> list[Path]:
    folder = SHARED / "external" / "serdif-usability" / "transcripts"
    return sorted(folder.glob("*.odt")) if folder.is_dir() else []


@pytest.mark.parametrize("path", _real_odts() or [None], ids=lambda p: p.name if p else "missing")
def test_real_odt_transcripts_keep_every_word_odfpy_finds(path: Path | None) -> None:
    if path is None:
        pytest.skip(f"SKIPPED: the shared transcripts under {SHARED} are missing")
    raw = odt_raw_text(path)
    assert raw.text.strip()
    paragraph = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}p"

    def least() -> str:  # what any reader does: unzip, parse, join each paragraph's text
        root = etree.fromstring(zipfile.ZipFile(path).read("content.xml"))
        return "\n".join("".join(p.itertext()) for p in root.iter(paragraph))

    ours, baseline = fastest(7, lambda: odt_raw_text(path), least)
    # 2.1-3.5x measured on the 17 transcripts (spaces, tabs, line breaks, notes and speaker
    # hints are read too); a step per character would be far more.
    assert ours < 8 * baseline, f"ours {ours * 1e3:.1f} ms, the least walk {baseline * 1e3:.1f} ms"
    old = _odfpy_words(path)
    assert old
    assert not old - Counter(raw.text.split()), f"words lost: {old - Counter(raw.text.split())}"


def test_the_seventeen_real_transcripts_are_all_there() -> None:
    if not SHARED.is_dir():
        pytest.skip(f"SKIPPED: the shared reference folder {SHARED} is missing")
    assert len(_real_odts()) == 17


def test_real_qualcoder_example_odt_keeps_every_odfpy_word() -> None:
    if not SHARED.is_dir():
        pytest.skip(f"SKIPPED: the shared reference folder {SHARED} is missing")
    path = SHARED / "external" / "qualcoder-examples" / "ID2.odt"
    old = _odfpy_words(path)
    assert old
    assert not old - Counter(odt_raw_text(path).text.split())
