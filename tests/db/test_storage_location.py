"""The warning for a SQLite project on a network share or in a cloud-sync folder
(``qualcope.db.storage_location``): fake /proc/mounts texts and paths, and the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from qualcope.cli import cli
from qualcope.db import storage_location
from qualcope.db.storage_location import network_filesystem, parse_mounts, storage_warning
from qualcope.services.project import Project

MOUNTS = """\
/dev/sda2 / ext4 rw,relatime 0 0
proc /proc proc rw,nosuid 0 0
nas:/export/home /home nfs4 rw,vers=4.2 0 0
/dev/sdb1 /home/ana/local ext4 rw 0 0
//fileserver/projects /mnt/team\\040share cifs rw 0 0
ana@host:/data /mnt/remote fuse.sshfs rw 0 0
remote: /mnt/cloud fuse.rclone rw 0 0
C:\\134 /mnt/c 9p rw 0 0
tmpfs /tmp tmpfs rw 0 0
"""


def test_mount_points_are_unescaped() -> None:
    assert ("/mnt/team share", "cifs") in parse_mounts(MOUNTS)


@pytest.mark.parametrize(
    ("path", "fstype"),
    [
        ("/home/ben/study.db", "nfs4"),
        ("/home", "nfs4"),
        ("/mnt/team share/study/study.db", "cifs"),
        ("/mnt/remote/study.db", "fuse.sshfs"),
        ("/mnt/cloud/study.db", "fuse.rclone"),
        ("/mnt/c/Users/ana/study.db", "9p"),
    ],
)
def test_a_path_on_a_network_file_system_is_found(path: str, fstype: str) -> None:
    found = network_filesystem(Path(path), MOUNTS)
    assert found is not None and found[1] == fstype
    warning = storage_warning(Path(path), MOUNTS)
    assert warning is not None and f"network file system ({fstype}" in warning
    assert "\n" not in warning


@pytest.mark.parametrize(
    "path",
    [
        "/home/ana/local/study.db",  # a local disk mounted inside the share: the longest wins
        "/tmp/study.db",
        "/srv/study.db",
        "/home2/study.db",  # not under /home
        "/mnt/team/study.db",
    ],
)
def test_a_local_path_gets_no_warning(path: str) -> None:
    assert storage_warning(Path(path), MOUNTS) is None


@pytest.mark.parametrize(
    ("path", "folder"),
    [
        ("/srv/ana/Dropbox/study/study.db", "Dropbox"),
        ("/srv/ana/Dropbox (Team)/study.db", "Dropbox (Team)"),
        ("/srv/ana/OneDrive - Contoso/study.db", "OneDrive - Contoso"),
        ("/srv/ana/onedrive/study.db", "onedrive"),
        ("/srv/ana/Google Drive/My Drive/study.db", "Google Drive"),
        (
            "/srv/ana/Library/CloudStorage/GoogleDrive-ana@example.org/study.db",
            "GoogleDrive-ana@example.org",
        ),
        ("/srv/ana/Library/Mobile Documents/com~apple~CloudDocs/study.db", "Mobile Documents"),
        ("/srv/ana/iCloud Drive/study.db", "iCloud Drive"),
        ("/srv/ana/Nextcloud/study.db", "Nextcloud"),
        ("/srv/ana/ownCloud/study.db", "ownCloud"),
        ("/srv/ana/pCloud Drive/study.db", "pCloud Drive"),
        ("/srv/ana/Box/study.db", "Box"),
        ("/srv/ana/SynologyDrive/study.db", "SynologyDrive"),
        ("/srv/ana/MEGA/study.db", "MEGA"),
    ],
)
def test_a_path_in_a_sync_folder_is_found(path: str, folder: str) -> None:
    warning = storage_warning(Path(path), MOUNTS)
    assert warning is not None and f"cloud-sync folder ({folder})" in warning


@pytest.mark.parametrize(
    "path",
    [
        "/srv/ana/box/study.db",  # someone's own folder "box"
        "/srv/ana/mega/study.db",
        "/srv/ana/Dropboxes/study.db",
        "/srv/ana/studies/Dropbox.db",  # the file's own name does not count
    ],
)
def test_folders_that_only_look_like_sync_folders_get_no_warning(path: str) -> None:
    assert storage_warning(Path(path), MOUNTS) is None


def test_no_mounts_text_means_no_network_warning() -> None:
    assert storage_warning(Path("/home/ben/study.db"), "") is None


def test_a_symlink_into_a_sync_folder_is_followed(tmp_path: Path) -> None:
    (tmp_path / "Dropbox").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "Dropbox")
    warning = storage_warning(tmp_path / "link" / "study.db", "")
    assert warning is not None and "(Dropbox)" in warning


def test_the_cli_warns_once_about_a_project_in_a_dropbox_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(storage_location, "read_mounts", lambda: "")  # whatever tmp_path is on
    synced = tmp_path / "Dropbox" / "study.db"
    synced.parent.mkdir()
    Project.create(synced, "tester").close()
    result = CliRunner().invoke(cli, ["--db", str(synced), "documents"])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if "warning" in line]
    assert warnings == [
        f"qualcope: warning: {synced} is in a cloud-sync folder (Dropbox): a sync client can "
        "corrupt a SQLite project; keep it in a local folder, or share it on PostgreSQL "
        "(see `qualcope db copy`)"
    ]
    local = tmp_path / "local" / "study.db"
    local.parent.mkdir()
    Project.create(local, "tester").close()
    quiet = CliRunner().invoke(cli, ["--db", str(local), "documents"])
    assert quiet.exit_code == 0 and "warning" not in quiet.stderr
