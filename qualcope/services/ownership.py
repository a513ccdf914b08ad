"""Other coders' codings: whether a coder may remove or recode them, and after asking.

Every coding carries its coder. Removing or recoding a colleague's (or the reference coder's)
coding is a decision about someone else's work, so the workspace asks first ("remove
Reference coder's coding?"), and a project can forbid it altogether (``qualcope
others-codings protect``) — for a double-coded study whose codings must stay as each coder
left them, until they are reconciled into a consensus coder's own codings.

The rule is kept here, in the service layer, so every way in (the TUI, scripts) obeys it: a
change to another coder's coding must say it was confirmed (``others_confirmed``), and is
refused outright when the project protects others' codings. The setting is a row of
``project_info`` (``ask`` by default, or ``protect``); changing it is recorded in the event log
and is not undoable, like the blind setting.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from qualcope.db.history import Change
from qualcope.db.models import Coder, Coding, ProjectInfo
from qualcope.errors import QualcopeError
from qualcope.services.project import Project

OTHERS_KEY = "others_codings"
ASK, PROTECT = "ask", "protect"
POLICIES = (ASK, PROTECT)


class OthersCodingError(QualcopeError):
    """A change to another coder's coding that was not confirmed, or that the project forbids."""

    def __init__(self, message: str, *, coder: str, needs_confirmation: bool) -> None:
        super().__init__(message)
        self.coder = coder
        self.needs_confirmation = needs_confirmation


def others_codings_policy(project: Project) -> str:
    """``ask`` (a change to another coder's coding is confirmed first) or ``protect``."""
    with project.read() as session:
        return policy_in(session)


def policy_in(session: Session) -> str:
    row = session.get(ProjectInfo, OTHERS_KEY)
    return PROTECT if row is not None and row.value == PROTECT else ASK


def set_others_codings_policy(project: Project, policy: str) -> bool:
    """Set the policy; True when it changed (setting it to what it is writes nothing)."""
    if policy not in POLICIES:
        raise QualcopeError(f"unknown policy {policy!r}: use one of {', '.join(POLICIES)}")
    if others_codings_policy(project) == policy:
        return False
    with project.write(f"others' codings: {policy}", undoable=False) as session:
        row = session.get(ProjectInfo, OTHERS_KEY)
        before = None if row is None else {"key": OTHERS_KEY, "value": row.value}
        if row is None:
            session.add(ProjectInfo(key=OTHERS_KEY, value=policy))
        else:
            row.value = policy
        after = {"key": OTHERS_KEY, "value": policy}
        change = Change("project_info", "insert" if before is None else "update", before, after)
        session.info["recorder"].add([change])
    return True


def check_change(
    session: Session, project: Project, coding: Coding, what: str, *, others_confirmed: bool
) -> None:
    """Refuse a change (``what``: "remove", "recode") to another coder's coding that was not
    confirmed, or any such change when the project protects others' codings."""
    if coding.coder_id == project.coder_id(session):
        return
    coder = session.get(Coder, coding.coder_id)
    name = coder.name if coder is not None else "another coder"
    if policy_in(session) == PROTECT:
        raise OthersCodingError(
            f"{name}'s coding cannot be changed: this project protects other coders' codings "
            "(qualcope others-codings ask allows it after a confirmation)",
            coder=name,
            needs_confirmation=False,
        )
    if not others_confirmed:
        raise OthersCodingError(
            f"this is {name}'s coding: {what} it only after confirming",
            coder=name,
            needs_confirmation=True,
        )
