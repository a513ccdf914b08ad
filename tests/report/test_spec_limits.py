"""top / min_count / cluster in a report spec: checked like every key, applied as the CLI does."""

from __future__ import annotations

import csv
import io
import re
import struct
from collections.abc import Iterator
from pathlib import Path

import pytest

from qualcope.errors import ReportError
from qualcope.report import matrix_limits, plot
from qualcope.report.model import CooccurrenceRequest, CrosstabRequest
from qualcope.report.spec import parse_spec
from qualcope.services import report_spec_run, reports
from qualcope.services.project import Project
from tests.report.wide_builder import generate


@pytest.fixture(scope="module")
def wide(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    path = tmp_path_factory.mktemp("wide-spec") / "wide.db"
    generate(path, documents=10, codings=800)
    project = Project.open(path, "tester")
    yield project
    project.close()


def test_limit_keys_are_read_per_kind_and_from_defaults() -> None:
    spec = parse_spec(
        "defaults: {top: 25}\n"
        "outputs:\n"
        "  - {name: c, kind: cooccurrence, min_count: 3}\n"
        "  - {name: x, kind: crosstab, top: 10}\n"
        "  - {name: f, kind: plot, cluster: true}\n"
        "  - {name: q, kind: frequencies}\n"
    )
    cooc, cross, figure, freq = spec.items
    assert cooc.options == {"top": 25, "min_count": 3}
    assert cross.options["top"] == 10  # the output's own value wins over the default
    assert figure.options["cluster"] is True and figure.options["top"] == 25
    assert "top" not in freq.options  # frequencies have no --top: the default does not apply


@pytest.mark.parametrize(
    "output, message",
    [
        ("{name: a, kind: cooccurrence, top: 0}", "'top' must be a positive whole number"),
        ("{name: a, kind: crosstab, top: ten}", "'top' must be a positive whole number"),
        ("{name: a, kind: plot, top: true}", "'top' must be a positive whole number"),
        ("{name: a, kind: plot, min_count: -2}", "'min_count' must be a positive whole number"),
        ("{name: a, kind: plot, cluster: maybe}", "'cluster' must be true or false"),
        ("{name: a, kind: cooccurrence, cluster: true}", "unknown key(s): cluster"),
        ("{name: a, kind: frequencies, top: 5}", "unknown key(s): top"),
        ("{name: a, kind: quotes, code: X, min_count: 5}", "unknown key(s): min_count"),
    ],
)
def test_a_wrong_limit_is_a_one_line_error_naming_file_line_output_and_key(
    output: str, message: str
) -> None:
    with pytest.raises(ReportError) as caught:
        parse_spec(f"outputs:\n  - {{name: ok, kind: crosstab}}\n  - {output}\n", "paper.yaml")
    text = str(caught.value)
    assert text.startswith("paper.yaml, line 3: ") and "\n" not in text
    assert message in text and "(output 'a')" in text


def test_spec_top_equals_the_cli_limit(wide: Project, tmp_path: Path) -> None:
    spec = parse_spec(
        "outputs:\n"
        "  - {name: pairs, kind: cooccurrence, top: 6, formats: [csv]}\n"
        "  - {name: roles, kind: crosstab, rows: code, cols: role, min_count: 40, formats: [csv]}\n"
    )
    report_spec_run.run_spec(wide, spec, tmp_path)
    [cooc] = matrix_limits.limit([reports.cooccurrence(wide, CooccurrenceRequest())], 6)
    lines = (tmp_path / "pairs.csv").read_text(encoding="utf-8").splitlines()
    body = list(csv.reader(io.StringIO("\n".join(x for x in lines if not x.startswith("#")))))
    assert body[0][1:] == list(cooc.columns)
    assert [row[0] for row in body[1:]] == [r[0] for r in cooc.rows]
    assert [[int(v) for v in row[1:]] for row in body[1:]] == [list(c) for c in cooc.counts]
    said = " ".join(x for x in lines if x.startswith("#"))  # the file says what cut it
    assert "the 6 with the highest totals (top: 6)" in said and "--top" not in said
    [cross] = matrix_limits.limit(
        reports.crosstab(wide, CrosstabRequest(rows="code", cols="role")), min_count=40
    )
    roles = (tmp_path / "roles.csv").read_text(encoding="utf-8")
    assert "(min_count: 40)" in roles and "--min-count" not in roles
    assert sum(1 for x in roles.splitlines() if x.startswith(("Group", '"Group'))) == (
        len(cross.rows) - 1  # the Total row stays, of everything
    )


def test_a_plot_too_large_is_refused_with_the_cli_hint_and_where_in_the_spec(
    wide: Project, tmp_path: Path
) -> None:
    spec = parse_spec(
        "outputs:\n  - {name: fine, kind: crosstab, formats: [md]}\n"
        "  - {name: everything, kind: plot, rows: code, cols: role}\n",
        "paper.yaml",
    )
    tables = reports.crosstab(wide, CrosstabRequest(rows="code", cols="role"))
    with pytest.raises(ReportError) as cli:
        plot.figure_bytes(tables, "png", narrow_hint="--codes GROUP")  # as `report plot`
    with pytest.raises(ReportError) as caught:
        report_spec_run.run_spec(wide, spec, tmp_path)
    text = str(caught.value)
    assert text.startswith("paper.yaml, line 3: " + str(cli.value)) and "\n" not in text
    assert "--top 40" in text and "(output 'everything'; in a spec: top: N" in text
    # Checked before anything is written: not even the table before it.
    assert list(tmp_path.iterdir()) == []


def test_a_plot_with_top_and_cluster_is_written(wide: Project, tmp_path: Path) -> None:
    spec = parse_spec(
        "outputs:\n  - {name: fig, kind: plot, rows: code, cols: role, top: 30, cluster: true,"
        " formats: [png, svg]}\n"
    )
    written = report_spec_run.run_spec(wide, spec, tmp_path)
    assert written == [tmp_path / "fig.png", tmp_path / "fig.svg"]
    assert (tmp_path / "fig.png").read_bytes().startswith(b"\x89PNG")
    # sized for the 30 codes kept, as `report plot crosstab --top 30` sizes it
    tables = reports.crosstab(wide, CrosstabRequest(rows="code", cols="role"))
    inches = matrix_limits.figure_inches(matrix_limits.limit(tables, 30), 1, 1)
    data = (tmp_path / "fig.png").read_bytes()
    size = struct.unpack(">II", data[16:24])
    assert size == pytest.approx([x * matrix_limits.DPI for x in inches], abs=2)


def test_cluster_reorders_the_figure_as_the_cli_does(
    wide: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[bool] = []
    original = plot.figure_bytes

    def spy(*args: object, **kwargs: object) -> bytes:
        seen.append(bool(kwargs.get("cluster")))
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(plot, "figure_bytes", spy)
    spec = parse_spec(
        "outputs:\n  - {name: a, kind: plot, top: 12, cluster: true}\n"
        "  - {name: b, kind: plot, top: 12}\n"
    )
    report_spec_run.run_spec(wide, spec, tmp_path)
    assert seen == [True, False]


def _example(text: str, start: str) -> str:
    """The YAML example that begins with ``start`` (up to its first blank line)."""
    block = text[text.index(start) :].split("\n\n")[0]
    lines = block.splitlines()
    indent = len(lines[0]) - len(lines[0].lstrip())
    return "\n".join(line[indent:] for line in lines) + "\n"


def test_the_documented_examples_are_valid_specs_with_the_limit_keys() -> None:
    from qualcope.report import spec as spec_module

    docstring = _example(spec_module.__doc__ or "", "    qualcope_report: 1")
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("A **report spec**") :]
    in_readme = section[section.index("```yaml\n") + 8 : section.index("```\n", 8)]
    for text in (docstring, in_readme):
        items = parse_spec(text).items
        assert any(item.options.get("top") for item in items)
        assert any(item.options.get("cluster") for item in items)


def test_a_cooccurrence_plot_from_a_spec_is_the_clis_figure(wide: Project, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from qualcope.cli import cli

    spec = parse_spec(
        "outputs:\n"
        "  - {name: pairs, kind: cooccurrence_plot, top: 12, cluster: true, within: segment,"
        " formats: [svg]}\n"
    )
    assert report_spec_run.run_spec(wide, spec, tmp_path / "spec") == [
        tmp_path / "spec" / "pairs.svg"
    ]
    result = CliRunner().invoke(
        cli,
        ["--db", str(wide.path), "report", "plot", "cooccurrence", "--top", "12", "--cluster"]
        + ["-o", str(tmp_path / "cli.svg")],
    )
    assert result.exit_code == 0, result.output
    # The same figure: the same labels in the same (clustered) order.

    def labels(path: Path) -> list[str]:
        return re.findall(r"<!-- (.*?) -->", path.read_text(encoding="utf-8"))

    found = labels(tmp_path / "spec" / "pairs.svg")
    assert len(found) > 12 and found == labels(tmp_path / "cli.svg")
    # Without top, the whole 330 x 330 matrix is refused, naming the spec's keys.
    whole = parse_spec("outputs:\n  - {name: all, kind: cooccurrence_plot}\n", "paper.yaml")
    with pytest.raises(ReportError, match=r"paper.yaml, line 2: .*--rows GROUP --cols GROUP"):
        report_spec_run.run_spec(wide, whole, tmp_path / "whole")
    assert not (tmp_path / "whole" / "all.png").exists()


def test_a_cooccurrence_plot_takes_code_groups_not_dimensions() -> None:
    with pytest.raises(ReportError, match="'rows' must be a list of names"):
        parse_spec("outputs:\n  - {name: p, kind: cooccurrence_plot, rows: 3}\n", "paper.yaml")
    spec = parse_spec(
        "outputs:\n  - {name: p, kind: cooccurrence_plot, rows: Value conflicts,"
        " cols: [Coping strategies], within: link}\n"
    )
    assert spec.items[0].options["rows"] == ("Value conflicts",)
    assert spec.items[0].formats == ("png",)
