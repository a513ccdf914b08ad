"""An open project: its engine, the current coder, and units of work.

``blind`` says the coder works blind (blind double coding, ``services.blind``): the
coding workflow shows and learns from this coder's own codings only.

``Project.read()`` gives a session for reading; ``Project.write(label)``
gives a session whose changes are committed as one transaction and written
to the event log as one undoable action. ``Project.run_write(label, action)`` is the
same for an action given as a callable, run again from scratch when the database aborted it
for a race with another writer (the coding hot path of a team project: see its docstring).
Database faults become one-line ``QualcopeError``s and leave the project as it was.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Engine, select
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from qualcope.config import default_coder, project_location
from qualcope.db import engine as engines
from qualcope.db import lifecycle
from qualcope.db.models import Coder
from qualcope.errors import ConflictError, ProjectBusyError, ProjectError, QualcopeError

T = TypeVar("T")
# ``run_write``: how often a unit of work is tried, and the first backoff (doubled, jittered).
WRITE_ATTEMPTS = 4
RETRY_BASE_DELAY = 0.02
# PostgreSQL: serialization failure, deadlock, unique violation (lost a check-then-insert race).
RETRY_SQLSTATES = frozenset({"40001", "40P01", "23505"})


class Project:
    """A qualcope project opened by one coder."""

    def __init__(self, engine: Engine, url: URL, coder: str, *, blind: bool = False) -> None:
        self.engine = engine
        self.url = url
        self.coder = coder.strip() or default_coder()
        self.blind = blind
        self._coder_id: int | None = None
        self.last_action_id: int | None = None

    # ----------------------------------------------------------------- opening
    @classmethod
    def open(
        cls, location: str | Path | None = None, coder: str | None = None, *, blind: bool = False
    ) -> Project:
        url = engines.to_url(project_location(str(location) if location else None))
        engine = lifecycle.open_project(url)
        return cls(engine, url, coder or default_coder(), blind=blind)

    @classmethod
    def create(
        cls, location: str | Path | None = None, coder: str | None = None, *, blind: bool = False
    ) -> Project:
        url = engines.to_url(project_location(str(location) if location else None))
        engine = lifecycle.create_project(url)
        return cls(engine, url, coder or default_coder(), blind=blind)

    @property
    def visible_coder(self) -> str | None:
        """Whose codings the coding workflow shows: this coder's when blind, else everyone's
        (None). Pass it as the ``coder`` of the reading services."""
        return self.coder if self.blind else None

    @property
    def location(self) -> str:
        return lifecycle.describe(self.url)

    @property
    def path(self) -> Path | None:
        return engines.sqlite_path(self.url)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # ----------------------------------------------------------- units of work
    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only session (deferred BEGIN: never blocks a writer)."""
        with self._translate_errors(), Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def write(self, label: str, *, undoable: bool = True) -> Iterator[Session]:
        """One user action: one IMMEDIATE transaction, logged as one action."""
        with self._translate_errors(), self._unit_of_work(label, undoable) as session:
            yield session

    def run_write(
        self,
        label: str,
        action: Callable[[Session], T],
        *,
        undoable: bool = True,
        attempts: int = WRITE_ATTEMPTS,
    ) -> T:
        """Run ``action(session)`` as one user action, like ``write``, and run the whole of it
        again when the database gave up on it for a reason another try can clear.

        Why the action is a callable: when several coders write at once, PostgreSQL may abort
        a transaction that lost a race — a serialization failure (SQLSTATE 40001), a deadlock
        (40P01), or a unique key another transaction inserted between our check and our insert
        (23505) — and SQLite may still be locked by another writer after the busy timeout.
        Nothing of the aborted transaction was kept, and what the action read may be out of
        date, so the only safe retry is the whole unit of work from a fresh session (re-reading
        everything and re-checking every rule), which a ``with`` block cannot do. A
        ``StaleDataError`` escaping the action (a row it changed was changed and committed by
        someone else between its read and its write, and the action did not turn that into a
        ``StaleEditError``) is retried the same way. Up to ``attempts`` tries with a short
        jittered backoff; then the one-line error ``write`` would give, which says so. The
        action may run more than once: it must only touch the session.
        """
        for attempt in range(1, max(1, attempts) + 1):
            try:
                with self._unit_of_work(label, undoable) as session:
                    return action(session)
            except (StaleDataError, DBAPIError) as exc:
                if attempt >= attempts or not self._retryable(exc):
                    raise self._translated(exc, attempts=attempt) from exc
                time.sleep(RETRY_BASE_DELAY * 2 ** (attempt - 1) * random.uniform(0.5, 1.5))
        raise AssertionError("unreachable")  # pragma: no cover

    @contextmanager
    def _unit_of_work(self, label: str, undoable: bool) -> Iterator[Session]:
        from qualcope.db.history import ChangeRecorder  # noqa: PLC0415 - writes only

        session = Session(engines.write_engine(self.engine), expire_on_commit=False)
        recorder = ChangeRecorder(session)
        try:
            with session.begin():
                session.info["recorder"] = recorder
                session.info["coder_id"] = self._ensure_coder(session)
                yield session
                self.last_action_id = recorder.write(
                    label, session.info["coder_id"], undoable=undoable
                )
            # Cache the coder id only once the transaction that may have created it committed.
            self._coder_id = int(session.info["coder_id"])
        finally:
            recorder.close()
            session.close()

    def _retryable(self, exc: BaseException) -> bool:
        """True for a failure that running the whole unit of work again may clear."""
        if isinstance(exc, StaleDataError):
            return True
        if not isinstance(exc, DBAPIError):
            return False
        if engines.is_sqlite(self.url):
            message = str(exc.orig).lower()
            return isinstance(exc, OperationalError) and ("locked" in message or "busy" in message)
        return getattr(exc.orig, "sqlstate", None) in RETRY_SQLSTATES

    def coder_id(self, session: Session) -> int:
        """The current coder's id (created on first write)."""
        if "coder_id" in session.info:
            return int(session.info["coder_id"])
        found = session.scalar(select(Coder.id).where(Coder.name == self.coder))
        if found is None:
            raise ProjectError(f"coder {self.coder!r} has not made any change yet")
        return int(found)

    def _ensure_coder(self, session: Session) -> int:
        if self._coder_id is not None:
            return self._coder_id
        found = session.scalar(select(Coder.id).where(Coder.name == self.coder))
        if found is None:
            coder = Coder(name=self.coder)
            session.add(coder)
            session.flush()
            found = coder.id
        return int(found)

    @contextmanager
    def _translate_errors(self) -> Iterator[None]:
        try:
            yield
        except QualcopeError:
            raise
        except (StaleDataError, DBAPIError) as exc:
            raise self._translated(exc) from exc

    def _translated(self, exc: BaseException, *, attempts: int = 1) -> QualcopeError:
        """The one-line error of a database fault (``attempts``: how often it was tried)."""
        tried = f" (tried {attempts} times)" if attempts > 1 else ""
        if isinstance(exc, StaleDataError):
            return ConflictError(
                f"someone else changed this since it was shown; reload and try again{tried}"
            )
        if isinstance(exc, IntegrityError):
            return ConflictError(f"the change breaks a project rule ({exc.orig})")
        if isinstance(exc, OperationalError):
            message = str(exc.orig).lower()
            sqlstate = getattr(exc.orig, "sqlstate", None)
            if "locked" in message or "busy" in message:
                return ProjectBusyError(
                    f"the project is busy (another qualcope is writing); try again{tried}",
                    path=self.location,
                )
            if sqlstate in ("40001", "40P01"):
                return ProjectBusyError(
                    "other coders were changing the same rows at the same moment; "
                    f"nothing was saved, try again{tried}",
                    path=self.location,
                )
            if "full" in message:
                return ProjectError("disk full: the change was not saved", path=self.location)
            if "readonly" in message or "read-only" in message:
                return ProjectError("the project is read-only", path=self.location)
            return ProjectError(f"database error: {_first_line(exc.orig)}", path=self.location)
        if isinstance(exc, DBAPIError):
            return ProjectError(f"database error: {_first_line(exc.orig)}", path=self.location)
        raise exc


def _first_line(error: object) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
