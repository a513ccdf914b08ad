"""A group's coding count is that of its codes, in `codebook show` and every export that
prints counts (issue 16: "(0 codings)" for a group whose codes held hundreds)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualcope.cli import cli
from qualcope.domain import CodebookSpec, CodeSpec
from qualcope.interchange.codebook_markdown import codebook_to_markdown
from qualcope.services import codebook, demo
from qualcope.services.project import Project


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("counts") / "demo.db"
    demo.build_demo(target, "ana").close()
    return target


def expected_totals(path: Path) -> tuple[dict[str, int], dict[str, int], set[str]]:
    """(own codings, codings of the code and everything below it, group paths), by path."""
    with Project.open(path) as project:
        nodes = codebook.tree(project)
    own = {node.path: node.coding_count for node in nodes}
    totals = {
        node.path: sum(n for p, n in own.items() if p == node.path or p.startswith(node.path + "/"))
        for node in nodes
    }
    return own, totals, {node.path for node in nodes if node.is_group}


def test_markdown_export_counts_a_group_by_its_codes(demo_db: Path, tmp_path: Path) -> None:
    own, totals, groups = expected_totals(demo_db)
    target = tmp_path / "appendix.md"
    result = CliRunner().invoke(cli, ["--db", str(demo_db), "codebook", "export", str(target)])
    assert result.exit_code == 0, result.output
    headings = [line for line in target.read_text(encoding="utf-8").splitlines() if "(" in line]
    expectations = next(h for h in headings if h.startswith("## Expectations"))
    assert (
        expectations == f"## Expectations (group) ({totals['Expectations']} codings in its codes)"
    )
    assert totals["Expectations"] > 0 and own["Expectations"] == 0
    for group in groups:
        name = group.rsplit("/", 1)[-1]
        assert any(
            re.search(rf"{re.escape(name)} \(group\) \({totals[group]} codings in its codes\)$", h)
            for h in headings
        ), group
    assert (
        "#### Inclusiveness ("
        + f"{own['Expectations/Public values in the process/Inclusiveness']} codings)"
        in headings
    )


def test_codebook_show_counts_a_group_by_its_codes(demo_db: Path) -> None:
    _own, totals, groups = expected_totals(demo_db)
    result = CliRunner().invoke(cli, ["--db", str(demo_db), "codebook", "show"])
    assert result.exit_code == 0, result.output
    for group in groups:
        name = group.rsplit("/", 1)[-1]
        shown = f"{name}  {totals[group]} in its codes" if totals[group] else name
        assert shown in result.output, (group, result.output)


def test_markdown_of_a_code_with_subcodes_and_of_an_empty_group() -> None:
    spec = CodebookSpec(
        name="Book",
        codes=(
            CodeSpec(
                name="Coping",
                kind="group",
                children=(
                    CodeSpec(name="Avoidance", children=(CodeSpec(name="Exit"),)),
                    CodeSpec(name="Voice"),
                ),
            ),
            CodeSpec(name="Empty", kind="group"),
        ),
    )
    counts = {"Coping/Avoidance": 5, "Coping/Avoidance/Exit": 7, "Coping/Voice": 300}
    text = codebook_to_markdown(spec, counts)
    assert "## Coping (group) (312 codings in its codes)" in text
    assert "### Avoidance (5 codings, 12 with its subcodes)" in text
    assert "#### Exit (7 codings)" in text
    assert "### Voice (300 codings)" in text
    assert "## Empty (group) (0 codings in its codes)" in text
    assert "(group) (" not in codebook_to_markdown(spec)  # no counts asked, none printed
