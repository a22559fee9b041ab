"""Search a whole log with GNU grep in a child process: grep's speed, and the interpreter stays
free for the app's loop meanwhile.

grep reads the log through a file description this process shares (its standard input), so the
position of that description is the scan's progress, and where grep stopped is what the scan
covers (more than the log held when it began, if it grew meanwhile). The lines it covers are
numbered from the log's times file (`newlines_before`), or counted by `wc -l` beside grep for a
log without one. Only queries grep matches exactly as the Python scan does are handed to it:
plain text (`-F`) without a newline or NUL, ignoring case only for ASCII text (`LC_ALL=C` folds
ASCII letters, as the Python scan's fast path does).
"""

from __future__ import annotations

import functools
import io
import os
import selectors
import shutil
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

from sidetui.core.output.line_times import count_newlines, counts_lines, newlines_before
from sidetui.core.output.log_query import LineQuery, SearchUpdate, shown

REPORT_EVERY = 0.1  # seconds between progress reports
READ_BYTES = 1024 * 1024
_C_LOCALE = {"LC_ALL": "C"}


def scan(
    path: Path,
    query: LineQuery,
    report: Callable[[SearchUpdate], None],
    stop: threading.Event,
    numbered: bool = False,
) -> bool:
    """Scan `path` as `log_search.scan_log` does, with grep; False, having reported nothing,
    where grep cannot (no GNU grep, a query it would match differently, a log it cannot open)."""
    program = gnu_grep()
    if program is None or not handles(query):
        return False
    try:
        log = path.open("rb", buffering=0)
    except OSError:
        return False
    with log:
        size = os.fstat(log.fileno()).st_size
        flags = ["-i"] * (not query.case_sensitive) + ["-v"] * query.invert + ["-n"] * numbered
        try:
            grep = _spawn([program, "-a", "-F", *flags, "-e", query.text], stdin=log)
        except OSError:
            return False
        state = SearchUpdate(total=size)
        counter = None if counts_lines(path) else _counter(path)
        try:
            if _read_matches(grep, log, state, report, stop, numbered):  # grep ended, not stopped
                _end(grep, kill=False)
                if grep.returncode in (0, 1):
                    state.total = state.scanned = os.lseek(log.fileno(), 0, os.SEEK_CUR)
                    state.lines = _lines(counter, log.fileno(), path, state.total, size)
                else:
                    state.error = f"cannot read {path.name}: grep ended with {grep.returncode}"
        finally:  # stopped, or failed: nothing is left running
            _end(grep)
            _end(counter)
    state.done = True
    report(state.take())
    return True


def handles(query: LineQuery) -> bool:
    """Whether grep keeps exactly the lines the Python scan keeps for `query`."""
    text = query.text
    return (
        not query.regex
        and "\n" not in text
        and "\x00" not in text
        and (query.case_sensitive or text.isascii())
    )


@functools.cache
def gnu_grep() -> str | None:
    """GNU grep's path, or None (the options and their output are GNU grep's)."""
    program = shutil.which("grep")
    if program is None:
        return None
    try:
        version = subprocess.run(
            [program, "--version"], capture_output=True, timeout=5, check=False, env=_env()
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return program if version.startswith(b"grep (GNU grep)") else None


def _read_matches(
    grep: subprocess.Popen[bytes],
    log: io.FileIO,
    state: SearchUpdate,
    report: Callable[[SearchUpdate], None],
    stop: threading.Event,
    numbered: bool,
) -> bool:
    """Take grep's output line by line; True when it ended, False when stopped."""
    assert grep.stdout is not None
    output, pending, reported = grep.stdout.fileno(), bytearray(), time.monotonic()
    with selectors.DefaultSelector() as ready:
        ready.register(output, selectors.EVENT_READ)
        while not stop.is_set():
            if ready.select(REPORT_EVERY):
                data = os.read(output, READ_BYTES)
                if not data:
                    return True
                pending += data
                cut = pending.rfind(b"\n") + 1
                if cut:
                    _take(bytes(pending[:cut]), state, numbered)
                    del pending[:cut]
            if time.monotonic() - reported >= REPORT_EVERY:
                state.scanned = os.lseek(log.fileno(), 0, os.SEEK_CUR)
                state.total = max(state.total, state.scanned)
                report(state.take())
                reported = time.monotonic()
    return False


def _take(chunk: bytes, state: SearchUpdate, numbered: bool) -> None:
    """Add the matching lines grep printed in `chunk` (whole lines; `number:line` if
    `numbered`)."""
    count = chunk.count(b"\n")
    kept = min(count, state.room())
    state.found += count
    if kept and numbered:
        parts = [line.partition(b":") for line in chunk.split(b"\n", kept)[:kept]]
        state.numbers += [int(number) - 1 for number, _, _ in parts]
        chunk = b"\n".join(line for _, _, line in parts)
    if kept:  # decoded at once: a newline ends any broken character before it
        state.texts += shown(chunk.decode("utf-8", "replace").split("\n", kept)[:kept])


def _counter(path: Path) -> subprocess.Popen[bytes] | None:
    """`wc -l` of the log, started now, for a log whose times do not number its lines."""
    program = shutil.which("wc")
    try:
        return None if program is None else _spawn([program, "-l", "--", str(path)])
    except OSError:
        return None


def _lines(
    counter: subprocess.Popen[bytes] | None, log: int, path: Path, covered: int, size: int
) -> int:
    """The lines in the log's first `covered` bytes (an unended last line counts); `wc -l` ran
    on the log that had `size` bytes when the scan began."""
    newlines = newlines_before(log, path, covered)
    if newlines is None and counter is not None:
        output, _ = counter.communicate()
        if counter.returncode == 0 and os.fstat(log).st_size == covered == size:
            newlines = int(output.split()[0])
    if newlines is None:  # no times, no wc, or a log that grew: count here
        newlines = count_newlines(log, 0, covered)
    return newlines + (covered > 0 and os.pread(log, 1, covered - 1) != b"\n")


def _spawn(argv: list[str], stdin: io.FileIO | int = subprocess.DEVNULL) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        argv, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=_env()
    )


def _env() -> dict[str, str]:
    return {**os.environ, **_C_LOCALE}


def _end(process: subprocess.Popen[bytes] | None, kill: bool = True) -> None:
    """Reap `process`, killed first (if it still runs) unless it is ending by itself."""
    if process is None:
        return
    if kill and process.poll() is None:
        process.kill()
    process.wait()
    if process.stdout is not None:
        process.stdout.close()
