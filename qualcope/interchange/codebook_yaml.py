"""The readable codebook file: YAML in, YAML out, validated with line numbers.

Reading uses a safe loader that also refuses duplicate keys and aliases (no
tags that run code, no alias bombs: C3-1, C3-2, C3-5). Writing is
deterministic, so importing a file and exporting it again gives the same bytes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from qualcope.domain import CodebookSpec, CodeSpec
from qualcope.errors import CodebookError
from qualcope.interchange import codebook_rules as rules
from qualcope.strict_yaml import load_strict

FORMAT_KEY = "qualcope_codebook"
FORMAT_VERSION = 1
MAX_FILE_BYTES = rules.MAX_FILE_BYTES
TOP_KEYS = {FORMAT_KEY, "name", "description", "codes"}
CODE_KEYS = (
    "name",
    "kind",
    "definition",
    "inclusion",
    "exclusion",
    "example",
    "colour",
    "shortcut",
    "cues",
    "children",
    "guid",
)


def read_codebook_yaml(path: Path) -> CodebookSpec:
    """Read and validate a codebook file; errors name the file and line."""
    raw = rules.read_codebook_bytes(path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CodebookError(f"not UTF-8 text (byte {exc.start})", path=path) from exc
    return parse_codebook_yaml(text, path)


def parse_codebook_yaml(text: str, path: Path | str = "<codebook>") -> CodebookSpec:
    data = load_strict(text, CodebookError, path)
    if not isinstance(data, dict):
        raise CodebookError("a codebook file must be a mapping with 'codes'", path=path, line=1)
    line = getattr(data, "line", 1)
    unknown = sorted(str(key) for key in data if key not in TOP_KEYS)
    if unknown:
        raise CodebookError(f"unknown key(s): {', '.join(unknown)}", path=path, line=line)
    version = data.get(FORMAT_KEY, FORMAT_VERSION)
    if version != FORMAT_VERSION:
        raise CodebookError(
            f"codebook format {version!r} is not supported (this qualcope reads {FORMAT_VERSION})",
            path=path,
            line=line,
        )
    codes = data.get("codes") or []
    if not isinstance(codes, list):
        raise CodebookError("'codes' must be a list", path=path, line=line)
    spec = CodebookSpec(
        name=str(data.get("name") or Path(str(path)).stem),
        description=str(data.get("description") or "").strip(),
        codes=tuple(_code(item, path, depth=1) for item in codes),
    )
    problems = rules.check_codebook(spec)
    if problems:
        raise CodebookError(problems[0], path=path)
    return spec


def _code(item: Any, path: Path | str, depth: int) -> CodeSpec:
    line = getattr(item, "line", None)
    if not isinstance(item, dict):
        raise CodebookError("each code must be a mapping with a 'name'", path=path, line=line)
    if depth > rules.MAX_DEPTH:
        raise CodebookError(
            f"codes nested deeper than {rules.MAX_DEPTH} levels", path=path, line=line
        )
    unknown = sorted(str(key) for key in item if key not in CODE_KEYS)
    if unknown:
        raise CodebookError(f"unknown key(s) in a code: {', '.join(unknown)}", path=path, line=line)
    children = item.get("children") or []
    if not isinstance(children, list):
        raise CodebookError("'children' must be a list", path=path, line=line)
    try:
        name = rules.check_name(item.get("name"))
        spec = CodeSpec(
            name=name,
            kind=rules.check_kind(item.get("kind")),
            definition=rules.check_text(item.get("definition"), "definition"),
            inclusion=rules.check_text(item.get("inclusion"), "inclusion"),
            exclusion=rules.check_text(item.get("exclusion"), "exclusion"),
            example=rules.check_text(item.get("example"), "example"),
            colour=rules.check_colour(item.get("colour")),
            shortcut=rules.check_shortcut(item.get("shortcut")),
            cues=rules.check_cues(item.get("cues")),
            guid=str(item["guid"]) if item.get("guid") else None,
        )
    except ValueError as exc:
        raise CodebookError(str(exc), path=path, line=line) from exc
    kids = tuple(_code(child, path, depth + 1) for child in children)
    return CodeSpec(**{**spec.__dict__, "children": kids})


# ------------------------------------------------------------------ writing
def codebook_to_yaml(spec: CodebookSpec, *, with_guids: bool = False) -> str:
    """Deterministic YAML for a codebook (stable key order, LF, UTF-8)."""
    data: dict[str, Any] = {FORMAT_KEY: FORMAT_VERSION, "name": spec.name}
    if spec.description:
        data["description"] = spec.description
    data["codes"] = [_code_dict(code, with_guids) for code in spec.codes]
    return yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=False,
        indent=2,
    )


def _code_dict(code: CodeSpec, with_guids: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"name": code.name}
    if code.kind != "code":
        out["kind"] = code.kind
    for key in ("definition", "inclusion", "exclusion", "example", "colour", "shortcut"):
        value = getattr(code, key)
        if value:
            out[key] = value
    if code.cues:
        out["cues"] = {lang: _FlowList(phrases) for lang, phrases in sorted(code.cues.items())}
    if with_guids and code.guid:
        out["guid"] = code.guid
    if code.children:
        out["children"] = [_code_dict(child, with_guids) for child in code.children]
    return out


class _FlowList(list[str]):
    """A list written inline ([a, b]) for readability."""


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> Any:
        # Indent list items under their key, as people write YAML by hand.
        return super().increase_indent(flow, False)


def _represent_flow(dumper: yaml.SafeDumper, data: _FlowList) -> Any:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", list(data), flow_style=True)


def _represent_str(dumper: yaml.SafeDumper, data: str) -> Any:
    if "\n" in data:
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|")
    if len(data) > 80 and data == " ".join(data.split()):
        # Long prose reads best folded; single spaces make folding lossless.
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=">")
    return dumper.represent_scalar("tag:yaml.org,2002:str", data)


_Dumper.add_representer(_FlowList, _represent_flow)
_Dumper.add_representer(str, _represent_str)
