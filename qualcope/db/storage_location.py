"""Warn when a SQLite project sits where SQLite is not safe: a network share or a sync folder.

SQLite's locking needs a local file system: on NFS, SMB/CIFS, sshfs and the like, locks are
unreliable and two coders can corrupt the file. A cloud-sync client (Dropbox, OneDrive, Google
Drive, iCloud...) uploads the database and its WAL file separately, mid-transaction, and
"resolves conflicts" by writing copies: the project ends up corrupt or silently behind. A team
shares a project on PostgreSQL instead (README, "Team projects on PostgreSQL").
"""

from __future__ import annotations

from pathlib import Path, PurePath

MOUNTS = Path("/proc/mounts")

# File system types (the third field of /proc/mounts) whose files live on another machine.
NETWORK_FILESYSTEMS = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb3",
        "smbfs",
        "ncpfs",
        "sshfs",
        "fuse.sshfs",
        "9p",
        "afs",
        "coda",
        "ceph",
        "fuse.ceph",
        "glusterfs",
        "fuse.glusterfs",
        "lustre",
        "gpfs",
        "beegfs",
        "davfs",
        "fuse.davfs2",
        "fuse.rclone",
        "fuse.s3fs",
        "fuse.gcsfuse",
        "fuse.juicefs",
    }
)

# Folder names that sync clients create (a component of the path); a name also matches
# "Dropbox (Team)", "OneDrive - Contoso" or macOS's "GoogleDrive-ana@example.org".
SYNC_FOLDERS = (
    "Dropbox",
    "OneDrive",
    "Google Drive",
    "GoogleDrive",
    "My Drive",
    "iCloud Drive",
    "iCloudDrive",
    "Mobile Documents",
    "Nextcloud",
    "ownCloud",
    "pCloud Drive",
    "pCloud",
    "Box",
    "Box Sync",
    "SynologyDrive",
    "MEGA",
    "MEGAsync",
)
_SEPARATORS = (" ", "-", "_", "(")


def read_mounts() -> str:
    """The text of /proc/mounts, or "" where there is none (macOS, Windows)."""
    try:
        return MOUNTS.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def parse_mounts(mounts: str) -> list[tuple[str, str]]:
    """(mount point, file system type) of each line of a /proc/mounts text."""
    found = []
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) >= 3:
            found.append((_unescape(fields[1]), fields[2]))
    return found


def _unescape(field: str) -> str:
    """/proc/mounts writes a space as \\040, a tab as \\011, a backslash as \\134."""
    for code, char in (("\\040", " "), ("\\011", "\t"), ("\\012", "\n"), ("\\134", "\\")):
        field = field.replace(code, char)
    return field


def network_filesystem(path: PurePath, mounts: str) -> tuple[str, str] | None:
    """(mount point, type) of the network file system holding path, or None.

    The mount that holds a path is the one with the longest mount point containing it (the
    last one listed when several are stacked on the same point).
    """
    target = str(path)
    best: tuple[str, str] | None = None
    for point, fstype in parse_mounts(mounts):
        prefix = point.rstrip("/") + "/"
        if (target == point or target.startswith(prefix) or point == "/") and (
            best is None or len(point) >= len(best[0])
        ):
            best = (point, fstype)
    if best is not None and best[1].lower() in NETWORK_FILESYSTEMS:
        return best
    return None


def sync_folder(path: PurePath) -> str | None:
    """The first folder of path that a cloud-sync client keeps in sync, or None."""
    for part in path.parts[:-1]:
        if any(_matches(part, name) for name in SYNC_FOLDERS):
            return part
    return None


def _matches(part: str, name: str) -> bool:
    """The folder is the sync client's, with or without a suffix ("Dropbox (Team)").

    Short names must match as written: a folder "box" or "mega" is someone's own.
    """
    if len(name) > 4:
        part, name = part.casefold(), name.casefold()
    if part == name:
        return True
    return part.startswith(name) and part[len(name) :].startswith(_SEPARATORS)


def storage_warning(path: Path, mounts: str | None = None) -> str | None:
    """A one-line warning when the SQLite file at path is on a network share or in a sync
    folder, else None. ``mounts`` is a /proc/mounts text (read from the system when None)."""
    absolute = Path(path).expanduser().absolute()
    resolved = absolute.resolve()
    mount = network_filesystem(resolved, read_mounts() if mounts is None else mounts)
    if mount is not None:
        point, fstype = mount
        return (
            f"warning: {absolute} is on a network file system ({fstype} at {point}): SQLite "
            "must never sit on a network share; keep the project on a local disk, or share it "
            "on PostgreSQL (see `qualcope db copy`)"
        )
    folder = sync_folder(absolute) or sync_folder(resolved)
    if folder is not None:
        return (
            f"warning: {absolute} is in a cloud-sync folder ({folder}): a sync client can "
            "corrupt a SQLite project; keep it in a local folder, or share it on PostgreSQL "
            "(see `qualcope db copy`)"
        )
    return None
