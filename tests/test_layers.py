"""The house plan's import rules, checked on the source (architecture.md, Layers)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "qualcope"

# library -> the only folders (relative to qualcope/) allowed to import it
CONFINED = {
    "textual": ("tui",),
    "spacy": ("nlp",),
    "pandas": ("report",),
    "matplotlib": ("report",),
}
# folder -> imports it must never make
FORBIDDEN = {
    "tui": ("sqlalchemy", "qualcope.db", "pandas", "spacy"),
    "domain.py": ("sqlalchemy", "textual"),
    "ingest": ("sqlalchemy", "textual", "qualcope.services"),
    "interchange": ("sqlalchemy", "textual", "qualcope.services", "qualcope.db"),
    "report": ("textual",),
    "nlp": ("textual", "qualcope.tui"),
    "services": ("textual", "qualcope.tui", "qualcope.cli"),
    "db": ("textual", "qualcope.services", "qualcope.tui"),
}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_module_respects_the_layers(path: Path) -> None:
    relative = path.relative_to(PACKAGE)
    top = relative.parts[0]
    imported = imports_of(path)
    for library, allowed in CONFINED.items():
        users = [m for m in imported if m == library or m.startswith(library + ".")]
        assert not users or top in allowed, f"{relative} imports {library}"
    for banned in FORBIDDEN.get(top, ()):
        bad = [m for m in imported if m == banned or m.startswith(banned + ".")]
        assert not bad, f"{relative} imports {bad}"


def test_no_sqlite_pragmas_outside_the_engine_module() -> None:
    offenders = [
        str(p.relative_to(PACKAGE))
        for p in MODULES
        if "PRAGMA" in p.read_text(encoding="utf-8")
        # The engine's connections, and the sqlite3 connection of the quick listing.
        and p.relative_to(PACKAGE).as_posix() not in ("db/engine.py", "db/sqlite_file.py")
    ]
    assert offenders == []
