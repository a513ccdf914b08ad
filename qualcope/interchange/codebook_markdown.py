"""The codebook as a document (Markdown), for the appendix of a paper."""

from __future__ import annotations

from collections.abc import Mapping

from qualcope.domain import CodebookSpec, CodeSpec


def _escape(text: str) -> str:
    """Markdown-safe inline text: no HTML, no accidental headings or tables."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    for char in ("\\", "`", "*", "_", "[", "]", "|", "#"):
        text = text.replace(char, "\\" + char)
    return " ".join(text.split())


def codebook_to_markdown(spec: CodebookSpec, counts: Mapping[str, int] | None = None) -> str:
    """Headings follow the tree; each code lists its definition, criteria, example and cues."""
    lines = [f"# {_escape(spec.name)}", ""]
    if spec.description:
        lines += [_escape(spec.description), ""]
    for path, code in spec.walk():
        depth = path.count("/") + 2
        heading = "#" * min(depth, 6)
        count = f" ({counts.get(path, 0)} codings)" if counts is not None else ""
        marker = " (group)" if code.kind == "group" else ""
        lines += [f"{heading} {_escape(code.name)}{marker}{count}", ""]
        lines += _fields(code)
    return "\n".join(lines).rstrip("\n") + "\n"


def _fields(code: CodeSpec) -> list[str]:
    out: list[str] = []
    for label, value in (
        ("Definition", code.definition),
        ("Include when", code.inclusion),
        ("Exclude when", code.exclusion),
    ):
        if value:
            out.append(f"- **{label}:** {_escape(value)}")
    if code.example:
        out.append(f"- **Example:** \u201c{_escape(code.example)}\u201d")
    if code.shortcut:
        out.append(
            f"- **Shortcut:** `{code.shortcut}`"
            if code.shortcut != "`"
            else "- **Shortcut:** backtick"
        )
    for lang, phrases in sorted(code.cues.items()):
        out.append(f"- **Cues ({lang}):** {_escape(', '.join(phrases))}")
    if out:
        out.append("")
    return out
