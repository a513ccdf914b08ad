"""Start the coding workspace on an open project (the CLI's entry into the TUI)."""

from __future__ import annotations

from qualcope.services.project import Project


def launch(project: Project, document_id: int | None = None) -> None:
    """Run the TUI until the user quits; every change is already saved by then."""
    from qualcope.tui.app import QualcopeApp

    QualcopeApp(project, document_id=document_id).run()
