"""Filter a whole log on disk: `scan_log` for a word vs `grep -c` on the same file.

The log: LINES lines of 100 bytes (1 GB at 10M lines), one in a hundred holding the word. Both
sides read the file from the page cache (one untimed read first). The engine side runs
`scan_log` to the end, numbering lines and keeping up to 100,000 matching lines as text (the
rest counted), as the app's filter does; grep counts matching lines. A third row compares with
`grep -n`, which numbers the matching lines and prints them (read by this process): closer to
what the filter does. ROUNDS rounds alternating; medians; the ratio is throughput, engine over
grep (1.0: as fast as grep).
"""

from __future__ import annotations

import shutil
import subprocess
import threading
from pathlib import Path

from _common import Row, clock, median, parse_args, print_table, temp_project

from sidetui.core.output.log_search import LineQuery, SearchUpdate, scan_log

WORD = "needle"


def write_log(path: Path, lines: int) -> None:
    filler = "x" * 80
    with path.open("w") as handle:
        for start in range(0, lines, 100_000):
            handle.write(
                "".join(
                    f"{n:010d} {WORD if n % 100 == 7 else 'hay'.ljust(6)} {filler}\n"[:99] + "\n"
                    for n in range(start, min(lines, start + 100_000))
                )
            )


def engine(path: Path, query: LineQuery) -> tuple[float, int]:
    last: list[SearchUpdate] = []
    start = clock()
    scan_log(path, query, lambda update: last.append(update), threading.Event())
    return clock() - start, last[-1].found


def grep(path: Path, *flags: str) -> tuple[float, int]:
    """`grep -c` (or, with `-n`, the numbered matching lines read by this process)."""
    numbered = "-n" in flags
    start = clock()
    argv = ["grep", *flags, *([] if numbered else ["-c"]), WORD, str(path)]
    done = subprocess.run(argv, capture_output=True, check=False)
    elapsed = clock() - start
    return elapsed, done.stdout.count(b"\n") if numbered else int(done.stdout)


def main() -> None:
    args = parse_args(__doc__ or "")
    lines, rounds = (1_000_000, 3) if args.quick else (10_000_000, 5)
    if shutil.which("grep") is None:
        print("grep is not installed: no baseline")
        return
    with temp_project() as root:
        path = root / "big.stdout"
        write_log(path, lines)
        size = path.stat().st_size
        path.read_bytes()  # into the page cache
        cases = {
            "word": (LineQuery(WORD, case_sensitive=True), ()),
            "word, ignoring case": (LineQuery(WORD), ("-i",)),
            "word, vs grep -n (numbered lines, read)": (
                LineQuery(WORD, case_sensitive=True),
                ("-n",),
            ),
        }
        times: dict[str, dict[str, list[float]]] = {c: {"engine": [], "grep": []} for c in cases}
        counts: dict[str, set[int]] = {c: set() for c in cases}
        for _ in range(rounds):
            for case, (query, flags) in cases.items():
                elapsed, found = engine(path, query)
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
