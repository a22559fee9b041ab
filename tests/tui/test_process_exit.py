"""After the app returned, a thread left behind by the terminal driver cannot keep sidetui alive."""

from __future__ import annotations

import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import threading, sys
    from sidetui.tui.process_exit import exit_despite_lingering_threads

    if sys.argv[1] == "lingering":
        threading.Thread(target=threading.Event().wait, name="textual-input").start()
    elif sys.argv[1] == "engine threads":  # idle, waiting for more work
        import asyncio
        from sidetui.core import workers
        for run_in in (workers.in_scan_thread, workers.in_process_thread, workers.in_search_thread):
            asyncio.run(run_in(print, "worked"))
    else:
        threading.Thread(target=lambda: None).start()
    print("app returned", flush=True)
    exit_despite_lingering_threads(3, grace_s=0.2 if sys.argv[1] == "lingering" else 10)
    print("returned normally")
    """
)


def run(case: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", SCRIPT, case], capture_output=True, text=True, timeout=20
    )


def test_a_lingering_non_daemon_thread_ends_the_process_with_the_code() -> None:
    done = run("lingering")
    assert done.returncode == 3
    assert done.stdout == "app returned\n"


def test_without_lingering_threads_the_process_returns_normally() -> None:
    done = run("finished")
    assert done.returncode == 0
    assert done.stdout == "app returned\nreturned normally\n"


def test_the_engines_idle_worker_threads_do_not_hold_the_exit() -> None:
    """They wait for work for ever: without being let go, every quit waited the whole grace and
    then ended the process with `os._exit`."""
    done = run("engine threads")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "worked\n" * 3 + "app returned\nreturned normally\n"
