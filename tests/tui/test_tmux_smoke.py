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


class Terminal:
    """A tmux session of its own server: `terminal(*keys)` sends keys and returns the screen."""

    def __init__(self, session: str):
        self.session = session
        self.tmux = ["tmux", "-L", session]

    def __call__(self, *keys: str) -> str:
        if keys:
            subprocess.run([*self.tmux, "send-keys", "-t", self.session, *keys], check=True)
        return subprocess.run(
            [*self.tmux, "capture-pane", "-p", "-t", self.session], capture_output=True, text=True
        ).stdout

    def query(self, variable: str) -> int:
        shown = subprocess.run(
            [*self.tmux, "display-message", "-p", "-t", self.session, f"#{{{variable}}}"],
            capture_output=True,
            text=True,
            check=True,
        )
        return int(shown.stdout)

    def app_process(self) -> psutil.Process:
        """The app's process: the pane's command, or the shell's child that runs it."""
        pane = psutil.Process(self.query("pane_pid"))
        for process in (pane, *pane.children(recursive=True)):
            if "sidetui" in process.cmdline():
                return process
        raise AssertionError("the app's process was not found")


@pytest.fixture
def tmux(tmp_path: Path, samples_project: Path) -> Iterator[Terminal]:
    """Run the app in a detached 120x36 tmux session."""
    terminal = Terminal(f"sidetui-{uuid.uuid4().hex[:8]}")
    command = (
        f"SIDETUI_STATE_DIR={tmp_path / 'state'} SIDETUI_GLOBAL_DIR={tmp_path / 'global'} "
        f"{sys.executable} -m sidetui {samples_project}"
    )
    size = ["-x", "120", "-y", "36"]
    subprocess.run(
        [*terminal.tmux, "new-session", "-d", "-s", terminal.session, *size, command], check=True
    )
    subprocess.run([*terminal.tmux, "resize-window", "-t", terminal.session, *size], check=False)
    started = [terminal.query("pid"), terminal.query("pane_pid")]  # the server, the app
    try:
        yield terminal
    finally:
        subprocess.run([*terminal.tmux, "kill-server"], capture_output=True)
        # The engine made this process a subreaper, so the daemonised server and the app it ran
        # (which may still be ending) can be our children: wait for them (and reap them) before
        # the no-process-left check looks.
        for pid in started:
            with contextlib.suppress(psutil.NoSuchProcess):
                psutil.Process(pid).wait(timeout=10)


def wait_for(screen: Callable[..., str], text: str, deadline_s: float = 20) -> str:
    end = time.monotonic() + deadline_s
    shown = ""
    while time.monotonic() < end:
        shown = screen()
        if text in shown:
            return shown
        time.sleep(0.1)
    raise AssertionError(f"{text!r} never appeared on screen:\n{shown}")


def test_a_person_launches_a_block_watches_it_and_quits(tmux: Terminal) -> None:
    wait_for(tmux, "hello-python")
    tmux("/")  # in the catalog: its filter
    time.sleep(0.3)  # a key takes some 30 ms to show; leave the focus ten times that to move
    tmux("hello-py")
    wait_for(tmux, "Counts the words")  # the details of the one block left
    tmux("Enter")  # back to the catalog, on it
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


def test_closing_the_terminal_stops_the_children_and_ends_the_app(tmux: Terminal) -> None:
    """The terminal goes away (the tmux server is killed: the kernel sends the app SIGHUP, then
    SIGCONT): the app stops its children and exits instead of lingering on a dead terminal."""
    wait_for(tmux, "hello-python")
    for _ in range(2):  # codebolt-style, colors, countdown
        tmux("Down")
    wait_for(tmux, "Counts down")
    tmux("Enter")
    wait_for(tmux, "Launch countdown")
    tmux("C-s")
    wait_for(tmux, "● running")
    app = tmux.app_process()
    children = app.children(recursive=True)
    assert children, "the countdown child is running"

    subprocess.run([*tmux.tmux, "kill-server"], check=True)

    try:
        app.wait(timeout=20)
    except psutil.TimeoutExpired:
        threads = app.num_threads()
        app.kill()
        raise AssertionError(f"the app still runs 20 s later, with {threads} threads") from None
    except psutil.NoSuchProcess:
        pass
    alive = [child for child in children if child.is_running()]
    assert not alive, f"children left running: {alive}"
