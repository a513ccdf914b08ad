"""docx_raw_text: every word a reader of a .docx sees, once, with speaker hints and what was
left out; broken and hostile files are ImportFileErrors naming the file.

Each test builds its document from python-docx's default package and injects raw
WordprocessingML for the constructs under test.
"""

from __future__ import annotations

import io
import zipfile
from collections import Counter
from pathlib import Path
from xml.sax.saxutils import escape

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from lxml import etree

from qualcope.errors import ImportFileError
from qualcope.ingest.base import LabelHint, RawText
from qualcope.ingest.docx_text import docx_raw_text
from tests.conftest import fastest

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NAMESPACES = (
    f'xmlns:w="{W_NS}" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml"'
)
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml."


def make_docx(
    path: Path,
    body: str,
    *,
    parts: dict[str, tuple[str, str]] | None = None,
    bold_style: str | None = None,
) -> Path:
    """A .docx whose body is ``body`` (WordprocessingML, ``w:`` and friends bound).

    ``parts``: part name -> (relationship/content-type kind, XML), related to the document.
    ``bold_style``: the name of a bold character style to add to styles.xml.
    """
    document = docx.Document()
    if bold_style:
        document.styles.add_style(bold_style, WD_STYLE_TYPE.CHARACTER).font.bold = True
    buffer = io.BytesIO()
    document.save(buffer)
    parts = parts or {}
    with (
        zipfile.ZipFile(buffer) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                data = _with_body(data, body)
            elif item.filename == "word/_rels/document.xml.rels":
                rels = "".join(
                    f'<Relationship Id="rIdX{n}" Type="{REL}{kind}" '
                    f'Target="{name.removeprefix("word/")}"/>'
                    for n, (name, (kind, _)) in enumerate(parts.items())
                )
                data = data.replace(b"</Relationships>", rels.encode() + b"</Relationships>")
            elif item.filename == "[Content_Types].xml":
                types = "".join(
                    f'<Override PartName="/{name}" ContentType="{CONTENT_TYPE}{kind}+xml"/>'
                    for name, (kind, _) in parts.items()
                )
                data = data.replace(b"</Types>", types.encode() + b"</Types>")
            target.writestr(item, data)
        for name, (_, xml) in parts.items():
            target.writestr(name, xml)
    docx.Document(str(path))  # python-docx still opens it: the package is valid
    return path


def _with_body(document_xml: bytes, body: str) -> bytes:
    root = etree.fromstring(document_xml)
    old_body = root.find(f"{{{W_NS}}}body")
    assert old_body is not None
    section = old_body.find(f"{{{W_NS}}}sectPr")
    new_body = etree.fromstring(f"<w:body {NAMESPACES}>{body}</w:body>")
    for child in list(old_body):
        old_body.remove(child)
    for child in list(new_body):
        old_body.append(child)
    if section is not None:
        old_body.append(section)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def p(*runs: str) -> str:
    return "<w:p>" + "".join(runs) + "</w:p>"


def r(text: str, *, bold: bool = False, style: str | None = None) -> str:
    props = ""
    if bold or style:
        props = "<w:rPr>"
        props += f'<w:rStyle w:val="{style}"/>' if style else ""
        props += "<w:b/>" if bold else ""
        props += "</w:rPr>"
    return f'<w:r>{props}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def b(text: str) -> str:
    return r(text, bold=True)


def tc(text: str, extra: str = "") -> str:
    props = f"<w:tcPr>{extra}</w:tcPr>" if extra else ""
    return f"<w:tc>{props}{p(r(text)) if text else '<w:p/>'}</w:tc>"


def tr(*cells: str) -> str:
    return "<w:tr>" + "".join(tc(cell) for cell in cells) + "</w:tr>"


def hints_as_text(raw: RawText) -> list[tuple[str, str, float | None]]:
    """(label as it stands in the text, first words of the turn, timestamp) per hint."""
    return [
        (raw.text[h.start : h.content], raw.text[h.content :].split("\n")[0], h.timestamp)
        for h in raw.hints
    ]


# ------------------------------------------------------------------ every construct at once
TEXT_BOX = (
    "<w:r><mc:AlternateContent>"
    '<mc:Choice Requires="wps"><w:drawing><wp:anchor><a:graphic><a:graphicData>'
    "<wps:wsp><wps:txbx><w:txbxContent>"
    + p(r("Seeds arrived late in spring."))
    + "</w:txbxContent></wps:txbx></wps:wsp>"
    "</a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>"
    "<mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>"
    + p(r("Seeds arrived late in spring."))
    + "</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback>"
    "</mc:AlternateContent></w:r>"
)
COMPLEX_FIELD = (
    '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
    '<w:r><w:instrText xml:space="preserve"> DATE \\@ "d MMMM" </w:instrText></w:r>'
    '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
    "<w:r><w:t>3 March</w:t></w:r>"
    '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
)
ALL_CONSTRUCTS = "".join(
    [
        p(b("Garden project interview")),  # a bold heading: no label
        "<w:p/>",
        p(
            b("Interviewer:"),
            r(" Did you see the "),
            '<w:hyperlink w:anchor="site">' + r("project website") + "</w:hyperlink>",
            r(" on "),
            COMPLEX_FIELD,
            '<w:commentRangeStart w:id="0"/>',
            r("?"),
            '<w:commentRangeEnd w:id="0"/>',
            '<w:r><w:commentReference w:id="0"/></w:r>',
        ),
        # Google Docs keeps a whole answer inside a content control.
        '<w:sdt><w:sdtPr><w:tag w:val="goog_rdk_1"/></w:sdtPr><w:sdtContent>'
        + p(
            b("Respondent: "),
            r("Yes, the "),
            '<w:sdt><w:sdtPr><w:tag w:val="goog_rdk_2"/></w:sdtPr><w:sdtContent>'
            + r("volunteers")
            + "</w:sdtContent></w:sdt>",
            r(" showed it to me"),
            '<w:r><w:footnoteReference w:id="1"/></w:r>',
            r("."),
        )
        + "</w:sdtContent></w:sdt>",
        p(
            b("Maria"),
            r(" We met in "),
            '<w:smartTag w:uri="urn:schemas-microsoft-com:office:smarttags" w:element="place">'
            + r("Utrecht")
            + "</w:smartTag>",
            r(" with "),
            '<w:fldSimple w:instr=" AUTHOR \\* MERGEFORMAT ">' + r("Ana") + "</w:fldSimple>",
            r(" and the "),
            '<w:ins w:id="5" w:author="A" w:date="2024-01-01T00:00:00Z">' + r("new") + "</w:ins>",
            '<w:del w:id="6" w:author="A" w:date="2024-01-01T00:00:00Z">'
            "<w:r><w:delText>old</w:delText></w:r></w:del>",
            r(" team."),
        ),
        p(
            b("Maria"),
            r(" It was a well"),
            "<w:r><w:noBreakHyphen/><w:t>known place</w:t><w:tab/><w:t>near</w:t><w:br/>"
            "<w:t>the river.</w:t></w:r>",
        ),
        p(b("Honestly"), r(" the soil was poor.")),  # a bold first word used once: no label
        p(r("See the note below."), TEXT_BOX),
        p(
            r("Then we "),
            '<w:moveTo w:id="7" w:author="A">' + r("planted beans") + "</w:moveTo>",
            r(" together."),
            '<w:moveFrom w:id="8" w:author="A">' + r(" planted beans") + "</w:moveFrom>",
        ),
        '<w:sdt><w:sdtPr><w:tag w:val="goog_rdk_3"/></w:sdtPr><w:sdtContent><w:tbl>'
        + tr("Speaker", "Time", "Text")
        + tr("Ana", "00:01:12", "We grew tomatoes.")
        + "<w:sdt><w:sdtContent><w:tr><w:sdt><w:sdtContent>"
        + tc("Ben")
        + "</w:sdtContent></w:sdt>"
        + tc("[00:02:05.5]")
        + "<w:tc>"
        + p(r("And"))
        + "<w:p/>"
        + p(r("herbs."))
        + "</w:tc>"
        + "</w:tr></w:sdtContent></w:sdt>"
        + tr("Ana", "1:12", "Mostly basil.")
        + "</w:tbl></w:sdtContent></w:sdt>",
    ]
)
COMMENTS = (
    f'<w:comments {NAMESPACES}><w:comment w:id="0" w:author="Kim">'
    + p(r("Check this date"))
    + "</w:comment></w:comments>"
)
FOOTNOTES = (
    f"<w:footnotes {NAMESPACES}>"
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/>'
    "</w:r></w:p></w:footnote>"
    '<w:footnote w:id="1">' + p(r("They were students")) + "</w:footnote></w:footnotes>"
)
HEADER = f"<w:hdr {NAMESPACES}>" + p(r("Confidential draft")) + "</w:hdr>"
FOOTER = f"<w:ftr {NAMESPACES}>" + p(r("7")) + "</w:ftr>"  # a page number only

EXPECTED_LINES = [
    "Garden project interview",
    "",
    "Interviewer: Did you see the project website on 3 March?",
    "Respondent: Yes, the volunteers showed it to me.",
    "Maria We met in Utrecht with Ana and the new team.",
    "Maria It was a well\u2011known place\tnear\nthe river.",
    "Honestly the soil was poor.",
    "See the note below.",
    "Seeds arrived late in spring.",
    "Then we planted beans together.",
    "Speaker\tTime\tText",
    "Ana\t00:01:12\tWe grew tomatoes.",
    "Ben\t[00:02:05.5]\tAnd herbs.",
    "Ana\t1:12\tMostly basil.",
]


def test_every_construct_together_gives_each_visible_word_once(tmp_path: Path) -> None:
    path = make_docx(
        tmp_path / "all.docx",
        ALL_CONSTRUCTS,
        parts={
            "word/comments.xml": ("comments", COMMENTS),
            "word/footnotes.xml": ("footnotes", FOOTNOTES),
            "word/header1.xml": ("header", HEADER),
            "word/footer1.xml": ("footer", FOOTER),
        },
    )
    raw = docx_raw_text(path)
    assert raw.text == "\n".join(EXPECTED_LINES)
    # Every word a reader sees, exactly once, and nothing else.
    assert Counter(raw.text.split()) == Counter("\n".join(EXPECTED_LINES).split())
    for hidden in (
        "DATE",
        "MMMM",
        "AUTHOR",
        "MERGEFORMAT",
        "old",
        "Check",
        "students",
        "Confidential",
        "goog_rdk",
    ):
        assert hidden not in raw.text
    assert raw.text.count("Seeds") == 1  # the text box's Choice, not also its Fallback
    assert raw.text.count("planted") == 1  # moveTo kept, moveFrom left out
    assert hints_as_text(raw) == [
        ("Interviewer: ", "Did you see the project website on 3 March?", None),
        ("Respondent: ", "Yes, the volunteers showed it to me.", None),
        ("Maria ", "We met in Utrecht with Ana and the new team.", None),
        ("Maria ", "It was a well\u2011known place\tnear", None),
        ("Ana\t00:01:12\t", "We grew tomatoes.", 72.0),
        ("Ben\t[00:02:05.5]\t", "And herbs.", 125.5),
        ("Ana\t1:12\t", "Mostly basil.", 72.0),
    ]
    assert [h.label for h in raw.hints] == [
        "Interviewer",
        "Respondent",
        "Maria",
        "Maria",
        "Ana",
        "Ben",
        "Ana",
    ]
    assert raw.left_out == (
        "1 comment",
        "1 footnote",
        "page header text",
        "1 tracked deletion (left out as deleted)",
    )


def test_hint_offsets_point_at_the_label_and_the_first_word(tmp_path: Path) -> None:
    path = make_docx(
        tmp_path / "offsets.docx",
        p(b("  Interviewer"), r(" :\t How are you?"))
        + p(b("R:"), r("Fine."))
        + p(b("Maria:"), "<w:r><w:br/></w:r>", r("Hello.")),  # the words below the label
    )
    raw = docx_raw_text(path)
    assert raw.text == "  Interviewer :\t How are you?\nR:Fine.\nMaria:\nHello."
    assert raw.hints == (
        LabelHint(start=2, content=17, label="Interviewer"),
        LabelHint(start=30, content=32, label="R"),
        LabelHint(start=38, content=45, label="Maria"),
    )


# ------------------------------------------------------------------ labels
def test_a_bold_heading_and_a_bold_first_word_used_once_are_not_labels(tmp_path: Path) -> None:
    path = make_docx(
        tmp_path / "emphasis.docx",
        p(b("Findings"))
        + p(b("Really"), r(" it was fine."))
        + p(b("Summary:"))  # a colon label alone on its line: no words after it
        + p(b("Not"), r(" bold again")),
    )
    raw = docx_raw_text(path)
    assert raw.text == "Findings\nReally it was fine.\nSummary:\nNot bold again"
    assert raw.hints == ()
    assert raw.left_out == ()


def test_a_recurring_bold_label_without_colon_counts_case_folded(tmp_path: Path) -> None:
    path = make_docx(
        tmp_path / "recurring.docx",
        p(b("Maria  Jansen"), r(" Hello."))
        + p(b("maria jansen"), r("\tGoodbye."))
        + p(b("Piet"), r(" Once.")),
    )
    raw = docx_raw_text(path)
    assert [(h.label, raw.text[h.content :].split("\n")[0]) for h in raw.hints] == [
        ("Maria  Jansen", "Hello."),
        ("maria jansen", "Goodbye."),
    ]


def test_bold_from_a_character_style_and_bold_switched_off(tmp_path: Path) -> None:
    path = make_docx(
        tmp_path / "styles.docx",
        p(r("Coach", style="SpeakerName"), r(" First."))
        + p(r("Coach", style="SpeakerName"), r(" Second."))
        + '<w:p><w:r><w:rPr><w:b w:val="0"/></w:rPr><w:t>Plain:</w:t></w:r>'
        + r(" not a label")
        + "</w:p>"
        + '<w:p><w:r><w:rPr><w:rStyle w:val="SpeakerName"/><w:b w:val="false"/></w:rPr>'
        "<w:t>Off:</w:t></w:r>" + r(" not bold either") + "</w:p>",
        bold_style="SpeakerName",
    )
    raw = docx_raw_text(path)
    assert [h.label for h in raw.hints] == ["Coach", "Coach"]


def test_implausible_bold_prefixes_give_no_label(tmp_path: Path) -> None:
    path = make_docx(
        tmp_path / "implausible.docx",
        p(b("2024:"), r(" a year"))
        + p(b("One two three four five six seven eight nine:"), r(" too many words"))
        + p(b("Why?:"), r(" punctuation"))
        + p(r(" "), b("Late:"), r(" a plain run first"))
        + p(b("Dr. A. O’Neil-Berg (chair):"), r(" fine"))
        + p(b("P1/P2 & Co:"), r(" fine")),
    )
    raw = docx_raw_text(path)
    assert [h.label for h in raw.hints] == ["Dr. A. O’Neil-Berg (chair)", "P1/P2 & Co"]


# ------------------------------------------------------------------ tables
def test_a_speaker_table_without_header_from_repeating_first_column(tmp_path: Path) -> None:
    body = (
        "<w:tbl>"
        + tr("Interviewer:", "How did it start?")
        + tr("Respondent", "With a meeting.")
        + tr("Interviewer:", "And then?")
        + tr("", "(continued)")
        + "</w:tbl>"
    )
    raw = docx_raw_text(make_docx(tmp_path / "t.docx", body))
    assert raw.text == (
        "Interviewer:\tHow did it start?\nRespondent\tWith a meeting.\n"
        "Interviewer:\tAnd then?\n\t(continued)"
    )
    assert [(h.label, raw.text[h.start : h.content]) for h in raw.hints] == [
        ("Interviewer", "Interviewer:\t"),
        ("Respondent", "Respondent\t"),
        ("Interviewer", "Interviewer:\t"),
    ]


def test_a_data_table_gets_no_hints(tmp_path: Path) -> None:
    body = (
        p(r("Appendix"))
        + "<w:tbl>"
        + tr("Country", "Gardens")
        + tr("Netherlands", "12")
        + tr("Belgium", "7")
        + "</w:tbl>"
    )
    raw = docx_raw_text(make_docx(tmp_path / "data.docx", body))
    assert raw.text == "Appendix\nCountry\tGardens\nNetherlands\t12\nBelgium\t7"
    assert raw.hints == ()


def test_merged_nested_and_spanned_cells(tmp_path: Path) -> None:
    nested = "<w:tbl>" + tr("inner a", "inner b") + tr("inner c", "") + "</w:tbl>"
    body = (
        "<w:tbl>"
        + "<w:tr>"
        + tc("Spanning two", '<w:gridSpan w:val="2"/>')
        + tc("third")
        + "</w:tr>"
        + "<w:tr>"
        + tc("top", '<w:vMerge w:val="restart"/>')
        + f"<w:tc>{p(r('outer'))}{nested}</w:tc>"
        + tc("x")
        + "</w:tr>"
        + "<w:tr>"
        + tc("", "<w:vMerge/>")
        + tc("y")
        + tc("z")
        + "</w:tr>"
        + "</w:tbl>"
        + p(r("After the table."))
    )
    raw = docx_raw_text(make_docx(tmp_path / "merged.docx", body))
    assert raw.text == (
        "Spanning two\tthird\ntop\touter inner a inner b inner c\tx\n\ty\tz\nAfter the table."
    )


# ------------------------------------------------------------------ inline details
def test_fields_nested_in_instructions_and_a_field_that_never_ends(tmp_path: Path) -> None:
    nested = (
        r("Total: ")
        + '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        + '<w:r><w:instrText xml:space="preserve"> IF </w:instrText></w:r>'
        + '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        + "<w:r><w:instrText>MERGEFIELD n</w:instrText></w:r>"
        + '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        + "<w:r><w:t>hidden</w:t></w:r>"
        + '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        + '<w:r><w:instrText xml:space="preserve"> = 1 "one" "many" </w:instrText></w:r>'
        + '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        + "<w:r><w:t>many</w:t></w:r>"
        + '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )
    raw = docx_raw_text(make_docx(tmp_path / "fields.docx", p(nested) + p(r("Next."))))
    assert raw.text == "Total: many\nNext."
    broken = p(
        r("Before "),
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>',
        "<w:r><w:instrText>PAGE</w:instrText></w:r>",
    ) + p(r("After."))
    raw = docx_raw_text(make_docx(tmp_path / "broken-field.docx", broken))
    assert raw.text == "Before \nAfter."  # nothing hidden behind a field that never ends


def test_symbols_hyphens_breaks_and_deleted_paragraphs(tmp_path: Path) -> None:
    body = (
        p(
            "<w:r><w:t>co</w:t><w:softHyphen/><w:t>operate</w:t>"
            '<w:sym w:font="Wingdings" w:char="F0E0"/><w:sym w:font="Arial" w:char="2192"/>'
            "<w:cr/><w:t>end</w:t><w:ptab/><w:t>x</w:t></w:r>"
        )
        # a paragraph deleted with its mark: gone from the final document
        + '<w:p><w:pPr><w:rPr><w:del w:id="1" w:author="A"/></w:rPr></w:pPr>'
        '<w:del w:id="2" w:author="A"><w:r><w:delText>Gone.</w:delText></w:r></w:del></w:p>'
        + p(r("Kept."))
        + '<w:tbl><w:tr><w:trPr><w:del w:id="3" w:author="A"/></w:trPr>'
        '<w:tc><w:p><w:del w:id="4" w:author="A"><w:r><w:delText>row</w:delText></w:r></w:del>'
        "</w:p></w:tc></w:tr>" + tr("cell") + "</w:tbl>"
    )
    raw = docx_raw_text(make_docx(tmp_path / "inline.docx", body))
    assert raw.text == "cooperate\u2192\nend\tx\nKept.\ncell"
    assert raw.left_out == ("2 tracked deletions (left out as deleted)",)


def test_comments_counted_from_comments_part_without_references(tmp_path: Path) -> None:
    comments = (
        f"<w:comments {NAMESPACES}>"
        + "".join(f'<w:comment w:id="{n}">{p(r("note"))}</w:comment>' for n in range(2))
        + "</w:comments>"
    )
    raw = docx_raw_text(
        make_docx(
            tmp_path / "c.docx",
            p(r("Text.")) + p(r("More"), '<w:r><w:endnoteReference w:id="2"/></w:r>'),
            parts={"word/comments.xml": ("comments", comments)},
        )
    )
    assert raw.text == "Text.\nMore"
    assert raw.left_out == ("2 comments", "1 endnote")


# ------------------------------------------------------------------ broken and hostile files
def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _document(body: str, prolog: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}'
        f"<w:document {NAMESPACES}><w:body>{body}</w:body></w:document>"
    ).encode()


def test_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "fake.docx"
    path.write_bytes(b"This is plain text, not a Word document.")
    with pytest.raises(ImportFileError, match=r"fake\.docx: is not a valid Word .*not a zip"):
        docx_raw_text(path)


def test_a_zip_without_the_main_document(tmp_path: Path) -> None:
    path = _zip(tmp_path / "empty.docx", {"word/styles.xml": b"<styles/>"})
    with pytest.raises(ImportFileError, match=r"empty\.docx: .*no word/document\.xml"):
        docx_raw_text(path)


def test_malformed_xml(tmp_path: Path) -> None:
    path = _zip(tmp_path / "bad.docx", {"word/document.xml": _document("<w:p><w:r>")})
    with pytest.raises(ImportFileError, match=r"bad\.docx: .*not well-formed XML"):
        docx_raw_text(path)


def test_an_external_entity_is_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET", encoding="utf-8")
    prolog = f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>'
    path = _zip(
        tmp_path / "xxe.docx",
        {"word/document.xml": _document(p("<w:r><w:t>&xxe;</w:t></w:r>"), prolog)},
    )
    with pytest.raises(ImportFileError, match=r"xxe\.docx: .*DTD") as caught:
        docx_raw_text(path)
    assert "TOPSECRET" not in str(caught.value)


def test_billion_laughs_is_refused_quickly(tmp_path: Path) -> None:
    entities = '<!ENTITY l0 "lol">' + "".join(
        f'<!ENTITY l{n} "{f"&l{n - 1};" * 10}">' for n in range(1, 10)
    )
    prolog = f"<!DOCTYPE w:document [{entities}]>"
    path = _zip(
        tmp_path / "lol.docx",
        {"word/document.xml": _document(p("<w:r><w:t>&l9;</w:t></w:r>"), prolog)},
    )
    with pytest.raises(ImportFileError, match=r"lol\.docx"):
        docx_raw_text(path)
    ordinary = make_docx(tmp_path / "ordinary.docx", p(r("Interviewer: Hello.")))

    def refuse() -> None:
        with pytest.raises(ImportFileError):
            docx_raw_text(path)

    refused, read = fastest(5, refuse, lambda: docx_raw_text(ordinary))
    # Refused from the prolog (0.2-0.4 ms against 14 ms for the one-line document); an
    # expansion would take seconds and gigabytes.
    assert refused < read, f"refused in {refused * 1e3:.1f} ms, read in {read * 1e3:.1f} ms"


def test_a_malformed_side_part_does_not_stop_the_import(tmp_path: Path) -> None:
    path = _zip(
        tmp_path / "side.docx",
        {
            "word/document.xml": _document(p(r("Body text."))),
            "word/styles.xml": b"<w:styles",
            "word/comments.xml": b"not xml",
        },
    )
    assert docx_raw_text(path) == RawText("Body text.")


# ------------------------------------------------------------------ speed and real files
def test_fifty_thousand_words_cost_a_few_times_the_least_walk(tmp_path: Path) -> None:
    words = " ".join(f"word{n}" for n in range(48))
    body = "".join(
        p(b("Interviewer:" if n % 2 else "Respondent:"), r(f" {words} and")) for n in range(1000)
    )
    path = make_docx(tmp_path / "big.docx", body)
    raw = docx_raw_text(path)
    assert len(raw.text.split()) == 50_000
    assert len(raw.hints) == 1000

    def least() -> str:  # what any reader does: unzip, parse, join each paragraph's text
        root = etree.fromstring(zipfile.ZipFile(path).read("word/document.xml"))
        paragraphs = root.iter(f"{{{W_NS}}}p")
        return "\n".join("".join(t.text or "" for t in p.iter(f"{{{W_NS}}}t")) for p in paragraphs)

    ours, baseline = fastest(7, lambda: docx_raw_text(path), least)
    # 5x measured (27 ms against 5 ms: runs, labels and hints are read too); a step per
    # character or a quadratic join would be 50x and more.
    assert ours < 12 * baseline, f"ours {ours * 1e3:.0f} ms, the least walk {baseline * 1e3:.0f} ms"


def test_real_qualcoder_example_keeps_every_python_docx_word() -> None:
    path = SHARED / "external" / "qualcoder-examples" / "ID1.docx"
    if not SHARED.is_dir():
        pytest.skip(f"SKIPPED: the shared reference folder {SHARED} is missing")
    old = Counter(
        word for paragraph in docx.Document(str(path)).paragraphs for word in paragraph.text.split()
    )
    new = Counter(docx_raw_text(path).text.split())
    assert old
    assert not old - new, f"words lost: {old - new}"
