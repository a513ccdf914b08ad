"""Rules every code obeys, whichever way it arrives (file, CLI, TUI).

Used by the codebook readers and by the codebook services, so a name that a
YAML file may not hold cannot be typed into the TUI either (C3, C7-3, C8-3).
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from qualcope.domain import CODE_KINDS, PATH_SEPARATOR, CodebookSpec, CodeSpec, name_key
from qualcope.errors import CodebookError

MAX_FILE_BYTES = 5 * 1024 * 1024  # a codebook file of any format
MAX_NAME_LENGTH = 200
MAX_TEXT_LENGTH = 20_000
MAX_DEPTH = 50
COLOUR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
LANG_RE = re.compile(r"^[a-z]{2,3}$")
# Invisible or direction-changing characters that let one name pose as another.
SPOOFING = {
    "\u200b",
    "\u200c",
    "\u200d",
    "\u2060",
    "\ufeff",
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\u200e",
    "\u200f",
}


def check_name(name: object) -> str:
    """A clean code name, or ValueError saying what is wrong with it."""
    if not isinstance(name, str):
        raise ValueError("a code name must be text")
    cleaned = unicodedata.normalize("NFC", name).strip()
    if not cleaned:
        raise ValueError("a code name cannot be empty")
    if len(cleaned) > MAX_NAME_LENGTH:
        raise ValueError(f"code name longer than {MAX_NAME_LENGTH} characters")
    if PATH_SEPARATOR in cleaned:
        raise ValueError(f"code name {cleaned!r} contains '{PATH_SEPARATOR}' (the path separator)")
    for char in cleaned:
        if char in SPOOFING:
            raise ValueError(f"code name {cleaned!r} contains an invisible or bidi character")
        if unicodedata.category(char) in {"Cc", "Cf", "Zl", "Zp"}:
            raise ValueError(f"code name {cleaned!r} contains a line break or control character")
    return cleaned


def check_colour(colour: object) -> str | None:
    if colour is None or colour == "":
        return None
    if not isinstance(colour, str) or not COLOUR_RE.match(colour.strip()):
        raise ValueError(f"colour {colour!r} is not a hex colour like '#1f77b4'")
    return colour.strip().lower()


def check_shortcut(shortcut: object) -> str | None:
    if shortcut is None or shortcut == "":
        return None
    if not isinstance(shortcut, str | int):
        raise ValueError(f"shortcut {shortcut!r} must be one key")
    key = str(shortcut).strip()
    if len(key) != 1 or not key.isprintable() or key.isspace():
        raise ValueError(f"shortcut {shortcut!r} must be a single printable key")
    return key


def check_cue(phrase: object) -> str:
    if not isinstance(phrase, str):
        raise ValueError(f"cue phrase {phrase!r} must be text")
    cleaned = " ".join(unicodedata.normalize("NFC", phrase).split())
    if not any(char.isalnum() for char in cleaned):
        raise ValueError(f"cue phrase {phrase!r} is empty or only punctuation")
    if len(cleaned) > MAX_NAME_LENGTH:
        raise ValueError(f"cue phrase longer than {MAX_NAME_LENGTH} characters")
    return cleaned


def check_cues(cues: object) -> dict[str, tuple[str, ...]]:
    if cues is None:
        return {}
    if not isinstance(cues, dict):
        raise ValueError("cues must map a language code to a list of phrases")
    result: dict[str, tuple[str, ...]] = {}
    for lang, phrases in cues.items():
        if not isinstance(lang, str) or not LANG_RE.match(lang):
            raise ValueError(f"cue language {lang!r} is not a language code like 'en' or 'nl'")
        if isinstance(phrases, str):
            phrases = [phrases]
        if not isinstance(phrases, list | tuple):
            raise ValueError(f"cues for {lang!r} must be a list of phrases")
        seen: dict[str, None] = {}
        for phrase in phrases:
            seen.setdefault(check_cue(phrase), None)
        result[lang] = tuple(seen)
    return dict(sorted(result.items()))


def check_kind(kind: object) -> str:
    if kind is None:
        return "code"
    if kind not in CODE_KINDS:
        raise ValueError(f"kind {kind!r} must be one of {', '.join(CODE_KINDS)}")
    return str(kind)


def check_text(value: object, field: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        value = str(value)
    if len(value) > MAX_TEXT_LENGTH:
        raise ValueError(f"{field} longer than {MAX_TEXT_LENGTH} characters")
    return value.strip()


def check_codebook(spec: CodebookSpec) -> list[str]:
    """Problems across codes (sibling names, shortcuts, depth); empty when fine."""
    problems: list[str] = []
    shortcuts: dict[str, str] = {}

    def visit(siblings: tuple[CodeSpec, ...], parent: str, depth: int) -> None:
        if depth > MAX_DEPTH:
            problems.append(f"the code tree is deeper than {MAX_DEPTH} levels under {parent!r}")
            return
        keys: dict[str, str] = {}
        for code in siblings:
            key = name_key(code.name)
            path = f"{parent}{PATH_SEPARATOR}{code.name}" if parent else code.name
            if key in keys:
                problems.append(f"duplicate code {path!r} (same name as {keys[key]!r})")
            keys[key] = code.name
            if code.shortcut:
                if code.shortcut in shortcuts:
                    problems.append(
                        f"shortcut {code.shortcut!r} of {path!r} is already used by "
                        f"{shortcuts[code.shortcut]!r}"
                    )
                shortcuts[code.shortcut] = path
            visit(code.children, path, depth + 1)

    visit(spec.codes, "", 1)
    return problems


def read_codebook_bytes(path: Path) -> bytes:
    """A codebook file's bytes, refused in one line when missing, a folder or too large."""
    if not path.exists():
        raise CodebookError("file not found", path=path)
    if path.is_dir():
        raise CodebookError("is a directory, not a codebook file", path=path)
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise CodebookError(
            f"file is {size // 1024} KiB; a codebook may be at most "
            f"{MAX_FILE_BYTES // 1024 // 1024} MiB",
            path=path,
        )
    return path.read_bytes()


def read_codebook_text(path: Path) -> str:
    """A text codebook file (UTF-8, a byte-order mark allowed), refused in one line when
    missing, a folder, too large or not UTF-8."""
    try:
        return read_codebook_bytes(path).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CodebookError(
            f"not UTF-8 text (byte {exc.start}); save it as UTF-8", path=path
        ) from exc


def tree_spec(
    name: str,
    nodes: dict[tuple[str, ...], dict[str, object]],
    order: list[tuple[str, ...]],
    path: Path | str,
) -> CodebookSpec:
    """The codebook whose codes are ``nodes`` (CodeSpec fields by name path, parents listed
    before their children in ``order``), checked across codes."""
    spec = CodebookSpec(name=name, codes=_children(nodes, order, ()))
    problems = check_codebook(spec)
    if problems:
        raise CodebookError(problems[0], path=path)
    return spec


def _children(
    nodes: dict[tuple[str, ...], dict[str, object]],
    order: list[tuple[str, ...]],
    parent: tuple[str, ...],
) -> tuple[CodeSpec, ...]:
    below = [key for key in order if len(key) == len(parent) + 1 and key[:-1] == parent]
    return tuple(
        CodeSpec(**nodes[key], children=_children(nodes, order, key))  # type: ignore[arg-type]
        for key in below
    )
