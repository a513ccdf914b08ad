"""Importing a codebook that knows the project's codes by GUID (issue 12): a code renamed or
moved in another tool is the same code here, with its codings; a GUID and a path that name
two different codes are refused; another tool's codebook does not retitle the project's."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from qualcope.domain import CodebookSpec, CodeSpec
from qualcope.errors import CodebookError
from qualcope.services import codebook, codings
from qualcope.services.project import Project
from tests.services.test_codebook_service import add_document

AVOIDANCE = "Coping strategies/Avoidance"


def test_a_code_renamed_in_another_tool_keeps_its_codings(
    icvc_project: Project, tmp_path: Path
) -> None:
    doc = add_document(icvc_project)
    nodes = {n.path: n for n in codebook.tree(icvc_project)}
    avoidance = nodes[AVOIDANCE]
    codings.add_coding(icvc_project, doc, 12, 33, avoidance.id)
    exported = tmp_path / "codebook.qdc"
    codebook.export_codebook(icvc_project, exported)
    # As NVivo would: the same GUID under a new name.
    text = exported.read_text(encoding="utf-8").replace('name="Avoidance"', 'name="Withdrawal"')
    exported.write_text(text, encoding="utf-8")

    changes = codebook.import_codebook(
        icvc_project, codebook.read_codebook_file(exported), source=str(exported)
    )

    moved = [c for c in changes if c.action == "moved"]
    assert [(c.path, c.detail) for c in moved] == [
        ("Coping strategies/Withdrawal", f"was {AVOIDANCE!r}: the same code by its GUID")
    ]
    after = {n.path: n for n in codebook.tree(icvc_project)}
    assert AVOIDANCE not in after
    withdrawal = after["Coping strategies/Withdrawal"]
    assert withdrawal.id == avoidance.id and withdrawal.coding_count == 1
    assert len(after) == len(nodes)  # nothing added, nothing lost


def test_a_code_moved_to_another_group_by_guid_takes_its_sub_codes(
    icvc_project: Project,
) -> None:
    spec = codebook.current_spec(icvc_project)
    groups = {c.name: c for c in spec.codes}
    strategies = groups["Coping strategies"]
    avoidance = next(c for c in strategies.children if c.name == "Avoidance")
    effects = groups["Effects"]
    moved = replace(
        spec,
        codes=tuple(
            replace(c, children=tuple(k for k in c.children if k.name != "Avoidance"))
            if c.name == "Coping strategies"
            else replace(c, children=(*c.children, avoidance))
            if c.name == "Effects"
            else c
            for c in spec.codes
        ),
    )
    before = {n.path: n.id for n in codebook.tree(icvc_project)}

    changes = codebook.import_codebook(icvc_project, moved)

    after = {n.path: n.id for n in codebook.tree(icvc_project)}
    assert after[f"{effects.name}/Avoidance"] == before[AVOIDANCE]
    assert AVOIDANCE not in after
    assert sorted(after.values()) == sorted(before.values())
    assert [c.action for c in changes if c.action in ("added", "moved")] == ["moved"]


def test_a_guid_and_a_path_naming_two_codes_are_refused_and_nothing_changes(
    icvc_project: Project,
) -> None:
    spec = codebook.current_spec(icvc_project)
    guids = {n.path: n.guid for n in codebook.tree(icvc_project)}
    # The file's Avoidance carries the GUID of the project's Escalation.
    swapped = replace(
        spec,
        codes=tuple(
            replace(
                c,
                children=tuple(
                    replace(k, guid=guids["Coping strategies/Escalation"])
                    if k.name == "Avoidance"
                    else k
                    for k in c.children
                ),
            )
            for c in spec.codes
        ),
    )
    before = codebook.tree(icvc_project)
    with pytest.raises(CodebookError, match="has the GUID of the project's"):
        codebook.import_codebook(icvc_project, swapped, source="swapped.qdc")
    assert codebook.tree(icvc_project) == before


def test_another_tools_codebook_does_not_retitle_the_project(icvc_project: Project) -> None:
    title = codebook.current_spec(icvc_project).name
    foreign = CodebookSpec(name="Taguette export", description="", codes=(CodeSpec("Trust"),))
    changes = codebook.import_codebook(icvc_project, foreign)
    assert codebook.current_spec(icvc_project).name == title
    assert any(c.action == "kept" and "'Taguette export'" in c.detail for c in changes)


def test_a_project_without_codes_takes_the_files_title(project: Project) -> None:
    spec = CodebookSpec(name="Study codebook", description="Ours.", codes=(CodeSpec("Trust"),))
    codebook.import_codebook(project, spec)
    assert codebook.current_spec(project).name == "Study codebook"
    assert codebook.current_spec(project).description == "Ours."
