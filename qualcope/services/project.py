"""An open project: its engine, the current coder, and units of work.

``blind`` says the coder works blind (blind double coding, ``services.blind``): the
coding workflow shows and learns from this coder's own codings only.

``Project.read()`` gives a session for reading; ``Project.write(label)``
gives a session whose changes are committed as one transaction and written
to the event log as one undoable action. Database faults become one-line
``QualcopeError``s and leave the project as it was.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

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
        from qualcope.db.history import ChangeRecorder  # noqa: PLC0415 - writes only

        with self._translate_errors():
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
        except StaleDataError as exc:
            raise ConflictError(
                "someone else changed this since it was shown; reload and try again"
            ) from exc
        except IntegrityError as exc:
            raise ConflictError(f"the change breaks a project rule ({exc.orig})") from exc
        except OperationalError as exc:
            message = str(exc.orig).lower()
            if "locked" in message or "busy" in message:
                raise ProjectBusyError(
                    "the project is busy (another qualcope is writing); try again",
                    path=self.location,
                ) from exc
            if "full" in message:
                raise ProjectError(
                    "disk full: the change was not saved", path=self.location
                ) from exc
            if "readonly" in message or "read-only" in message:
                raise ProjectError("the project is read-only", path=self.location) from exc
            raise ProjectError(f"database error: {exc.orig}", path=self.location) from exc
        except DBAPIError as exc:
            raise ProjectError(f"database error: {exc.orig}", path=self.location) from exc
