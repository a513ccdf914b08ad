"""Make untrusted text literal in each output language (reliability.md C5).

Code names, case names, coder names and quotes come from users and transcripts:
in LaTeX all ten special characters are escaped (so ``\\input`` can never run),
in Markdown pipes, newlines, backticks, emphasis and HTML are neutralised (so a
table keeps its column count and nothing renders as markup), spreadsheet cells
never start a formula.
"""

from __future__ import annotations

import html
import re

from qualcope.interchange.safe_csv import FORMULA_PREFIXES, neutralise

__all__ = ["FORMULA_PREFIXES", "clean", "csv_cell", "latex", "markdown", "one_line"]


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LATEX = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_LATEX_RE = re.compile("|".join(re.escape(k) for k in _LATEX))
_MARKDOWN_RE = re.compile(r"([\\`*_\[\]|#])")


def clean(text: object) -> str:
    """Text without control characters (tab and newline kept)."""
    return _CONTROL.sub("", str(text))


def one_line(text: object) -> str:
    """Text on one line: newlines and tabs become spaces."""
    return re.sub(r"[\r\n\t\u2028\u2029\x85]+", " ", clean(text)).strip()


def latex(text: object) -> str:
    """LaTeX that typesets exactly ``text`` (all ten specials escaped, one line)."""
    return _LATEX_RE.sub(lambda m: _LATEX[m.group(0)], one_line(text))


def markdown(text: object) -> str:
    """A Markdown table cell or paragraph that shows exactly ``text``.

    Backslash, backtick, emphasis, brackets, pipe and ``#`` are backslash-escaped,
    ``&``, ``<`` and ``>`` become HTML entities and newlines become ``<br>``.
    """
    value = clean(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    value = _MARKDOWN_RE.sub(r"\\\1", value)
    return re.sub(r"\r\n|[\r\n\u2028\u2029\x85]", "<br>", value).replace("\t", " ")


def csv_cell(value: object) -> object:
    """A CSV cell: formulas neutralised, control characters out, CR line ends as LF.

    Python's csv module quotes a field only for the characters of its line
    terminator (LF here), so a lone CR would otherwise end the row in Excel.
    """
    if not isinstance(value, str):
        return value
    text = escape_cr(str(neutralise(clean(value))))
    return text


def escape_cr(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def html_text(text: object) -> str:
    return html.escape(clean(text), quote=True)
