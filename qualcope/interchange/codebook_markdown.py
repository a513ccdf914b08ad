"""The codebook as a document (Markdown), for the appendix of a paper."""

from __future__ import annotations

from collections.abc import Mapping

from qualcope.domain import PATH_SEPARATOR, CodebookSpec, CodeSpec


def _escape(text: str) -> str:
    """Markdown-safe inline text: no HTML, no accidental headings or tables."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    for char in ("\\", "`", "*", "_", "[", "]", "|", "#"):
        text = text.replace(char, "\\" + char)
    return " ".join(text.split())


def codebook_to_markdown(spec: CodebookSpec, counts: Mapping[str, int] | None = None) -> str:
    """Headings follow the tree; each code lists its definition, criteria, example and cues.

    ``counts`` holds each code's own codings by path; a group's heading shows the codings of
    everything inside it, and says so.
    """
    lines = [f"# {_escape(spec.name)}", ""]
    if spec.description:
        lines += [_escape(spec.description), ""]
    walked = spec.walk()
    totals = subtree_totals(spec, counts) if counts is not None else {}
    for path, code in walked:
        depth = path.count("/") + 2
        heading = "#" * min(depth, 6)
        count = ""
        if counts is not None:
            count = f" ({count_phrase(code, counts.get(path, 0), totals[path])})"
        marker = " (group)" if code.kind == "group" else ""
        lines += [f"{heading} {_escape(code.name)}{marker}{count}", ""]
        lines += _fields(code)
    return "\n".join(lines).rstrip("\n") + "\n"


def subtree_totals(spec: CodebookSpec, counts: Mapping[str, int]) -> dict[str, int]:
    """Codings of each code and everything below it, by path; ``counts`` has each code's
    own codings by path."""
    totals: dict[str, int] = {}

    def visit(path: str, code: CodeSpec) -> int:
        total = counts.get(path, 0)
        for child in code.children:
            total += visit(f"{path}{PATH_SEPARATOR}{child.name}", child)
        totals[path] = total
        return total

    for code in spec.codes:
        visit(code.name, code)
    return totals


def count_phrase(code: CodeSpec, own: int, total: int) -> str:
    """'12 codings'; a group: '312 codings in its codes'; a code with subcodes whose
    codings add up differently: '5 codings, 12 with its subcodes'."""
    if code.kind == "group":
        return f"{total} codings in its codes" if own == 0 else f"{total} codings with its codes"
    if total != own:
        return f"{own} codings, {total} with its subcodes"
    return f"{own} codings"


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
