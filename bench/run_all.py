"""Run every benchmark in sequence, each in its own process; `--quick` for a smoke run.

A MISS is a figure, not a failure: the exit status is non-zero only when a benchmark crashed.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from _common import parse_args

HERE = Path(__file__).resolve().parent
BENCHMARKS = (
    "drain",
    "start",
    "stop",
    "live_load",
    "cli_startup",
    "discovery",
    "memory",
    "protocol",
    "log_filter",
    "sdk_invocations",
    "tui_latency",
    "tui_drain",
    "tui_memory",
    "tui_startup",
    "tui_first_line",
    "tui_catalog",
    "tui_history",
    "tui_merged",
)


def main() -> int:
    args = parse_args(__doc__ or "")
    extra = ["--quick"] if args.quick else []
    crashed = []
    began = time.monotonic()
    for name in BENCHMARKS:
        start = time.monotonic()
        result = subprocess.run([sys.executable, str(HERE / f"{name}.py"), *extra], check=False)
        print(
            f"({name}: {time.monotonic() - start:.0f} s, exit status {result.returncode})",
            flush=True,
        )
        if result.returncode != 0:
            crashed.append(name)
    total = time.monotonic() - began
    print(f"\nall benchmarks: {total:.0f} s; crashed: {', '.join(crashed) or 'none'}")
    return 1 if crashed else 0


if __name__ == "__main__":
    sys.exit(main())
