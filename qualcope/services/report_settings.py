"""What the report screen keeps between visits, and where a report's quote lives.

The report screen remembers each coder's last choices (rows, columns, unit, filters, top N,
wide or long layout...) for the session, in memory, and across restarts as one JSON row of
``project_info`` (``{"coder": {...}}``). Like a reading position it is screen state, not study data:
``project_info`` is not recorded by the event log (``db.history.UNTRACKED``), so saving
settings adds no action to the history and is never what ``u`` undoes.
"""

from __future__ import annotations

import json
from typing import Any

from qualcope.db.models import Coding, ProjectInfo
from qualcope.errors import NotFoundError
from qualcope.services.project import Project

SETTINGS_KEY = "report_settings"

# (project location, coder) -> the settings of this session (read first: no database trip).
_SESSION: dict[tuple[str, str], dict[str, Any]] = {}


def _who(project: Project) -> tuple[str, str]:
    return project.location, project.coder


def _parse(value: str | None) -> dict[str, Any]:
    try:
        data = json.loads(value) if value else {}
    except ValueError:  # a hand-edited or damaged row: start afresh rather than fail
        return {}
    return data if isinstance(data, dict) else {}


def load(project: Project) -> dict[str, Any]:
    """This coder's last report settings ({} when none were kept)."""
    if _who(project) in _SESSION:
        return dict(_SESSION[_who(project)])
    with project.read() as session:
        row = session.get(ProjectInfo, SETTINGS_KEY)
        mine = _parse(None if row is None else row.value).get(project.coder)
    return dict(mine) if isinstance(mine, dict) else {}


def remember(project: Project, settings: dict[str, Any]) -> None:
    """Keep the settings for this session only (no database write)."""
    _SESSION[_who(project)] = dict(settings)


def save(project: Project, settings: dict[str, Any]) -> None:
    """Keep the settings for this session and in the project (not undoable, not logged)."""
    remember(project, settings)
    with project.write("remember report settings", undoable=False) as session:
        row = session.get(ProjectInfo, SETTINGS_KEY)
        data = _parse(None if row is None else row.value)
        if data.get(project.coder) == settings:
            return
        data[project.coder] = dict(settings)
        value = json.dumps(data, sort_keys=True, ensure_ascii=False)
        if row is None:
            session.add(ProjectInfo(key=SETTINGS_KEY, value=value))
        else:
            row.value = value


def forget_session() -> None:
    """Drop the in-memory settings (tests; a restart does the same)."""
    _SESSION.clear()


def passage(project: Project, coding_id: int) -> tuple[int, int, int]:
    """(document id, start, end) of a coding: where a report's quote opens in its transcript."""
    with project.read() as session:
        coding = session.get(Coding, coding_id)
        if coding is None:
            raise NotFoundError(f"no coding {coding_id} (removed since the report was made?)")
        return coding.document_id, coding.start, coding.end
