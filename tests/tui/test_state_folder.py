"""A state folder the app cannot use (a file where it should be, a folder it may not write):
the app does not start half-blind and does not crash; it ends at once with one line saying
which folder and why, and exit status 2 - under Pilot, and in a real terminal."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from sidetui.core import EngineConfig
from sidetui.core.terminal_text import strip_ansi
from tests.tui.pilot_support import DEADLINE_S, SIZE, AppFactory

LEAVE_SCREEN = "\x1b[?1049l"  # the terminal's own screen back: what follows is for the shell


def blocked_state_dir(tmp_path: Path) -> Path:
    """A state folder whose parent is a file."""
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    return blocker / "state"


async def test_a_state_folder_under_a_file_ends_the_app_with_one_line(
    make_app: AppFactory, engine_config: EngineConfig, tmp_path: Path
) -> None:
    engine_config.state_dir = blocked_state_dir(tmp_path)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        end = time.monotonic() + DEADLINE_S
        while app.is_running and time.monotonic() < end:
            await pilot.pause(0.05)
    assert app.return_code == 2
    assert app.refusal == (
        f"sidetui: cannot use the state folder {engine_config.state_dir}: Not a directory"
    )


def unwritable_folder(tmp_path: Path) -> Path:
    """A folder in which nothing may be created: read-only to its owner, or - for root, who
    writes into any folder - sysfs."""
    if os.geteuid() != 0:
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        return locked
    if not os.path.ismount("/sys"):
        pytest.skip("running as root without sysfs: no folder refuses root")
    return Path("/sys")


async def test_a_state_folder_it_may_not_write_ends_the_app_with_one_line(
    make_app: AppFactory, engine_config: EngineConfig, tmp_path: Path
) -> None:
    engine_config.state_dir = unwritable_folder(tmp_path) / "sidetui-state"
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        end = time.monotonic() + DEADLINE_S
        while app.is_running and time.monotonic() < end:
            await pilot.pause(0.05)
    assert app.return_code == 2
    assert app.refusal is not None
    reason = app.refusal.removeprefix(
        f"sidetui: cannot use the state folder {engine_config.state_dir}: "
    )
    assert reason in ("Permission denied", "Operation not permitted"), app.refusal


def test_in_a_terminal_the_app_says_why_in_one_line_and_exits_2(
    samples_project: Path, tmp_path: Path
) -> None:
    state = blocked_state_dir(tmp_path)
    main, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", SIZE[1], SIZE[0], 0, 0))
    env = dict(os.environ, SIDETUI_STATE_DIR=str(state), TERM="xterm-256color")
    app = subprocess.Popen(
        [sys.executable, "-m", "sidetui", str(samples_project)],
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        env=env,
        start_new_session=True,
    )
    os.close(terminal)
    try:
        shown = _read_until_closed(main)
        code = app.wait(timeout=DEADLINE_S)
    finally:
        os.close(main)
        if app.poll() is None:
            app.kill()
            app.wait()
    assert code == 2
    assert "Traceback" not in shown
    after = strip_ansi(shown.rsplit(LEAVE_SCREEN, 1)[-1]).strip()
    assert after == f"sidetui: cannot use the state folder {state}: Not a directory"


def _read_until_closed(descriptor: int) -> str:
    """All the terminal shows until the last process on it has gone (or the deadline)."""
    chunks: list[bytes] = []
    end = time.monotonic() + DEADLINE_S
    while time.monotonic() < end:
        try:
            chunk = os.read(descriptor, 65536)
        except OSError:  # EIO: nothing holds the terminal any more
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks).decode("utf-8", "replace")
