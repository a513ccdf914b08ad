"""Blind double coding: the project setting that makes every coder work blind.

A coder works blind when ``Project.blind`` is set: by ``--blind`` / ``$QUALCOPE_BLIND`` for
one session, or for everyone by this setting (``qualcope blind on``), which the CLI reads
when it opens the project. Blind, the coding workflow (the coding screen, the codebook
counts, suggestions and the classifier they learn from) shows and uses only the coder's own
codings and decisions, so two coders' codings of the same documents stay independent.
Reports and agreement statistics always see every coder.

The setting is a row of ``project_info``. Turning it on or off is not undoable: it is a
decision about how the study is run, not a coding step, and an undo pressed while coding must
never quietly lift blindness. It is still written to the event log (``project_info`` is not
recorded by itself, ``db.history.UNTRACKED``), so a methods section can say from when, and
by whom, coding was blind.
"""

from __future__ import annotations

from qualcope.db.history import Change
from qualcope.db.models import ProjectInfo
from qualcope.services.project import Project

BLIND_KEY = "blind_coding"
ON = "on"


def is_blind_project(project: Project) -> bool:
    """True when the project asks every coder to work blind."""
    with project.read() as session:
        row = session.get(ProjectInfo, BLIND_KEY)
        return row is not None and row.value == ON


def set_blind(project: Project, on: bool) -> bool:
    """Turn the project's blind coding setting on or off; True when it changed.

    Setting it to what it is writes nothing (no action in the log).
    """
    if is_blind_project(project) == on:
        return False
    value = ON if on else "off"
    with project.write(f"blind coding {value}", undoable=False) as session:
        row = session.get(ProjectInfo, BLIND_KEY)
        before = None if row is None else {"key": BLIND_KEY, "value": row.value}
        if row is None:
            session.add(ProjectInfo(key=BLIND_KEY, value=value))
        else:
            row.value = value
        after = {"key": BLIND_KEY, "value": value}
        change = Change("project_info", "insert" if before is None else "update", before, after)
        session.info["recorder"].add([change])
    return True
