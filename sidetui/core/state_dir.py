"""The state folder: logs, history and endpoint files, readable by their user only.

Every run's params, output and results live here, so the folder and its subfolders are 0700 and
the files 0600. A folder left open by an older version (or by a umask) is closed again when the
manager opens; its files too.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
SUBFOLDERS = ("logs", "endpoints", "live")


class StateDirError(OSError):
    """The state folder cannot be made or used; the message says which folder and why."""


def prepare(state_dir: Path) -> None:
    """Make the state folder and its subfolders private, creating what is missing."""
    for folder in (state_dir, *(state_dir / name for name in SUBFOLDERS)):
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
            if stat.S_IMODE(folder.stat().st_mode) & 0o077:
                os.chmod(folder, PRIVATE_DIR)
                _close_files_in(folder)
        except OSError as error:
            reason = error.strerror or str(error)
            message = f"cannot use the state folder {folder}: {reason}"
            raise StateDirError(error.errno, message) from None


def private_file(path: Path) -> None:
    """Create `path` empty and 0600 if it is missing; make it 0600 if it is open to others."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT, PRIVATE_FILE)
    except OSError:
        return  # whoever opens it next reports the problem
    try:
        if stat.S_IMODE(os.fstat(descriptor).st_mode) & 0o077:
            os.fchmod(descriptor, PRIVATE_FILE)
    finally:
        os.close(descriptor)


def _close_files_in(folder: Path) -> None:
    with os.scandir(folder) as listing:
        for entry in listing:
            if entry.is_file(follow_symlinks=False):
                os.chmod(entry.path, PRIVATE_FILE)
