"""The command line as a user meets it: help, init, codebook, one-line errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from qualcope.cli import cli
from tests.conftest import ICVC


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "qualcope", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


def test_help_is_instant_and_loads_no_heavy_library() -> None:
    code = (
        "import sys; from qualcope.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('spacy', 'pandas', 'textual', 'matplotlib')"
        " if m in sys.modules]\n"
        "print('HEAVY', heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert "HEAVY []" in out.stdout, out.stdout + out.stderr


def _all_commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    for name, command in group.commands.items():
        found.append((*prefix, name))
        if isinstance(command, click.Group):
            found.extend(_all_commands(command, (*prefix, name)))
    return found


@pytest.mark.parametrize("command", _all_commands(cli))
def test_every_command_help_shows_an_example(command: tuple[str, ...]) -> None:
    result = CliRunner().invoke(cli, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example" in result.output


def test_every_command_is_in_the_readme() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    missing = [" ".join(c) for c in _all_commands(cli) if f"qualcope {' '.join(c)}" not in readme]
    assert missing == []


def test_init_codebook_show_export(tmp_path: Path) -> None:
    result = run("init", "--codebook", str(ICVC), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "qualcope.db").exists()
    shown = run("codebook", "show", cwd=tmp_path)
    assert "Avoidance [a]" in shown.stdout
    assert run("codebook", "export", "again.yaml", cwd=tmp_path).returncode == 0
    assert (tmp_path / "again.yaml").read_bytes() == ICVC.read_bytes()


def test_db_option_and_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "study.db"
    assert run("--db", str(target), "init").returncode == 0
    monkeypatch.setenv("QUALCOPE_DB", str(target))
    result = subprocess.run(
        [sys.executable, "-m", "qualcope", "codebook", "show"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "codebook is empty" in result.stderr


@pytest.mark.parametrize(
    "setup, args, message",
    [
        ("project", ["init"], "refusing to overwrite"),
        ("none", ["codebook", "show"], "qualcope init"),
        ("dir", ["--db", "folder", "codebook", "show"], "is a directory"),
        ("junk", ["--db", "junk.db", "codebook", "show"], "not a qualcope project"),
        ("project", ["codebook", "import", "missing.yaml"], "missing.yaml: file not found"),
        ("project", ["codebook", "import", "bad.yaml"], "bad.yaml, line 3: duplicate key"),
        ("project", ["codebook", "import", "unsafe.yaml"], "unsafe or unknown YAML tag"),
        ("none", ["init", "--codebook", "bad.yaml"], "bad.yaml, line 3: duplicate key"),
    ],
)
def test_bad_input_is_one_line_nonzero_and_changes_nothing(
    tmp_path: Path, setup: str, args: list[str], message: str
) -> None:
    (tmp_path / "bad.yaml").write_text("codes:\n  - name: a\n    name: b\n")
    (tmp_path / "unsafe.yaml").write_text("codes: !!python/object/apply:os.system ['ls']\n")
    (tmp_path / "junk.db").write_bytes(b"\x00\x01junk" * 100)
    (tmp_path / "folder").mkdir()
    if setup == "project":
        assert run("init", "--codebook", str(ICVC), cwd=tmp_path).returncode == 0
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    result = run(*args, cwd=tmp_path)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr
    assert "Traceback" not in result.stderr
    after = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    assert {k: v for k, v in after.items() if not k.endswith(("-wal", "-shm"))} == {
        k: v for k, v in before.items() if not k.endswith(("-wal", "-shm"))
    }


def test_an_import_detail_of_one_reads_in_the_singular() -> None:
    from qualcope.cli.exchange_cmds import _detail
    from qualcope.services.exchange_codings import UNCHECKED

    assert _detail(1, "spans widened to whole characters") == "1 span widened to whole characters"
    assert _detail(1, UNCHECKED).startswith("1 coding placed by position alone")
    assert _detail(1, "duplicate codings merged") == "1 duplicate coding merged"
    assert _detail(2_000, "codings left out") == "2,000 codings left out"
