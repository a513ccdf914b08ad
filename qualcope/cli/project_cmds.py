"""Project commands: init, tui, doctor, demo, blind, others-codings."""

from __future__ import annotations

from pathlib import Path

import click

from qualcope.cli.common import (
    apply_blind,
    coder_name,
    common_options,
    err_console_print,
    open_project,
    project_location,
)


@click.command(
    epilog="""\b
Examples:
  qualcope init                                   empty project ./qualcope.db
  qualcope --db study.db init --codebook codebooks/icvc.yaml
"""
)
@click.option(
    "--codebook",
    type=click.Path(path_type=Path),
    metavar="FILE",
    help="A codebook file (.yaml, .yml or .csv) to start with.",
)
@common_options
@click.pass_context
def init(ctx: click.Context, codebook: Path | None) -> None:
    """Create a new project (refuses to overwrite an existing file)."""
    from qualcope.services import codebook as codebook_service
    from qualcope.services.project import Project

    spec = codebook_service.read_codebook_file(codebook) if codebook else None
    project = Project.create(project_location(ctx), coder_name(ctx))
    try:
        if spec is not None:
            changes = codebook_service.import_codebook(project, spec, source=str(codebook))
            added = sum(1 for c in changes if c.action == "added")
            err_console_print(f"codebook {codebook}: {added} codes")
        click.echo(f"created project {project.location}")
    except BaseException:
        project.close()
        if project.path is not None:  # nothing half-made is left behind
            for suffix in ("", "-wal", "-shm"):
                Path(f"{project.path}{suffix}").unlink(missing_ok=True)
        raise
    project.close()


@click.command(
    epilog="""\b
Examples:
  qualcope tui
  qualcope --db study.db --coder ana tui
"""
)
@common_options
@click.pass_context
def tui(ctx: click.Context) -> None:
    """Open the coding workspace (the same as running qualcope with no command)."""
    from qualcope.tui.launch import launch

    with open_project(ctx) as project:
        launch(project)


@click.command(
    epilog="""\b
Examples:
  qualcope doctor
  qualcope --db study.db doctor
"""
)
@common_options
@click.pass_context
def doctor(ctx: click.Context) -> None:
    """Check the project: storage integrity, coding spans against the text, the code tree.

    Notes (not faults) list codings imported without a quote to check them against, and
    documents whose file positions are unknown.
    """
    from qualcope.services import doctor as service

    with open_project(ctx) as project:
        problems = service.check(project)
        notices = service.notices(project)
    for problem in problems:
        click.echo(problem)
    for notice in notices:
        click.echo(f"note: {notice}")
    if problems:
        err_console_print(f"{project.location}: {len(problems)} problem(s) found")
        ctx.exit(1)
    err_console_print(f"{project.location}: no problems found")


@click.command(
    epilog="""\b
Examples:
  qualcope blind                  is blind coding on for this project?
  qualcope blind on               from now on every coder codes blind
  qualcope --coder ben --blind    one blind session, whatever the setting
  qualcope blind off              coders see each other's codings again
"""
)
@click.argument("state", type=click.Choice(["on", "off", "status"]), default="status")
@common_options
@click.pass_context
def blind(ctx: click.Context, state: str) -> None:
    """Blind double coding for every coder of the project: on, off, or show the setting.

    While it is on, each coder sees only their own codings in the coding workspace (text
    highlights, the codings panel, links, codebook counts) and suggestions learn from their
    own codings and decisions only, so two codings of the same documents stay independent.
    `--blind` (or $QUALCOPE_BLIND=1) does the same for one session when the setting is off.
    Reports, exports and `qualcope agreement` always see every coder.
    """
    from qualcope.services import blind as service

    with open_project(ctx) as project:
        if state != "status":
            changed = service.set_blind(project, state == "on")
            if not changed:
                err_console_print(f"blind coding was already {state}")
        on = service.is_blind_project(project)
    click.echo(f"blind coding: {'on' if on else 'off'}")


@click.command(
    "others-codings",
    epilog="""\b
Examples:
  qualcope others-codings            may coders change each other's codings?
  qualcope others-codings protect    nobody removes or recodes another coder's coding
  qualcope others-codings ask        allowed after a confirmation (the default)
""",
)
@click.argument("policy", type=click.Choice(["ask", "protect", "status"]), default="status")
@common_options
@click.pass_context
def others_codings(ctx: click.Context, policy: str) -> None:
    """Whether a coder may remove or recode another coder's codings: ask, protect, or show.

    With `ask` (the default) the workspace asks "remove Reference coder's coding?" first; with
    `protect` it refuses, so each coder's codings stay as they left them (double coding,
    before reconciliation). Your own codings are never affected.
    """
    from qualcope.services import ownership

    with open_project(ctx) as project:
        if policy != "status":
            if not ownership.set_others_codings_policy(project, policy):
                err_console_print(f"other coders' codings: already {policy}")
        found = ownership.others_codings_policy(project)
    said = {"ask": "ask before a change", "protect": "protected"}[found]
    click.echo(f"other coders' codings: {found} ({said})")


def register(group: click.Group) -> None:
    group.add_command(blind)
    group.add_command(others_codings)
    group.add_command(doctor)
    group.add_command(init)
    group.add_command(tui)
    group.add_command(demo)


@click.command(
    epilog="""\b
Examples:
  qualcope demo                   build ./qualcope.db from the sample corpus and open it
  qualcope --db demo.db demo --no-tui
"""
)
@click.option("--no-tui", is_flag=True, help="Only build the demo project; do not open it.")
@common_options
@click.pass_context
def demo(ctx: click.Context, no_tui: bool) -> None:
    """Build the demo project (ICVC codebook, sample corpus, reference coding) and open it."""
    from qualcope.cli.import_output import progress_bar
    from qualcope.services.demo import open_or_build_demo

    with progress_bar("building the demo") as on_progress:
        project, built = open_or_build_demo(project_location(ctx), coder_name(ctx), on_progress)
    try:
        apply_blind(ctx, project)
        err_console_print(f"{'built' if built else 'opened'} demo project {project.location}")
        if no_tui:
            return
        try:
            from qualcope.tui.launch import launch
        except ModuleNotFoundError:
            from qualcope.cli.codebook_cmds import show

            ctx.invoke(show)
            return
        launch(project)
    finally:
        project.close()
