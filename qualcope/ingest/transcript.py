"""``read_transcript``: pick the reader for a file's type and return its canonical transcript."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from qualcope.errors import ImportFileError
from qualcope.ingest.base import SUPPORTED_SUFFIXES, Transcript
from qualcope.ingest.sniff import check_size, read_capped, suffix_of


def read_transcript(
    path: Path,
    *,
    encoding: str | None = None,
    interviewers: Sequence[str] = (),
    speakers: Sequence[str] = (),
) -> Transcript:
    """Read, check and normalise one transcript file; raises ``ImportFileError`` on bad input.

    ``encoding`` applies to text formats (.txt, .md, .vtt, .srt, .rtf); ``interviewers`` are
    extra speaker labels whose turns are the interviewer's (role words are always recognised),
    ``speakers`` other labels to take as speakers wherever they start a line.
    """
    path = Path(path)
    suffix = suffix_of(path)
    source_format = SUPPORTED_SUFFIXES.get(suffix)
    if source_format is None:
        known = ", ".join(SUPPORTED_SUFFIXES)
        raise ImportFileError(
            f"unsupported file type {suffix or '(no extension)'}; qualcope reads {known}",
            path=path,
        )
    if check_size(path) == 0:
        raise ImportFileError("the file is empty", path=path)
    if source_format == "docx":
        from qualcope.ingest.office import read_docx

        return read_docx(path, interviewers, speakers)
    if source_format == "odt":
        from qualcope.ingest.office import read_odt

        return read_odt(path, interviewers, speakers)
    data = read_capped(path)
    if source_format in ("vtt", "srt"):
        from qualcope.ingest import subtitles

        reader = subtitles.read_vtt if source_format == "vtt" else subtitles.read_srt
        return reader(data, path, encoding, interviewers, speakers)
    if source_format == "rtf":
        from qualcope.ingest.plain import read_rtf

        return read_rtf(data, path, encoding, interviewers, speakers)
    from qualcope.ingest.plain import read_text

    return read_text(data, path, source_format, encoding, interviewers, speakers)
