"""The real app in a real terminal (tmux): start it, launch a block with keys, read the screen."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psutil
import pytest

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


@pytest.fixture
def tmux(tmp_path: Path, samples_project: Path) -> Iterator[Callable[..., str]]:
    """Run the app in a detached 120x36 tmux session; yields `screen(*keys)`."""
    session = f"sidetui-{uuid.uuid4().hex[:8]}"
    tmux = ["tmux", "-L", session]  # a server of its own, ended with the test
    state = tmp_path / "state"
    command = (
        f"SIDETUI_STATE_DIR={state} SIDETUI_GLOBAL_DIR={tmp_path / 'global'} "
        f"{sys.executable} -m sidetui {samples_project}"
    )
    subprocess.run(
        [*tmux, "new-session", "-d", "-s", session, "-x", "120", "-y", "36", command], check=True
    )
    subprocess.run([*tmux, "resize-window", "-t", session, "-x", "120", "-y", "36"], check=False)
    server_pid = int(
        subprocess.run(
            [*tmux, "display-message", "-p", "#{pid}"], capture_output=True, text=True, check=True
        ).stdout
    )

    def screen(*keys: str) -> str:
        if keys:
            subprocess.run([*tmux, "send-keys", "-t", session, *keys], check=True)
        return subprocess.run(
            [*tmux, "capture-pane", "-p", "-t", session], capture_output=True, text=True
        ).stdout

    try:
        yield screen
    finally:
        subprocess.run([*tmux, "kill-server"], capture_output=True)
        # The engine made this process a subreaper, so the daemonised server may be our child:
        # wait for it (and reap it) before the no-process-left check looks.
        with contextlib.suppress(psutil.NoSuchProcess):
            psutil.Process(server_pid).wait(timeout=10)


def wait_for(screen: Callable[..., str], text: str, deadline_s: float = 20) -> str:
    end = time.monotonic() + deadline_s
    shown = ""
    while time.monotonic() < end:
        shown = screen()
        if text in shown:
            return shown
        time.sleep(0.1)
    raise AssertionError(f"{text!r} never appeared on screen:\n{shown}")


def test_a_person_launches_a_block_watches_it_and_quits(tmux: Callable[..., str]) -> None:
    wait_for(tmux, "hello-python")
    tmux("/")  # nothing to search yet: the search bar opens and closes harmlessly
    wait_for(tmux, "search the output")
    tmux("Escape")
    end = time.monotonic() + 10
    while "search the output" in tmux() and time.monotonic() < end:
        time.sleep(0.1)
    for _ in range(4):  # codebolt-style, colors, countdown, fails, hello-python
        tmux("Down")
    wait_for(tmux, "Counts the words")  # the details of the highlighted block
    tmux("Enter")
    wait_for(tmux, "Launch hello-python")
    tmux("C-s")
    shown = wait_for(tmux, "✔ completed")
    assert "7 words in: 'side executions" in shown
    assert "8 lines · following" in shown
    tmux("q")
    wait_for(tmux, "", 1)
    end = time.monotonic() + 10
    while time.monotonic() < end and "sidetui" in tmux():
        time.sleep(0.1)
    assert "sidetui" not in tmux(), "the app did not quit"
