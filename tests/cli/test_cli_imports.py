"""Start-up cost of the command line (issue 16): what a command imports, and the migration
of an old project that the cheap schema check must still catch."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from qualcope.db import engine as engines
from qualcope.db import lifecycle
from qualcope.services import demo
from qualcope.services.project import Project

# Never needed to print help, list documents or show the codebook of an up-to-date project.
NOT_NEEDED = ("alembic", "mako", "matplotlib", "scipy", "spacy", "textual", "pandas", "numpy")


def imported_by(*args: str) -> tuple[set[str], subprocess.CompletedProcess[str]]:
    """Run `qualcope ARGS` in a fresh interpreter; the top-level packages it imported."""
    code = (
        "import json, sys\n"
        "from qualcope.cli import main\n"
        "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
        "top = sorted({m.split('.')[0] for m in sys.modules})\n"
        "sys.stderr.write('\\nMODULES ' + json.dumps(top))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120
    )
    found = re.search(r"MODULES (.*)$", out.stderr)
    assert found, out.stderr
    return set(json.loads(found.group(1))), out


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("imports") / "demo.db"
    demo.build_demo(target, "ana").close()
    return target


def test_help_imports_neither_the_database_layer_nor_heavy_libraries() -> None:
    modules, out = imported_by("--help")
    assert "Usage:" in out.stdout
    assert modules.isdisjoint((*NOT_NEEDED, "sqlalchemy")), modules & {*NOT_NEEDED, "sqlalchemy"}


@pytest.mark.parametrize(
    "command",
    [
        ("documents",),
        ("documents", "--format", "json"),
        ("codebook", "show"),
        ("show", "1"),
        ("segments", "1"),
        ("suggestions",),
    ],
)
def test_read_only_command_on_an_up_to_date_project_does_not_load_alembic(
    demo_db: Path, command: tuple[str, ...]
) -> None:
    modules, out = imported_by("--db", str(demo_db), *command)
    assert "error" not in out.stderr and "Traceback" not in out.stderr, out.stderr
    assert out.stdout.strip()
    assert modules.isdisjoint(NOT_NEEDED), modules & set(NOT_NEEDED)
    assert modules.isdisjoint({"lxml", "yaml"}), "codebook file formats are not needed"
    assert list(demo_db.parent.glob("*.bak")) == []  # nothing was upgraded


@pytest.mark.parametrize("fmt", ["table", "csv"])
def test_documents_on_an_up_to_date_project_is_read_without_sqlalchemy(
    demo_db: Path, fmt: str
) -> None:
    modules, out = imported_by("--db", str(demo_db), "--coder", "ana", "documents", "--format", fmt)
    assert "elderly-care_citizen.txt" in out.stdout, out.stderr
    assert "sqlalchemy" not in modules


def test_an_old_project_is_still_backed_up_and_upgraded_by_a_read_only_command(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    older = sorted(lifecycle.known_revisions())[-2]
    lifecycle.create_project(engines.to_url(path), revision=older).dispose()
    modules, out = imported_by("--db", str(path), "documents")
    assert "no documents yet" in out.stderr, out.stderr
    assert "alembic" in modules  # only now: the project was behind
    backups = list(tmp_path.glob(f"old.db.{older}-*.bak"))
    assert len(backups) == 1
    with Project.open(path) as project:
        assert lifecycle.current_revision(project.engine) == lifecycle.head_revision()
    # The backup is the project as it was, still at the older revision.
    backup = engines.make_engine(engines.to_url(backups[0]))
    try:
        assert lifecycle.current_revision(backup) == older
    finally:
        backup.dispose()


def test_a_project_at_an_unknown_revision_is_still_refused(tmp_path: Path) -> None:
    path = tmp_path / "newer.db"
    lifecycle.create_project(engines.to_url(path)).dispose()
    engine = engines.make_engine(engines.to_url(path))
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
    engine.dispose()
    _, out = imported_by("--db", str(path), "documents")
    assert "newer version of qualcope" in out.stderr


def test_migration_files_give_the_revisions_alembic_knows() -> None:
    """The cheap schema check lists the migration files instead of asking Alembic: the
    file names must carry the revision ids of one linear chain."""
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(lifecycle.alembic_config())
    revisions = {rev.revision: rev.down_revision for rev in scripts.walk_revisions()}
    assert lifecycle.known_revisions() == set(revisions)
    assert lifecycle.head_revision() == scripts.get_current_head()
    ordered = sorted(revisions)
    assert revisions[ordered[0]] is None
    assert all(revisions[rev] == before for before, rev in zip(ordered, ordered[1:], strict=False))


def test_the_table_of_lazy_commands_matches_the_commands() -> None:
    """`qualcope --help` lists the commands from LAZY_COMMANDS without importing them."""
    import click

    from qualcope.cli import LAZY_COMMANDS, cli

    registered = {
        name: (command.callback.__module__ if command.callback else "", command)
        for name, command in cli.commands.items()
    }
    assert set(LAZY_COMMANDS) == set(registered)
    for name, (module, command) in registered.items():
        listed_module, listed_help = LAZY_COMMANDS[name]
        assert listed_module == module, name
        stub = click.Command(name, help=listed_help)
        assert stub.get_short_help_str(10**6) == command.get_short_help_str(10**6), name


@pytest.mark.parametrize("columns", ["60", "100", "200"])
def test_help_listed_lazily_reads_as_with_every_command_loaded(columns: str) -> None:
    def help_text(preload: str) -> str:
        code = f"from qualcope.cli import cli, main\n{preload}\nmain(['--help'])"
        out = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "COLUMNS": columns},
        )
        assert out.returncode == 0, out.stderr
        return out.stdout

    assert help_text("pass") == help_text("cli.commands  # every command module")
