"""CLI start-up: what `sidetui --help`, `sidetui list` and `sidetui run` cost from the spawn of
the CLI, imports and all.

- `--help`, `list` (the bundled samples): until the process exits, against `python -c pass`
  (the interpreter's own start-up, the floor of any Python CLI).
- `run`: from the spawn of `sidetui run first` to the child's first line on the CLI's stdout,
  against `python -c pass` plus a bare spawn of the same `main.py` to its first line on a pipe
  (what the CLI cannot avoid: start itself, then start the child).
- info: `python -c "import asyncio"`, the floor of any CLI built on asyncio, as the engine is.

Each sample is a fresh process of the venv's interpreter with temp state and global folders,
bytecode caches allowed (as an installed package has them; the warm-up writes them); ROUNDS
rounds, the sides interleaved; medians.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from _common import Row, clock, median, parse_args, print_table, temp_project

SAMPLES = Path(__file__).resolve().parent.parent / "actionblocks"
FIRST = "print('first', flush=True)\nimport time\ntime.sleep(0.2)\n"


def until_exit(argv: list[str], cwd: Path, env: dict[str, str]) -> float:
    start = clock()
    subprocess.run(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, check=True)
    return clock() - start


def until_first_line(argv: list[str], cwd: Path, env: dict[str, str]) -> float:
    """Spawn, read stdout until a line holding `first`; the time; then end the process."""
    start = clock()
    process = subprocess.Popen(
        argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    assert process.stdout is not None
    for line in process.stdout:
        if b"first" in line:
            break
    elapsed = clock() - start
    process.stdout.read()
    process.wait()
    return elapsed


def main() -> None:
    args = parse_args(__doc__ or "")
    rounds = 3 if args.quick else 15
    cli = [sys.executable, "-m", "sidetui"]
    with temp_project({"first": FIRST}) as root:
        samples = root / "samples"  # a project holding the bundled samples
        shutil.copytree(SAMPLES, samples / "actionblocks")
        env = {
            **os.environ,
            "SIDETUI_STATE_DIR": str(root / "state"),
            "SIDETUI_GLOBAL_DIR": str(root / "global"),
        }
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: imports come from bytecode
        project, block = root / "project", root / "project" / "actionblocks" / "first"
        sides: dict[str, list[float]] = {
            side: [] for side in ("python", "asyncio", "bare", "help", "list", "run")
        }
        until_first_line([*cli, "run", "first"], project, env)  # warm-up: caches, bytecode
        for _ in range(rounds):
            sides["python"].append(until_exit([sys.executable, "-c", "pass"], root, env))
            with_asyncio = [sys.executable, "-c", "import asyncio"]
            sides["asyncio"].append(until_exit(with_asyncio, root, env))
            sides["bare"].append(until_first_line([sys.executable, "main.py"], block, env))
            sides["help"].append(until_exit([*cli, "--help"], root, env))
            sides["list"].append(until_exit([*cli, "list"], samples, env))
            sides["run"].append(until_first_line([*cli, "run", "first"], project, env))
    ms = {side: median(values) * 1000 for side, values in sides.items()}
    floor = ms["python"] + ms["bare"]
    rows = [
        Row("sidetui run, spawn to first line", ms["run"], floor, "ms", ("ratio", "<=", 2.0)),
        Row(
            "floor: python -c 'import asyncio' + bare spawn to first line",
            ms["asyncio"] + ms["bare"],
            floor,
            "ms",
        ),
        Row("sidetui --help, spawn to exit", ms["help"], ms["python"], "ms"),
        Row("sidetui list (samples), spawn to exit", ms["list"], ms["python"], "ms"),
    ]
    notes = [
        f"{rounds} rounds, interleaved, after one warm-up; medians. Baseline of `run`:"
        f" python -c pass {ms['python']:.1f} ms + bare spawn to first line {ms['bare']:.1f} ms;"
        " of --help and list: python -c pass",
        "ms per run: "
        + "; ".join(
            f"{side} {', '.join(f'{t * 1000:.0f}' for t in ts)}" for side, ts in sides.items()
        ),
    ]
    print_table("CLI start-up", rows, notes)


if __name__ == "__main__":
    main()
