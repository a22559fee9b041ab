"""Filter a whole log on disk: `scan_log` for a word vs `grep -c` on the same file.

The log: LINES lines of 100 bytes (1 GB at 10M lines), one in a hundred holding the word,
printed by a block and written by the engine (`SideExecutionManager`, default settings: the log
and its times file, which numbers the lines). Both sides read the file from the page cache (one
untimed read first). The engine side runs `scan_log` to the end, keeping up to 100,000 matching
lines as text (the rest counted) and numbering the lines it covers, as the app's filter does;
grep counts matching lines. Further rows: ignoring case (beside `grep -i -c`); `grep -n`, which
numbers the matching lines and prints them (read by this process); the same log without its
times file (the lines counted by `wc -l` beside grep, as for a log from before times were kept);
the Python scan alone (no grep on the PATH, or a regular expression). ROUNDS rounds alternating;
medians; the ratio is throughput, engine over grep (1.0: as fast as grep).
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path

from _common import (
    Row,
    clock,
    engine_config,
    median,
    parse_args,
    print_table,
    temp_project,
    write_block,
)

from sidetui.core import SideExecutionManager
from sidetui.core.output import log_search
from sidetui.core.output.line_times import times_path
from sidetui.core.output.log_search import LineQuery, SearchUpdate, scan_log

WORD = "needle"

PRINT_LOG = """\
import sys

LINES = {lines}
out = sys.stdout.buffer
filler = "x" * 80
for start in range(0, LINES, 100_000):
    out.write(
        "".join(
            f"{{n:010d}} {{'{word}' if n % 100 == 7 else 'hay   '}} {{filler}}"[:99] + "\\n"
            for n in range(start, min(LINES, start + 100_000))
        ).encode()
    )
"""


async def write_log(root: Path, lines: int) -> Path:
    """The log of a run that printed `lines` lines, as the engine wrote it."""
    code = PRINT_LOG.format(lines=lines, word=WORD)
    write_block(root / "project" / "actionblocks", "printer", code)
    config = engine_config(root)
    async with SideExecutionManager(root / "project", config=config) as manager:
        started = await manager.start_with_action_block("printer")
        record = await manager.wait_until_settled(started.data["sideExecutionId"])
    path = record.log_paths["stdout"]
    assert path is not None
    return Path(path)


Scan = Callable[[Path, LineQuery, Callable[[SearchUpdate], None], threading.Event], None]


def engine(path: Path, query: LineQuery, scan: Scan = scan_log) -> tuple[float, int]:
    last: list[SearchUpdate] = []
    start = clock()
    scan(path, query, lambda update: last.append(update), threading.Event())
    return clock() - start, last[-1].found


def grep(path: Path, *flags: str) -> tuple[float, int]:
    """`grep -c` (or, with `-n`, the numbered matching lines read by this process)."""
    numbered = "-n" in flags
    start = clock()
    argv = ["grep", *flags, *([] if numbered else ["-c"]), WORD, str(path)]
    done = subprocess.run(argv, capture_output=True, check=False)
    elapsed = clock() - start
    return elapsed, done.stdout.count(b"\n") if numbered else int(done.stdout)


def without_times(path: Path, query: LineQuery) -> tuple[float, int]:
    """`engine` on the log with its times file moved away for the time of the scan."""
    times, away = times_path(path), times_path(path).with_suffix(".away")
    times.rename(away)
    try:
        return engine(path, query)
    finally:
        away.rename(times)


def main() -> None:
    args = parse_args(__doc__ or "")
    lines, rounds = (1_000_000, 3) if args.quick else (10_000_000, 5)
    if shutil.which("grep") is None:
        print("grep is not installed: no baseline")
        return
    word = LineQuery(WORD, case_sensitive=True)
    cases: dict[str, tuple[Callable[[Path], tuple[float, int]], tuple[str, ...]]] = {
        "word": (lambda p: engine(p, word), ()),
        "word, ignoring case": (lambda p: engine(p, LineQuery(WORD)), ("-i",)),
        "word, vs grep -n (numbered lines, read)": (lambda p: engine(p, word), ("-n",)),
        "word, a log without times (wc -l beside grep)": (lambda p: without_times(p, word), ()),
        "word, the Python scan": (lambda p: engine(p, word, log_search.scan_in_python), ()),
    }
    with temp_project() as root:
        path = asyncio.run(write_log(root, lines))
        size = path.stat().st_size
        path.read_bytes()  # into the page cache
        times: dict[str, dict[str, list[float]]] = {c: {"engine": [], "grep": []} for c in cases}
        counts: dict[str, set[int]] = {c: set() for c in cases}
        for _ in range(rounds):
            for case, (run, flags) in cases.items():
                elapsed, found = run(path)
                times[case]["engine"].append(elapsed)
                counts[case].add(found)
                elapsed, found = grep(path, *flags)
                times[case]["grep"].append(elapsed)
                counts[case].add(found)
    mb = size / 1e6
    rows = [
        Row(
            f"filter for a {case}",
            mb / median(sides["engine"]),
            mb / median(sides["grep"]),
            "MB/s",
            ("ratio", ">=", 0.5) if case == "word" else None,
            digits=0,
        )
        for case, sides in times.items()
    ]
    notes = [
        f"{lines:,} lines, {size / 1e9:.2f} GB, 1 in 100 lines matches; {rounds} rounds"
        " alternating; medians; file in the page cache",
        "seconds: "
        + "; ".join(
            f"{case} engine {', '.join(f'{t:.2f}' for t in s['engine'])} grep"
            f" {', '.join(f'{t:.2f}' for t in s['grep'])}"
            for case, s in times.items()
        ),
        f"matching lines counted (engine and grep agree when one number): {counts}",
    ]
    print_table("log filter", rows, notes)


if __name__ == "__main__":
    main()
