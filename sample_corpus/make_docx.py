"""Build the .docx transcripts of the qualcope sample corpus from plain sources.

Reads every ``src/<name>.txt`` next to this script and writes ``<name>.docx``
next to this script. A source file holds one turn per paragraph in the form
``Speaker: text`` (paragraphs separated by a blank line, no hard wraps). Each
turn becomes one Word paragraph whose first run is the speaker label in bold
(``Speaker:``), followed by a plain run with the turn text.

The output is deterministic: core properties are fixed and the zip entries
get a fixed timestamp, so rerunning the script yields byte-identical files.

Usage:  python3 make_docx.py        (requires python-docx)
"""

import datetime
import io
import pathlib
import zipfile

import docx

HERE = pathlib.Path(__file__).resolve().parent
SRC = HERE / "src"
FIXED_DT = datetime.datetime(2024, 1, 1, 12, 0, 0)
ZIP_DT = (2024, 1, 1, 12, 0, 0)


def read_turns(path):
    text = path.read_text(encoding="utf-8")
    turns = []
    for para in text.split("\n\n"):
        para = para.strip()
        if not para:
            continue
        if "\n" in para:
            raise ValueError(f"{path.name}: hard line wrap in turn: {para[:60]!r}")
        speaker, sep, body = para.partition(": ")
        if not sep or not speaker or len(speaker) > 40:
            raise ValueError(f"{path.name}: turn without 'Speaker: ' label: {para[:60]!r}")
        turns.append((speaker, body.strip()))
    return turns


def build(path):
    turns = read_turns(path)
    document = docx.Document()
    props = document.core_properties
    props.author = "qualcope sample corpus"
    props.last_modified_by = "qualcope sample corpus"
    props.title = f"Invented interview transcript: {path.stem}"
    props.comments = "Fictional demonstration material; no real persons."
    props.created = FIXED_DT
    props.modified = FIXED_DT
    props.last_printed = FIXED_DT
    props.revision = 1
    for speaker, body in turns:
        paragraph = document.add_paragraph()
        label = paragraph.add_run(f"{speaker}:")
        label.bold = True
        paragraph.add_run(f" {body}")
    raw = io.BytesIO()
    document.save(raw)
    # Re-pack with fixed timestamps and a stable member order.
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(raw.getvalue())) as zin,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout,
    ):
        for info in zin.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_DT)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            zout.writestr(fixed, zin.read(info.filename))
    target = HERE / f"{path.stem}.docx"
    target.write_bytes(out.getvalue())
    return target, len(turns)


def main():
    for path in sorted(SRC.glob("*.txt")):
        target, n = build(path)
        print(f"{target.name}: {n} turns")


if __name__ == "__main__":
    main()
