"""Settings read from the environment (no config files written to the user's home)."""

from __future__ import annotations

import getpass
import os

DEFAULT_PROJECT_FILE = "qualcope.db"
PROJECT_ENV = "QUALCOPE_DB"
CODER_ENV = "QUALCOPE_CODER"
BLIND_ENV = "QUALCOPE_BLIND"
MAX_FILE_MB_ENV = "QUALCOPE_MAX_FILE_MB"
DEFAULT_MAX_FILE_MB = 50


def default_coder() -> str:
    """The coder name when --coder is not given: $QUALCOPE_CODER, else the login name."""
    name = os.environ.get(CODER_ENV, "").strip()
    if name:
        return name
    try:
        return getpass.getuser() or "coder"
    except (KeyError, OSError):
        return "coder"


def blind_from_env() -> bool:
    """True when $QUALCOPE_BLIND asks for blind coding (1, true, yes or on)."""
    return os.environ.get(BLIND_ENV, "").strip().lower() in ("1", "true", "yes", "on")


def project_location(option: str | None) -> str:
    """--db, else $QUALCOPE_DB, else ./qualcope.db."""
    if option:
        return option
    return os.environ.get(PROJECT_ENV, "").strip() or DEFAULT_PROJECT_FILE


def max_file_bytes() -> int:
    raw = os.environ.get(MAX_FILE_MB_ENV, "")
    try:
        megabytes = float(raw) if raw else DEFAULT_MAX_FILE_MB
    except ValueError:
        megabytes = DEFAULT_MAX_FILE_MB
    return int(megabytes * 1024 * 1024)
