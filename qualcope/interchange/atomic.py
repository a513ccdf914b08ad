"""Write files atomically: a temporary file beside the target, fsync, rename (C5-7).

A target that is not a regular file (``/dev/stdout``, a pipe, a terminal) is written to
directly: renaming over it would replace the device with a file. A symbolic link is
followed, so the file it points at is replaced and the link stays.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from qualcope.errors import ExportError


def _read_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _read_umask()


@contextlib.contextmanager
def atomic_file(path: Path) -> Iterator[BinaryIO]:
    """Yield a binary file; on success it replaces ``path``, on failure nothing changes."""
    path = Path(path)
    if path.exists() and not stat.S_ISREG(path.stat().st_mode) and not path.is_dir():
        try:
            with path.open("wb") as stream:
                yield stream
        except OSError as exc:
            raise ExportError(f"cannot write ({exc.strerror or exc})", path=path) from exc
        return
    if path.is_symlink():
        path = path.resolve()
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ExportError("the folder does not exist", path=folder)
    if path.is_dir():
        raise ExportError("is a directory", path=path)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise ExportError(f"cannot write here ({exc.strerror})", path=path) from exc
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp makes the file private (0600); give it the mode a plain open() would.
        os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~_UMASK)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        reason = "disk full" if exc.errno == errno.ENOSPC else (exc.strerror or str(exc))
        raise ExportError(
            f"cannot write the file ({reason}); nothing was changed", path=path
        ) from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_text_atomic(path: Path, text: str, *, encoding: str = "utf-8") -> None:
    with atomic_file(path) as handle:
        handle.write(text.encode(encoding))


def write_with(path: Path, writer: Callable[[BinaryIO], None]) -> None:
    """Let a library write into the temporary file (openpyxl, matplotlib, python-docx)."""
    with atomic_file(path) as handle:
        writer(handle)
