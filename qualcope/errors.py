"""The errors qualcope reports to a user: one line each, no traceback.

Every error a user can cause derives from ``QualcopeError``; the CLI prints
``str(error)`` on one line and exits non-zero, the TUI shows it in a toast.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path


class QualcopeError(Exception):
    """A problem the user can fix; its message is shown as it is."""

    exit_code = 1

    def __init__(self, message: str, *, path: str | Path | None = None, line: int | None = None):
        self.path = str(path) if path is not None else None
        self.line = line
        where = ""
        if self.path is not None:
            where = f"{self.path}"
            if line is not None:
                where += f", line {line}"
            where += ": "
        super().__init__(f"{where}{message}")


class ProjectError(QualcopeError):
    """The project database cannot be opened, created or upgraded."""


class NotAProjectError(ProjectError):
    """The file exists but is not a qualcope project."""


class NewerProjectError(ProjectError):
    """The project was written by a newer qualcope."""


class ProjectBusyError(ProjectError):
    """Another process holds the project's write lock for too long."""


class CodebookError(QualcopeError):
    """A codebook file or a codebook edit breaks a rule."""


class ImportFileError(QualcopeError):
    """A transcript or data file cannot be imported."""


class EncodingError(ImportFileError):
    """The bytes of a file cannot be decoded with the chosen encoding."""


class NotFoundError(QualcopeError):
    """A document, code, coding or other object the user named does not exist."""


class ConflictError(QualcopeError):
    """The object changed since it was read (another coder, another window)."""


class StaleEditError(ConflictError):
    """An edit would overwrite what someone saved after the editor read the row.

    ``by`` and ``at`` are the coder and time of the newest change of the row in the event log
    (None when the log does not say). The caller may reload, or repeat the edit with
    ``overwrite=True``.
    """

    def __init__(self, what: str, *, by: str | None = None, at: datetime | None = None) -> None:
        self.what = what
        self.by = by
        self.at = at
        who = f" by {by}" if by else ""
        when = f" at {_clock(at)}" if at is not None else ""
        super().__init__(
            f"{what} was changed{who}{when} since you opened it: reload to see it, or overwrite"
        )


def _clock(at: datetime) -> str:
    """14:02 for a time of today (local time), else 2026-12-06 14:02."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    local = at.astimezone()
    if local.date() == datetime.now().astimezone().date():
        return local.strftime("%H:%M")
    return local.strftime("%Y-%m-%d %H:%M")


class NothingToDoError(QualcopeError):
    """An undo/redo or similar request found nothing to act on."""

    exit_code = 0


class ExportError(QualcopeError):
    """An export cannot be written."""


class SuggestionError(QualcopeError):
    """Suggestions cannot be computed."""


class ReportError(QualcopeError):
    """A report cannot be computed from the given options."""
